"""Refuse oversized request bodies without reading them whole.

JSON bodies are held to `max_bytes`; the upload paths named in `upload_limits` (POST only)
to their own, larger limit.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """An HTTP error, so that FastAPI's body parsing passes it on as a 413 (not a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, max_bytes: int, upload_limits: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_limits = dict(upload_limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        if scope.get("method") == "POST":
            limit = self.upload_limits.get(scope["path"], limit)
        declared = content_length(scope)
        if declared is not None and declared > limit:
            await refuse_too_large(send, limit)
            return
        started = False

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                counting_receive.total += len(message.get("body", b""))  # type: ignore[attr-defined]
                if counting_receive.total > limit:  # type: ignore[attr-defined]
                    raise BodyTooLarge(limit)
            return message

        counting_receive.total = 0  # type: ignore[attr-defined]

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await refuse_too_large(send, limit)


async def refuse_too_large(send: Send, limit: int) -> None:
    """Answer 413 and close the connection (the rest of the body is never read)."""
    body = orjson.dumps(
        {
            "error": {
                "code": "too_large",
                "message": f"The request body is larger than {limit} bytes.",
            }
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
