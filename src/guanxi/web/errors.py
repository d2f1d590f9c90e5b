"""Domain errors and bad requests as `{"error": {"code", "message"}}` with the right status."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from guanxi import errors
from guanxi.web.responses import JSONOut

log = logging.getLogger(__name__)
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.RateLimited: 429,
    errors.TooLarge: 413,
    errors.TryLater: 503,  # out of reach (Unavailable) or overloaded (ReadsBusy)
}


def error_response(status: int, code: str, message: str) -> JSONOut:
    return JSONOut(error_body(code, message), status_code=status)


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def domain_status(exc: errors.DomainError) -> int:
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)


def validation_message(problems: Sequence[Any]) -> str:
    """The first few problems of a request, as `field: what is wrong`."""
    parts = []
    for problem in problems[:5]:
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid request."


async def _domain(_: Request, exc: Exception) -> JSONOut:
    assert isinstance(exc, errors.DomainError)
    answer = error_response(domain_status(exc), exc.code, exc.message)
    if isinstance(exc, errors.TryLater):
        answer.headers["Retry-After"] = str(exc.retry_after)
    return answer


async def _validation(_: Request, exc: Exception) -> JSONOut:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_input", validation_message(exc.errors()))


async def _http(request: Request, exc: Exception) -> JSONOut:
    assert isinstance(exc, HTTPException)
    code = {
        404: "not_found",
        405: "method_not_allowed",
        401: "unauthorized",
        413: "too_large",
    }.get(exc.status_code, "http_error")
    answer = error_response(exc.status_code, code, str(exc.detail))
    answer.headers.update(exc.headers or {})
    if exc.status_code == 405:  # RFC 9110: name every method the path has
        allowed = _allowed_methods(request)
        if allowed:
            answer.headers["Allow"] = ", ".join(allowed)
    return answer


def _allowed_methods(request: Request) -> list[str]:
    """The methods /openapi.json lists for the request's path. Starlette's own Allow names
    only the first route that matched the path, and GET and PATCH /me are two routes."""
    app = request.app
    table: list[tuple[re.Pattern[str], list[str]]] | None = getattr(app.state, "allow", None)
    if table is None:
        table = []
        for template, item in app.openapi().get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            methods = sorted(m.upper() for m in item if m.upper() in HTTP_METHODS)
            table.append((re.compile(pattern), methods))
        app.state.allow = table
    path = request.url.path
    return sorted({m for pattern, methods in table if pattern.fullmatch(path) for m in methods})


async def _unexpected(_: Request, exc: Exception) -> JSONOut:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal", "Something went wrong on the server.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
