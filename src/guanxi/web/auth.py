"""Who is calling: the bearer token, turned into a Principal by the accounts service.

`bearer_token` is the one reader of `Authorization: Bearer <token>`: the routes' dependency,
the rate-limit middleware (web/rate_limits.py) and the send path (web/send_path.py) all use
it, so none of them can take a header another refuses. The WebSocket carries its token in
its hello frame instead (web/socket.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection
from starlette.types import Scope

from guanxi.accounts.models import Principal
from guanxi.errors import Unauthorized
from guanxi.services import Services

PRINCIPAL = "principal"  # request.state's name for the caller the rate-limit middleware knew
LOG_IN_FIRST = "Log in first: send Authorization: Bearer <token>."


def bearer_token(scope: Scope) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None


async def authenticate(services: Services, token: str | None) -> Principal:
    """The caller whose token this is; Unauthorized without one or for an unknown one."""
    if token is None:
        raise Unauthorized(LOG_IN_FIRST)
    return await services.accounts.authenticate(token)


class Bearer(HTTPBearer):
    """FastAPI's HTTPBearer as /openapi.json describes it, reading with `bearer_token`."""

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials | None:
        token = bearer_token(request.scope)
        if token is None:
            return None
        return HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)


bearer = Bearer(
    auto_error=False,
    scheme_name="HTTPBearer",
    description="The token from registering or logging in.",
)


async def get_services(request: Request) -> Services:
    """Async on purpose: FastAPI runs a plain `def` dependency in a thread pool."""
    services: Services = request.app.state.services
    return services


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    known: Principal | None = getattr(request.state, PRINCIPAL, None)
    if known is not None:  # the rate-limit middleware checked this request's token already
        return known
    token = None if credentials is None else credentials.credentials
    return await authenticate(request.app.state.services, token)


Me = Annotated[Principal, Depends(current_principal)]
Svc = Annotated[Services, Depends(get_services)]
