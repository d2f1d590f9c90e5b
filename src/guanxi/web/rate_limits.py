"""Which write is limited how: ONE table of (method, route path) → limit kind, and the
middleware that applies it before the route runs.

The key of a bucket is the caller's user id, or the client address for the kinds taken
before anyone is logged in (registering, logging in: `KIND[...].by`). A call to a user-keyed
route without a valid token is let through to answer its 401. A new write route adds its row
here; tests/test_rate_limits.py fails for a write route that has none. A read costly enough
to be limited (the ledger, which adds up a user's whole history) has its row in
`READ_LIMITS`. Message sends usually take the lean path (web/send_path.py), which applies the
`messages` kind itself.
"""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from guanxi.errors import RateLimited, TryLater, Unauthorized
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
    ("POST", C + "/typing"): "typing",
    ("POST", API + "/conversations"): "conversations",
    ("POST", C + "/members"): "members",
    ("PATCH", C + "/members/{handle}"): "members",
    ("DELETE", C + "/members/{handle}"): "members",
    ("POST", API + "/friend-requests"): "friend_requests",
    ("POST", API + "/media"): "uploads",
    ("PUT", API + "/me/avatar"): "uploads",  # a picture is an upload
    ("DELETE", API + "/me/avatar"): "other_writes",
    ("POST", API + "/moments"): "moments",
    ("POST", MOMENT + "/comments"): "comments",
    ("PUT", MOMENT + "/like"): "likes",
    ("DELETE", MOMENT + "/like"): "likes",
    ("PATCH", C): "other_writes",
    ("DELETE", C): "other_writes",
    ("POST", C + "/forward"): "messages",  # and one more per message created (the route)
    ("POST", C + "/messages/hide"): "other_writes",
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
    ("POST", API + "/me/imports"): "other_writes",  # and imports_per_day, one at a time
    ("POST", API + "/me/exports"): "other_writes",  # and a daily cap of its own
    ("POST", API + "/me/placeholders/{placeholder_id}/link"): "other_writes",
}
# The reads that cost enough to be limited too (an aggregate over all of a user's history).
READ_LIMITS: dict[tuple[str, str], str] = {
    ("GET", API + "/me/assets"): "ledger",
    ("GET", API + "/me/insight"): "ledger",  # circles cluster all of a user's pairs
    ("GET", API + "/me/insight/contacts"): "ledger",
    ("GET", API + "/me/insight/contacts/{handle}"): "ledger",
    ("GET", API + "/me/insight/report"): "insight_reports",
    ("GET", API + "/me/insight/report/us/{handle}"): "insight_reports",
    ("GET", API + "/admin/insight"): "insight_reports",
    ("GET", API + "/admin/insight/report"): "insight_reports",
}


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
        self.table = compile_table({**LIMITS, **READ_LIMITS})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            kind = kind_of(self.table, scope)
            if kind is not None:
                try:
                    await self._take(kind, scope)
                except RateLimited as exc:
                    await refuse_rate_limited(send, exc)
                    return
                except TryLater as exc:  # the database out of reach or no read free: 503
                    await refuse(send, 503, error_body(exc.code, exc.message), exc.retry_after)
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


def retry_headers(exc: TryLater) -> list[tuple[bytes, bytes]]:
    return [(b"retry-after", str(exc.retry_after).encode())]


async def refuse_rate_limited(send: Send, exc: RateLimited) -> None:
    await refuse(send, 429, error_body(exc.code, exc.message), exc.retry_after)


async def refuse(send: Send, status: int, error: object, retry_after: int) -> None:
    """Answer `status` with this error body and `Retry-After`, before any route ran."""
    body = orjson.dumps(error)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
