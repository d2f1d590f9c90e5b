"""The async Python client of guanxi: every HTTP call, and the event stream.

async with GuanxiClient("http://127.0.0.1:8000") as mei:
    await mei.register("mei", "a long password", "林美")
    chat = await mei.open_direct("lei")
    await mei.send(chat["id"], "你好")
    async with mei.events() as stream:
        event = await stream.next()
"""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import websockets

API = "/api/v1"


class ApiError(Exception):
    """A 4xx or 5xx answer: its status, its error code and message; for a 429, the seconds
    to wait from `Retry-After`."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


Opener = Callable[[int | None], Awaitable[Any]]  # a socket, hello sent with this cursor
FINAL_CLOSE_CODES = {4400, 4401}  # a bad hello, a token refused: trying again cannot help
FIRST_BACKOFF = 0.25


class EventStream:
    """One WebSocket carrying every event of the user; remembers the last cursor.

    `resync` becomes True when the server answered the cursor with a `resync` frame: it could
    not replay what was missed (the cursor was older than the log keeps, or too far behind),
    so whatever the caller built from earlier events must be loaded again over HTTP. Live
    events follow from the resync's cursor.

    With `reconnect` (`GuanxiClient.events(reconnect=True)`), a socket that closes — a server
    restarting, overloaded (1013) or the network — is opened again with the last cursor,
    after a pause that doubles from 0.25 s up to `backoff_max` (with jitter), until it works:
    what was missed is replayed, then a new `ready` frame comes. A close that trying again
    cannot help (4400 bad hello, 4401 the token refused) still raises `ConnectionClosed`.
    `reconnects` counts the sockets opened again."""

    def __init__(
        self, socket: Any, reconnect: Opener | None = None, backoff_max: float = 30.0
    ) -> None:
        self.socket = socket
        self.cursor: int | None = None
        self.resync = False
        self.reconnects = 0
        self._open = reconnect
        self._backoff_max = backoff_max

    async def next(self, timeout: float | None = 10.0) -> dict[str, Any]:
        """The next frame; `TimeoutError` after `timeout` seconds (reconnecting included)."""
        async with asyncio.timeout(timeout):
            while True:
                try:
                    raw = await self.socket.recv()
                    break
                except websockets.ConnectionClosed as closed:
                    if self._open is None or _final(closed):
                        raise
                    await self._reopen()
        event: dict[str, Any] = orjson.loads(raw)
        if isinstance(event.get("cursor"), int):
            self.cursor = event["cursor"]
        if event.get("type") == "resync":
            self.resync = True
        return event

    async def _reopen(self) -> None:
        assert self._open is not None
        pause = FIRST_BACKOFF
        while True:
            await asyncio.sleep(pause * random.uniform(0.5, 1.0))
            try:
                self.socket = await self._open(self.cursor)
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                pause = min(pause * 2, self._backoff_max)
                continue
            self.reconnects += 1
            return

    async def next_of(self, type: str, timeout: float = 10.0) -> dict[str, Any]:
        """The next event of this type, skipping others."""
        while True:
            event = await self.next(timeout)
            if event["type"] == type:
                return event

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[dict[str, Any]]:
        while True:
            try:
                yield await self.next(timeout=None)
            except websockets.ConnectionClosed:
                return


def _final(closed: websockets.ConnectionClosed) -> bool:
    return closed.rcvd is not None and closed.rcvd.code in FINAL_CLOSE_CODES


class GuanxiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = httpx.AsyncClient(base_url=self.base_url + API, timeout=timeout)
        self.user: dict[str, Any] | None = None

    async def __aenter__(self) -> GuanxiClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        query = {k: v for k, v in params.items() if v is not None}
        response = await self.http.request(method, path, json=json, params=query, headers=headers)
        if response.status_code >= 400:
            raise _error(response)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def _pages(self, path: str, limit: int = 100) -> AsyncIterator[dict[str, Any]]:
        """Every page of a list, following `next_cursor` until it is null."""
        cursor: str | None = None
        while True:
            page: dict[str, Any] = await self.call("GET", path, cursor=cursor, limit=limit)
            yield page
            cursor = page.get("next_cursor")
            if cursor is None:
                return

    # -- accounts -----------------------------------------------------------------------

    async def register(
        self, handle: str, password: str, display_name: str, invite: str | None = None
    ) -> dict[str, Any]:
        body = {"handle": handle, "password": password, "display_name": display_name}
        if invite is not None:
            body["invite"] = invite
        return self._signed_in(await self.call("POST", "/accounts", body))

    async def login(self, handle: str, password: str, device: str = "") -> dict[str, Any]:
        body = {"handle": handle, "password": password, "device": device}
        return self._signed_in(await self.call("POST", "/sessions", body))

    def _signed_in(self, answer: dict[str, Any]) -> dict[str, Any]:
        self.token = answer["token"]
        self.user = answer["user"]
        return answer

    async def logout(self) -> None:
        await self.call("DELETE", "/sessions/current")
        self.token = None

    async def sessions(self) -> list[dict[str, Any]]:
        """My sessions (devices), most recently used first; `current` marks this one."""
        result: list[dict[str, Any]] = (await self.call("GET", "/sessions"))["sessions"]
        return result

    async def end_session(self, session_id: int) -> None:
        await self.call("DELETE", f"/sessions/{session_id}")

    async def change_password(self, current_password: str, new_password: str) -> None:
        """A new password; every other session of mine ends."""
        body = {"current_password": current_password, "new_password": new_password}
        await self.call("POST", "/me/password", body)

    async def delete_account(self, password: str) -> None:
        """Delete my account for good (what stays for the others: docs/api.md)."""
        await self.call("DELETE", "/me", {"password": password})
        self.token = None

    async def me(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", "/me")
        return result

    async def update_me(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("PATCH", "/me", changes)
        return result

    async def profile(self, handle: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", f"/users/{handle}")
        return result

    # -- relationships ------------------------------------------------------------------

    async def request_friend(
        self, to: str, greeting: str = "", role: str = "acquaintance"
    ) -> dict[str, Any]:
        body = {"to": to, "greeting": greeting, "role": role}
        result: dict[str, Any] = await self.call("POST", "/friend-requests", body)
        return result

    async def friend_requests(self) -> dict[str, Any]:
        """Every pending request, both ways (all pages): `{"incoming": […], "outgoing": […]}`."""
        found: dict[str, Any] = {"incoming": [], "outgoing": []}
        async for page in self._pages("/friend-requests"):
            found["incoming"] += page["incoming"]
            found["outgoing"] += page["outgoing"]
        return found

    async def friend_requests_page(
        self, cursor: str | None = None, limit: int | None = None, direction: str | None = None
    ) -> dict[str, Any]:
        """One page, newest first: `{"incoming", "outgoing", "next_cursor"}`; `direction`
        `incoming` or `outgoing` pages one side only."""
        result: dict[str, Any] = await self.call(
            "GET", "/friend-requests", cursor=cursor, limit=limit, direction=direction
        )
        return result

    async def accept(
        self,
        request_id: int,
        role: str = "acquaintance",
        remark: str = "",
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        body = {"role": role, "remark": remark, "tags": tags or []}
        result: dict[str, Any] = await self.call(
            "POST", f"/friend-requests/{request_id}/accept", body
        )
        return result

    async def decline(self, request_id: int) -> None:
        await self.call("POST", f"/friend-requests/{request_id}/decline")

    async def friends(self) -> list[dict[str, Any]]:
        """Every friend (all pages), sorted by remark or display name."""
        return [f async for page in self._pages("/friends") for f in page["friends"]]

    async def friends_page(self, cursor: str | None = None, limit: int | None = None) -> Any:
        """One page: `{"friends": […], "next_cursor": …}`."""
        return await self.call("GET", "/friends", cursor=cursor, limit=limit)

    async def update_friend(self, handle: str, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("PATCH", f"/friends/{handle}", changes)
        return result

    async def remove_friend(self, handle: str) -> None:
        await self.call("DELETE", f"/friends/{handle}")

    async def block(self, handle: str) -> None:
        await self.call("PUT", f"/blocks/{handle}")

    async def unblock(self, handle: str) -> None:
        await self.call("DELETE", f"/blocks/{handle}")

    async def blocked(self) -> list[dict[str, Any]]:
        """Everyone I blocked (all pages), the latest first."""
        return [u async for page in self._pages("/blocks") for u in page["blocked"]]

    async def blocked_page(self, cursor: str | None = None, limit: int | None = None) -> Any:
        """One page: `{"blocked": […], "next_cursor": …}`."""
        return await self.call("GET", "/blocks", cursor=cursor, limit=limit)

    # -- conversations ------------------------------------------------------------------

    async def open_direct(self, handle: str) -> dict[str, Any]:
        body = {"kind": "direct", "with": handle}
        result: dict[str, Any] = await self.call("POST", "/conversations", body)
        return result

    async def create_group(self, name: str, members: list[str]) -> dict[str, Any]:
        body = {"kind": "group", "name": name, "members": members}
        result: dict[str, Any] = await self.call("POST", "/conversations", body)
        return result

    async def conversations(self) -> list[dict[str, Any]]:
        """My whole chat list (all pages), latest activity first."""
        return [c async for page in self._pages("/conversations") for c in page["conversations"]]

    async def conversations_page(self, cursor: str | None = None, limit: int | None = None) -> Any:
        """One page of my chat list: `{"conversations": […], "next_cursor": …}`."""
        return await self.call("GET", "/conversations", cursor=cursor, limit=limit)

    async def members(self, conversation_id: int) -> list[dict[str, Any]]:
        """Every active member (all pages), in the order they joined: `[{user, role}]`."""
        path = f"/conversations/{conversation_id}/members"
        return [m async for page in self._pages(path) for m in page["members"]]

    async def members_page(
        self, conversation_id: int, cursor: str | None = None, limit: int | None = None
    ) -> Any:
        """One page of members: `{"members": […], "next_cursor": …}`."""
        path = f"/conversations/{conversation_id}/members"
        return await self.call("GET", path, cursor=cursor, limit=limit)

    async def conversation(self, conversation_id: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", f"/conversations/{conversation_id}")
        return result

    async def update_conversation(self, conversation_id: int, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "PATCH", f"/conversations/{conversation_id}", changes
        )
        return result

    async def delete_for_me(self, conversation_id: int) -> None:
        """Delete a chat for myself: gone from my list and my view of its history so far."""
        await self.call("DELETE", f"/conversations/{conversation_id}")

    async def add_members(self, conversation_id: int, handles: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST", f"/conversations/{conversation_id}/members", {"handles": handles}
        )
        return result

    async def group_invitations(
        self, cursor: str | None = None, limit: int | None = None
    ) -> dict[str, Any]:
        """A page of the group invitations waiting for me: `invitations`, `next_cursor`."""
        result: dict[str, Any] = await self.call(
            "GET", "/group-invitations", cursor=cursor, limit=limit
        )
        return result

    async def accept_group_invitation(self, invitation_id: int) -> dict[str, Any]:
        """Join the group; answers the conversation."""
        result: dict[str, Any] = await self.call(
            "POST", f"/group-invitations/{invitation_id}/accept"
        )
        return result

    async def decline_group_invitation(self, invitation_id: int) -> None:
        await self.call("POST", f"/group-invitations/{invitation_id}/decline")

    async def set_member_role(self, conversation_id: int, handle: str, role: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "PATCH", f"/conversations/{conversation_id}/members/{handle}", {"role": role}
        )
        return result

    async def remove_member(self, conversation_id: int, handle: str) -> None:
        await self.call("DELETE", f"/conversations/{conversation_id}/members/{handle}")

    async def leave(self, conversation_id: int) -> None:
        assert self.user is not None
        await self.remove_member(conversation_id, self.user["handle"])

    # -- messages -----------------------------------------------------------------------

    async def send(
        self,
        conversation_id: int,
        text: str,
        kind: str = "text",
        reply_to: int | None = None,
        client_id: str | None = None,
        media_id: str | None = None,
    ) -> dict[str, Any]:
        """Send a message; media kinds (image, voice, video, file) name an upload by
        media_id, and their text is an optional caption."""
        body = {
            "client_id": client_id or uuid.uuid4().hex,
            "kind": kind,
            "text": text,
            "reply_to": reply_to,
            "media_id": media_id,
        }
        result: dict[str, Any] = await self.call(
            "POST", f"/conversations/{conversation_id}/messages", body
        )
        return result

    async def history(
        self,
        conversation_id: int,
        before: int | None = None,
        after: int | None = None,
        limit: int = 50,
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "GET",
            f"/conversations/{conversation_id}/messages",
            before=before,
            after=after,
            limit=limit,
        )
        return result

    async def edit(self, conversation_id: int, seq: int, text: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "PATCH", f"/conversations/{conversation_id}/messages/{seq}", {"text": text}
        )
        return result

    async def recall(self, conversation_id: int, seq: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST", f"/conversations/{conversation_id}/messages/{seq}/recall"
        )
        return result

    async def forward(
        self, conversation_id: int, seqs: list[int], to: list[int], client_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Forward messages of one chat to others; the messages created (the same ones again
        for a retry with the same `client_id`)."""
        body: dict[str, Any] = {"seqs": seqs, "to": to}
        if client_id is not None:
            body["client_id"] = client_id
        result = await self.call("POST", f"/conversations/{conversation_id}/forward", body)
        messages: list[dict[str, Any]] = result["messages"]
        return messages

    async def hide(self, conversation_id: int, seqs: list[int]) -> list[int]:
        """Delete messages for myself only; the seqs newly hidden."""
        path = f"/conversations/{conversation_id}/messages/hide"
        result = await self.call("POST", path, {"seqs": seqs})
        hidden: list[int] = result["seqs"]
        return hidden

    async def react(self, conversation_id: int, seq: int, emoji: str) -> dict[str, Any]:
        path = f"/conversations/{conversation_id}/messages/{seq}/reactions/{quote(emoji)}"
        result: dict[str, Any] = await self.call("PUT", path)
        return result

    async def unreact(self, conversation_id: int, seq: int, emoji: str) -> dict[str, Any]:
        path = f"/conversations/{conversation_id}/messages/{seq}/reactions/{quote(emoji)}"
        result: dict[str, Any] = await self.call("DELETE", path)
        return result

    async def mark_read(self, conversation_id: int, seq: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "POST", f"/conversations/{conversation_id}/read", {"seq": seq}
        )
        return result

    async def typing(self, conversation_id: int) -> None:
        """Tell the other member of a direct chat that I am typing (live only)."""
        await self.call("POST", f"/conversations/{conversation_id}/typing")

    async def readers(self, conversation_id: int, seq: int) -> list[dict[str, Any]]:
        """Everyone I may know of who has read a message (all pages): users."""
        path = f"/conversations/{conversation_id}/messages/{seq}/readers"
        return [u async for page in self._pages(path) for u in page["readers"]]

    async def readers_page(
        self, conversation_id: int, seq: int, cursor: str | None = None, limit: int | None = None
    ) -> Any:
        """One page of a message's readers: `{"readers": […], "next_cursor": …}`."""
        path = f"/conversations/{conversation_id}/messages/{seq}/readers"
        return await self.call("GET", path, cursor=cursor, limit=limit)

    # -- search -------------------------------------------------------------------------

    async def search(self, q: str, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
        """Messages of my conversations and moments I may see containing `q`, newest first:
        `{"messages": […], "moments": […], "next_cursor": …}`."""
        result: dict[str, Any] = await self.call("GET", "/search", q=q, limit=limit, cursor=cursor)
        return result

    # -- media --------------------------------------------------------------------------

    async def upload_media(
        self,
        content: bytes | str | os.PathLike[str],
        filename: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Upload bytes, or a file by its path (streamed from disk); the server tells
        kind and type from the content: `{id, kind, mime, size, width, height, duration, …}`."""
        if isinstance(content, bytes):
            return await self._upload(filename or "upload", content, content_type)
        path = Path(content)
        handle = await asyncio.to_thread(path.open, "rb")
        try:
            return await self._upload(filename or path.name, handle, content_type)
        finally:
            handle.close()

    async def set_avatar(
        self, content: bytes, filename: str = "picture", content_type: str = "image/png"
    ) -> dict[str, Any]:
        """A new profile picture (an image): my profile, its `avatar` set."""
        return await self._upload(filename, content, content_type, "/me/avatar", "PUT")

    async def remove_avatar(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("DELETE", "/me/avatar")
        return result

    async def avatar(self, handle: str) -> bytes:
        """Someone's profile picture (a WebP thumbnail); ApiError 404 when there is none or
        their profile is not mine to see."""
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.get(f"/users/{quote(handle, safe='')}/avatar", headers=sent)
        if response.status_code >= 400:
            raise _error(response)
        return response.content

    async def _upload(
        self,
        filename: str,
        body: Any,
        content_type: str,
        path: str = "/media",
        method: str = "POST",
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        files = {"file": (filename, body, content_type)}
        response = await self.http.request(method, path, files=files, headers=headers)
        if response.status_code >= 400:
            raise _error(response)
        result: dict[str, Any] = response.json()
        return result

    async def download(
        self, media_id: str, variant: str = "original", headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """GET a media item ("original", "preview" or "thumbnail") as a raw response, so
        the caller can see its status and headers (Range, If-None-Match go in headers);
        errors other than 304 raise ApiError."""
        path = f"/media/{quote(media_id, safe='')}"
        if variant != "original":
            path += f"/{variant}"
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = await self.http.get(path, headers={**sent, **(headers or {})})
        if response.status_code >= 400:
            raise _error(response)
        return response

    async def download_bytes(self, media_id: str, variant: str = "original") -> bytes:
        return (await self.download(media_id, variant)).content

    # -- exports ------------------------------------------------------------------------

    async def start_export(self) -> dict[str, Any]:
        """Start an export of everything of mine: `{id, state}` (202)."""
        result: dict[str, Any] = await self.call("POST", "/me/exports")
        return result

    async def export(self, export_id: int) -> dict[str, Any]:
        """`{id, state, progress: {done, total}, size, error}`."""
        result: dict[str, Any] = await self.call("GET", f"/me/exports/{export_id}")
        return result

    async def download_export(
        self, export_id: int, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """GET a finished export's zip as a raw response (Range in headers); errors raise."""
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        path = f"/me/exports/{export_id}/archive"
        response = await self.http.get(path, headers={**sent, **(headers or {})})
        if response.status_code >= 400:
            raise _error(response)
        return response

    # -- moments ------------------------------------------------------------------------

    async def post_moment(
        self,
        text: str = "",
        media_ids: list[str] | None = None,
        place: str = "",
        audience: str = "all",
        tags: list[str] | None = None,
    ) -> dict[str, Any]:
        """Post a moment; audience is "all", "only" (tags), "except" (tags) or "private"."""
        body = {
            "text": text,
            "media_ids": media_ids or [],
            "place": place,
            "audience": {"kind": audience, "tags": tags or []},
        }
        result: dict[str, Any] = await self.call("POST", "/moments", body)
        return result

    async def feed(self, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
        """A page of my feed: `{"moments": […], "next_cursor": …}`."""
        result: dict[str, Any] = await self.call("GET", "/moments/feed", cursor=cursor, limit=limit)
        return result

    async def user_moments(
        self, handle: str, cursor: str | None = None, limit: int | None = None
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.call(
            "GET", f"/users/{handle}/moments", cursor=cursor, limit=limit
        )
        return result

    async def moment(self, moment_id: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("GET", f"/moments/{moment_id}")
        return result

    async def delete_moment(self, moment_id: int) -> None:
        await self.call("DELETE", f"/moments/{moment_id}")

    async def like(self, moment_id: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("PUT", f"/moments/{moment_id}/like")
        return result

    async def unlike(self, moment_id: int) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("DELETE", f"/moments/{moment_id}/like")
        return result

    async def comment(
        self, moment_id: int, text: str, reply_to: int | None = None
    ) -> dict[str, Any]:
        body = {"text": text, "reply_to": reply_to}
        result: dict[str, Any] = await self.call("POST", f"/moments/{moment_id}/comments", body)
        return result

    async def delete_comment(self, moment_id: int, comment_id: int) -> None:
        await self.call("DELETE", f"/moments/{moment_id}/comments/{comment_id}")

    # -- insight: my own network -------------------------------------------------------

    async def insight(self) -> dict[str, Any]:
        """`{feedback_share, circles, stability, counts}` about myself."""
        result: dict[str, Any] = await self.call("GET", "/me/insight")
        return result

    async def insight_contacts(
        self, cursor: str | None = None, limit: int | None = None
    ) -> dict[str, Any]:
        """A page of my contacts, strongest first: `{contacts: [...], next_cursor}`."""
        result: dict[str, Any] = await self.call(
            "GET", "/me/insight/contacts", cursor=cursor, limit=limit
        )
        return result

    async def insight_contact(self, handle: str) -> dict[str, Any]:
        """One relationship's shared history, as I see it."""
        result: dict[str, Any] = await self.call("GET", f"/me/insight/contacts/{handle}")
        return result

    # -- assets: the ledger and placeholder contacts ----------------------------------

    async def assets(self, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
        """The ledger: `{"totals": {…}, "by_friend": [{handle, role, value, …}], "next_cursor"}`
        (one page of the people, the highest value first)."""
        result: dict[str, Any] = await self.call("GET", "/me/assets", cursor=cursor, limit=limit)
        return result

    async def placeholders(self) -> list[dict[str, Any]]:
        """Every placeholder contact my imports made (all pages)."""
        return [p async for page in self._pages("/me/placeholders") for p in page["placeholders"]]

    async def placeholders_page(self, cursor: str | None = None, limit: int | None = None) -> Any:
        return await self.call("GET", "/me/placeholders", cursor=cursor, limit=limit)

    async def link_placeholder(self, placeholder_id: int, handle: str | None) -> dict[str, Any]:
        """Link a placeholder to a friend's account; None unlinks it."""
        body = {"handle": handle}
        result: dict[str, Any] = await self.call(
            "POST", f"/me/placeholders/{placeholder_id}/link", body
        )
        return result

    # -- insight reports ----------------------------------------------------------------

    async def page(self, path: str, **params: Any) -> httpx.Response:
        """A call answered with a page (HTML) rather than JSON: the whole response."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        query = {k: v for k, v in params.items() if v is not None}
        response = await self.http.get(path, params=query, headers=headers)
        if response.status_code >= 400:
            raise _error(response)
        return response

    async def my_year(self, year: int | str) -> httpx.Response:
        """The "my year" report, an HTML page."""
        return await self.page("/me/insight/report", year=year)

    async def us_report(self, handle: str) -> httpx.Response:
        """The two-person report with a contact, an HTML page."""
        return await self.page(f"/me/insight/report/us/{handle}")

    async def operator_insight(self) -> dict[str, Any]:
        """The operator's figures (operators only)."""
        result: dict[str, Any] = await self.call("GET", "/admin/insight")
        return result

    # -- imports ------------------------------------------------------------------------

    async def start_import(
        self,
        content: bytes | os.PathLike[str],
        filename: str = "export",
        format: str = "auto",
        me: str | None = None,
    ) -> dict[str, Any]:
        """Upload an export to import (bytes, or a file streamed from disk): `{id, state}`."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = {"format": format, **({"me": me} if me is not None else {})}
        body: Any = content
        if not isinstance(content, bytes):
            body = await asyncio.to_thread(Path(content).open, "rb")
        try:
            files = {"file": (filename, body, "application/octet-stream")}
            response = await self.http.post("/me/imports", data=data, files=files, headers=headers)
        finally:
            if not isinstance(body, bytes):
                body.close()
        if response.status_code >= 400:
            raise _error(response)
        result: dict[str, Any] = response.json()
        return result

    async def get_import(self, import_id: int) -> dict[str, Any]:
        """`{id, state, progress: {done, total}, counts, error}`."""
        result: dict[str, Any] = await self.call("GET", f"/me/imports/{import_id}")
        return result

    async def wait_import(self, import_id: int, timeout: float = 60.0) -> dict[str, Any]:
        """Poll an import until it is done or failed; its last state."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            job = await self.get_import(import_id)
            if job["state"] in ("done", "failed"):
                return job
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"import {import_id} still {job['state']}")
            await asyncio.sleep(0.05)

    # -- events -------------------------------------------------------------------------

    @asynccontextmanager
    async def events(
        self, cursor: int | None = None, reconnect: bool = False, backoff_max: float = 30.0
    ) -> AsyncIterator[EventStream]:
        """The event stream; with a cursor, what came after it is replayed first.

        The first frame received is `ready` (after any replay), carrying the cursor; a
        `resync` frame before it (and `stream.resync`) says the replay was not possible and
        the state must be loaded again over HTTP. With `reconnect`, a closed socket is opened
        again from the last cursor, with backoff (`EventStream`).
        """
        stream = EventStream(
            await self._open_events(cursor),
            self._open_events if reconnect else None,
            backoff_max,
        )
        try:
            yield stream
        finally:
            await stream.socket.close()

    async def _open_events(self, cursor: int | None) -> Any:
        url = "ws" + self.base_url.removeprefix("http") + API + "/events"
        socket = await websockets.connect(url, max_size=None)
        hello: dict[str, Any] = {"type": "hello", "token": self.token}
        if cursor is not None:
            hello["cursor"] = cursor
        try:
            await socket.send(orjson.dumps(hello).decode())
        except websockets.ConnectionClosed:
            await socket.close()
            raise OSError("the events socket closed before the hello") from None
        return socket


def _error(response: httpx.Response) -> ApiError:
    wait = response.headers.get("retry-after", "")
    retry_after = int(wait) if wait.isdigit() else None
    try:
        error = response.json()["error"]
        return ApiError(response.status_code, error["code"], error["message"], retry_after)
    except (ValueError, KeyError, TypeError):
        return ApiError(response.status_code, "http_error", response.text[:200], retry_after)
