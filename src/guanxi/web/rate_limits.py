"""Which write is limited how: ONE table of (method, route path) → limit kind, and the
middleware that applies it before the route runs.

The key of a bucket is the caller's user id, or the client address for the kinds taken
before anyone is logged in (registering, logging in: `KIND[...].by`). A call to a user-keyed
route without a valid token is let through to answer its 401. A new write route adds its row
here; tests/test_rate_limits.py fails for a write route that has none. Message sends usually
take the lean path (web/send_path.py), which applies the `messages` kind itself.
"""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from guanxi.errors import RateLimited, Unauthorized
from guanxi.ratelimit.limiter import Limiter
from guanxi.ratelimit.rates import KIND
from guanxi.services import Services
from guanxi.web.auth import PRINCIPAL, bearer_token
from guanxi.web.errors import error_body

API = "/api/v1"
C = API + "/conversations/{conversation_id}"
MESSAGE = C + "/messages/{seq}"
MOMENT = API + "/moments/{moment_id}"

LIMITS: dict[tuple[str, str], str] = {
    ("POST", API + "/accounts"): "registrations",
    ("POST", API + "/sessions"): "logins",
    ("POST", C + "/messages"): "messages",
    ("PATCH", MESSAGE): "edits",
    ("POST", MESSAGE + "/recall"): "recalls",
    ("PUT", MESSAGE + "/reactions/{emoji}"): "reactions",
    ("DELETE", MESSAGE + "/reactions/{emoji}"): "reactions",
    ("POST", C + "/read"): "read_markers",
    ("POST", API + "/conversations"): "conversations",
    ("POST", C + "/members"): "members",
    ("PATCH", C + "/members/{handle}"): "members",
    ("DELETE", C + "/members/{handle}"): "members",
    ("POST", API + "/friend-requests"): "friend_requests",
    ("POST", API + "/media"): "uploads",
    ("POST", API + "/moments"): "moments",
    ("POST", MOMENT + "/comments"): "comments",
    ("PUT", MOMENT + "/like"): "likes",
    ("DELETE", MOMENT + "/like"): "likes",
    ("PATCH", C): "other_writes",
    ("POST", API + "/friend-requests/{request_id}/accept"): "other_writes",
    ("POST", API + "/friend-requests/{request_id}/decline"): "other_writes",
    ("PATCH", API + "/friends/{handle}"): "other_writes",
    ("DELETE", API + "/friends/{handle}"): "other_writes",
    ("PUT", API + "/blocks/{handle}"): "other_writes",
    ("DELETE", API + "/blocks/{handle}"): "other_writes",
    ("DELETE", API + "/sessions/current"): "other_writes",
    ("DELETE", API + "/sessions/{session_id}"): "other_writes",
    ("POST", API + "/me/password"): "other_writes",
    ("POST", API + "/group-invitations/{invitation_id}/accept"): "other_writes",
    ("POST", API + "/group-invitations/{invitation_id}/decline"): "other_writes",
    ("PATCH", API + "/me"): "other_writes",
    ("DELETE", API + "/me"): "other_writes",
    ("DELETE", MOMENT): "other_writes",
    ("DELETE", MOMENT + "/comments/{comment_id}"): "other_writes",
}
READS = frozenset({"GET", "HEAD", "OPTIONS"})


def compile_table(
    limits: dict[tuple[str, str], str],
) -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """Per method, (path pattern, kind) pairs; fixed paths before templates."""
    table: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for (method, template), kind in sorted(limits.items(), key=lambda row: "{" in row[0][1]):
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)))
        table.setdefault(method, []).append((pattern, kind))
    return table


def kind_of(table: dict[str, list[tuple[re.Pattern[str], str]]], scope: Scope) -> str | None:
    for pattern, kind in table.get(scope["method"], ()):
        if pattern.fullmatch(scope["path"]):
            return kind
    return None


class RateLimitMiddleware:
    """Answers 429 with `Retry-After` when the caller's bucket for the route's kind is empty."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        self.table = compile_table(LIMITS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READS:
            kind = kind_of(self.table, scope)
            if kind is not None:
                try:
                    await self._take(kind, scope)
                except RateLimited as exc:
                    await refuse_rate_limited(send, exc)
                    return
        await self.app(scope, receive, send)

    async def _take(self, kind: str, scope: Scope) -> None:
        limiter: Limiter = self.services.limiter
        if KIND[kind].by == "address":
            client = scope.get("client")
            await limiter.take(kind, client[0] if client else "unknown")
            return
        token = bearer_token(scope)
        if token is None:
            return
        try:
            principal = await self.services.accounts.authenticate(token)
        except Unauthorized:
            return
        scope.setdefault("state", {})[PRINCIPAL] = principal  # the route's auth reuses it
        await limiter.take(kind, principal.user.id)


def retry_headers(exc: RateLimited) -> list[tuple[bytes, bytes]]:
    return [(b"retry-after", str(exc.retry_after).encode())]


async def refuse_rate_limited(send: Send, exc: RateLimited) -> None:
    body = orjson.dumps(error_body(exc.code, exc.message))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *retry_headers(exc),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
