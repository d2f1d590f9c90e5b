"""POST /api/v1/conversations/{id}/messages, answered without the framework's machinery.

Sending is the hottest call by far, and FastAPI's routing, dependency solving, middleware
stack and response objects cost about as much CPU per send as storing and delivering the
message does (docs/performance.md). This ASGI middleware recognises exactly this call and
answers it with the same steps as the route in `routes/messages.py` — body limit, bearer
token, the `messages` rate limit (web/rate_limits.py), the `SendMessageIn` schema,
`MessageService.send_message` — and the same error bodies; every other request, and a send
whose path or content type it does not take, goes on to FastAPI unchanged. The route stays:
it is what /openapi.json describes.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import orjson
from pydantic import ValidationError
from starlette.types import Receive, Scope, Send

from guanxi import errors
from guanxi.services import Services
from guanxi.web.auth import authenticate, bearer_token
from guanxi.web.errors import domain_status, error_body, validation_message
from guanxi.web.limits import content_length, refuse_too_large
from guanxi.web.rate_limits import retry_headers
from guanxi.web.schemas.conversations import SendMessageIn

log = logging.getLogger(__name__)

SEND_PATH = re.compile(r"/api/v1/conversations/([1-9][0-9]{0,15})/messages")
MAX_ID = 2**53
JSON_TYPE = re.compile(rb"application/(?:[\w.+-]*\+)?json\s*(?:;.*)?", re.IGNORECASE)


class SendPath:
    def __init__(self, services: Services, max_bytes: int) -> None:
        self.services = services
        self.max_bytes = max_bytes

    def conversation_of(self, scope: Scope) -> int | None:
        """The conversation id when this request is a send this path takes, else None."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return None
        match = SEND_PATH.fullmatch(scope["path"])
        if match is None or int(match[1]) > MAX_ID or not _takes(scope):
            return None
        return int(match[1])

    async def send_message(
        self, conversation_id: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        declared = content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await refuse_too_large(send, self.max_bytes)
            return
        try:
            body = await _read_body(receive, self.max_bytes)
        except _ClientGone:
            return
        if body is None:
            await refuse_too_large(send, self.max_bytes)
            return
        headers: list[tuple[bytes, bytes]] = []
        try:
            status, answer = await self._answer(conversation_id, scope, body)
        except errors.DomainError as exc:
            status, answer = domain_status(exc), error_body(exc.code, exc.message)
            if isinstance(exc, errors.TryLater):
                headers = retry_headers(exc)
        except ValidationError as exc:
            message = validation_message(exc.errors(include_url=False))
            status, answer = 422, error_body("invalid_input", message)
        except Exception:
            log.exception("unexpected error")
            status = 500
            answer = error_body("internal", "Something went wrong on the server.")
        await _respond(send, status, orjson.dumps(answer), headers)

    async def _answer(self, conversation_id: int, scope: Scope, body: bytes) -> tuple[int, Any]:
        me = await authenticate(self.services, bearer_token(scope))
        await self.services.limiter.take("messages", me.user.id)
        draft = SendMessageIn.model_validate_json(body).draft()
        message, created = await self.services.messages.send_message(me, conversation_id, draft)
        return (201 if created else 200), message.to_wire()


def _takes(scope: Scope) -> bool:
    """JSON bodies, and a body without a content type (read as JSON, as FastAPI did before
    its `strict_content_type`: docs/architecture.md)."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return JSON_TYPE.fullmatch(value) is not None
    return True


class _ClientGone(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it passes `limit` (the rest is left unread)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _respond(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
