"""Refuse oversized request bodies without reading them whole, and bodies that come too slowly.

JSON bodies are held to `max_bytes`; the upload paths named in `upload_limits` (POST only)
to their own, larger limit. `BodyDeadline` answers 408 to a body that does not arrive in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

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


class BodyDeadline:
    """Answers 408 and closes the connection when a request's body has not arrived within
    `seconds` of the request, plus one second for every `min_rate` bytes that did arrive: a
    client that sends headers and then trickles or stops its body holds a connection (and a
    place under `guanxi serve`'s connection cap) only that long, while a large upload at a
    reasonable speed gets the time it needs. The application is told the client went away
    (`http.disconnect`), as if it had, and whatever it answers after the 408 is dropped."""

    def __init__(self, app: ASGIApp, seconds: float, min_rate: int) -> None:
        self.app = app
        self.seconds = seconds
        self.min_rate = min_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        body = _TimedBody(receive, send, deadline, self.min_rate)
        try:
            await self.app(scope, body.receive, body.send)
        except Exception:
            if not body.expired:
                raise  # after a 408 the request is over: what the app made of it does not matter


@dataclass
class _TimedBody:
    """One request's `receive` and `send`, with BodyDeadline's deadline on the body."""

    _receive: Receive
    _send: Send
    deadline: float  # the loop's clock
    rate: int  # bytes received that move the deadline by a second
    complete: bool = False  # the whole body is in
    started: bool = False  # a response has begun
    expired: bool = False  # the deadline passed (and 408 was answered if it could be)

    async def receive(self) -> Message:
        if self.complete:
            return await self._receive()
        if self.expired:
            return {"type": "http.disconnect"}
        left = self.deadline - asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(max(left, 0)):
                message = await self._receive()
        except TimeoutError:
            await self._expire()
            return {"type": "http.disconnect"}
        chunk = message.get("body", b"") if message["type"] == "http.request" else b""
        self.deadline += len(chunk) / self.rate
        self.complete = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    async def _expire(self) -> None:
        self.expired = True
        if not self.started:
            self.started = True
            await refuse(self._send, 408, "request_timeout", "The request body came too slowly.")

    async def send(self, message: Message) -> None:
        if self.expired:
            return
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


async def refuse_too_large(send: Send, limit: int) -> None:
    """Answer 413 and close the connection (the rest of the body is never read)."""
    await refuse(send, 413, "too_large", f"The request body is larger than {limit} bytes.")


async def refuse(send: Send, status: int, code: str, message: str) -> None:
    """Answer with an error and close the connection (the rest of the body is never read)."""
    body = orjson.dumps({"error": {"code": code, "message": message}})
    await send(
        {
            "type": "http.response.start",
            "status": status,
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
