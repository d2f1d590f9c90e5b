"""Friend requests, friendships, blocks, and the checks other domains ask of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.clock import Clock
from guanxi.db import keyset
from guanxi.db.database import Database, Tx
from guanxi.db.keyset import Page
from guanxi.errors import Conflict, InvalidInput, NotFound, RateLimited
from guanxi.eventlog.event_type import EventType
from guanxi.eventlog.service import EventLog
from guanxi.ratelimit import window
from guanxi.relationships import rules, store
from guanxi.relationships.access import Purpose, access_user
from guanxi.relationships.events import (
    FRIEND_REMOVED,
    FRIEND_REQUEST_ACCEPTED,
    FRIEND_REQUEST_RECEIVED,
    FriendRemoved,
    FriendRequestPayload,
)
from guanxi.relationships.models import Friend, FriendPatch, FriendRequest, Profile
from guanxi.relationships.rows import friend_from_row, friend_request_from_row
from guanxi.settings import Settings

DAY_MS = 86_400_000
REQUESTS = "friend_requests"  # the names of the lists their cursors belong to
FRIENDS = "friends"
BLOCKS = "blocks"


class RelationshipService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.events = events

    # -- friend requests ---------------------------------------------------------------

    async def send_friend_request(
        self, me: Principal, to: str, greeting: str, role: str
    ) -> FriendRequest:
        rules.check_role(role)
        greeting = rules.check_greeting(greeting)

        async def unit(tx: Tx) -> FriendRequest:
            target = await access_user(tx.conn, me.user.id, to, Purpose.REACH)
            await self._check_can_request(tx.conn, me.user, target)
            request_id = await store.insert_request(
                tx.conn,
                from_id=me.user.id,
                to_id=target.id,
                greeting=greeting,
                role=role,
                created_at=self.clock.now_ms(),
            )
            request = await self._request(tx.conn, request_id)
            await self.events.record(
                tx,
                FRIEND_REQUEST_RECEIVED,
                FriendRequestPayload(request=request.to_wire()),
                recipients=[target.id],
                user_id=target.id,
            )
            return request

        return await self.db.write(unit)

    async def _check_can_request(self, conn: AsyncConnection, me: User, target: User) -> None:
        if target.id == me.id:
            raise InvalidInput("You cannot befriend yourself.", "self_request")
        if await store.exists_block(conn, me.id, target.id):
            raise Conflict("You blocked this person; unblock them first.", "blocked")
        if await store.get_friendship(conn, me.id, target.id):
            raise Conflict("You are friends already.", "already_friends")
        if await store.exists_pending_between(conn, me.id, target.id):
            raise Conflict("A friend request between you is already waiting.", "already_pending")
        now = self.clock.now_ms()
        per_day = self.settings.friend_requests_per_day
        sent = await store.count_requests_since(conn, me.id, now - DAY_MS)
        if sent >= per_day:  # a slot frees when the request `sent - per_day` leaves the day
            oldest = await store.request_sent_at(conn, me.id, now - DAY_MS, sent - per_day)
            wait = window.seconds_until_out(oldest, now)
            raise RateLimited(
                f"You sent too many friend requests today; try again in {window.in_words(wait)}.",
                "too_many_requests",
                wait,
            )

    async def list_friend_requests(
        self, me: Principal, cursor: str | None, limit: int, direction: str | None = None
    ) -> Page[FriendRequest]:
        """A page of my pending requests, newest first: those sent to me (`incoming`), by me
        (`outgoing`), or both (None) — each side read as one bounded index range."""
        before = int(keyset.decode(cursor, REQUESTS, (int,))[0]) if cursor else None
        sides = [d == "incoming" for d in ("incoming", "outgoing") if direction in (None, d)]
        async with self.db.read() as conn:
            rows = [
                row
                for incoming in sides
                for row in await store.list_pending(
                    conn, me.user.id, incoming=incoming, before_id=before, limit=limit + 1
                )
            ]
            rows.sort(key=lambda r: r.id, reverse=True)
            page = keyset.page_of(rows[: limit + 1], limit, REQUESTS, lambda r: (r.id,))
            users = await accounts_store.list_users(
                conn, [r.from_user_id for r in page.items] + [r.to_user_id for r in page.items]
            )
        return Page([friend_request_from_row(r, users) for r in page.items], page.next_cursor)

    async def accept(
        self, me: Principal, request_id: int, role: str, remark: str, tags: list[str]
    ) -> Friend:
        rules.check_role(role)
        remark = rules.check_remark(remark)
        tags = rules.check_tags(tags)

        async def unit(tx: Tx) -> Friend:
            request = await self._pending_for_recipient(tx.conn, me, request_id)
            now = self.clock.now_ms()
            await store.update_request_status(tx.conn, request_id, "accepted", now)
            await store.insert_friendship(
                tx.conn,
                user_id=me.user.id,
                friend_id=request.sender.id,
                role=role,
                remark=remark,
                tags=tags,
                created_at=now,
                sort_key=rules.sort_key(remark, request.sender.display_name),
            )
            await store.insert_friendship(
                tx.conn,
                user_id=request.sender.id,
                friend_id=me.user.id,
                role=request.role,
                remark="",
                tags=[],
                created_at=now,
                sort_key=rules.sort_key("", request.recipient.display_name),
            )
            accepted = {**request.to_wire(), "status": "accepted"}
            payload = FriendRequestPayload(request=accepted)
            await self._tell_both(tx, FRIEND_REQUEST_ACCEPTED, payload, request)
            row = await store.get_friendship(tx.conn, me.user.id, request.sender.id)
            return friend_from_row(row, request.sender)

        return await self.db.write(unit)

    async def decline(self, me: Principal, request_id: int) -> None:
        async def unit(tx: Tx) -> None:
            await self._pending_for_recipient(tx.conn, me, request_id)
            await store.update_request_status(tx.conn, request_id, "declined", self.clock.now_ms())

        await self.db.write(unit)

    async def _tell_both(
        self,
        tx: Tx,
        type: EventType[FriendRequestPayload],
        payload: FriendRequestPayload,
        request: FriendRequest,
    ) -> None:
        for user in (request.sender, request.recipient):
            await self.events.record(tx, type, payload, recipients=[user.id], user_id=user.id)

    async def _pending_for_recipient(
        self, conn: AsyncConnection, me: Principal, request_id: int
    ) -> FriendRequest:
        request = await self._request(conn, request_id)
        if me.user.id not in (request.sender.id, request.recipient.id):
            raise NotFound("No such friend request.")
        if request.recipient.id != me.user.id:
            raise Conflict("Only the person asked can answer a request.", "not_recipient")
        if request.status != "pending":
            raise Conflict(f"This request is {request.status} already.", "not_pending")
        return request

    async def _request(self, conn: AsyncConnection, request_id: int) -> FriendRequest:
        row = await store.get_request(conn, request_id)
        if row is None:
            raise NotFound("No such friend request.")
        users = await accounts_store.list_users(conn, [row.from_user_id, row.to_user_id])
        return friend_request_from_row(row, users)

    # -- friends -----------------------------------------------------------------------

    async def list_friends(self, me: Principal, cursor: str | None, limit: int) -> Page[Friend]:
        """A page of my friends, sorted by remark (or display name), ignoring case."""
        after = keyset.decode(cursor, FRIENDS, (str, int)) if cursor else None
        async with self.db.read() as conn:
            rows = await store.list_friendships_page(
                conn, me.user.id, (str(after[0]), int(after[1])) if after else None, limit + 1
            )
            page = keyset.page_of(rows, limit, FRIENDS, lambda r: (r.sort_key, r.friend_id))
            users = await accounts_store.list_users(conn, [r.friend_id for r in page.items])
        return Page([friend_from_row(r, users[r.friend_id]) for r in page.items], page.next_cursor)

    async def display_name_changed(self, conn: AsyncConnection, user: User) -> None:
        """Called in the unit that renames `user`: re-sort them in their friends' lists."""
        await store.update_sort_keys_about(conn, user.id, rules.sort_key("", user.display_name))

    async def update_friend(self, me: Principal, handle: str, patch: FriendPatch) -> Friend:
        values = _checked_friend_changes(patch)

        async def unit(tx: Tx) -> Friend:
            friend = await access_user(tx.conn, me.user.id, handle, Purpose.SEE)
            if await store.get_friendship(tx.conn, me.user.id, friend.id) is None:
                raise NotFound("This person is not your friend.")
            if "remark" in values:
                values["sort_key"] = rules.sort_key(values["remark"], friend.display_name)
            if values:
                await store.update_friendship(tx.conn, me.user.id, friend.id, values)
            row = await store.get_friendship(tx.conn, me.user.id, friend.id)
            return friend_from_row(row, friend)

        return await self.db.write(unit)

    async def remove_friend(self, me: Principal, handle: str) -> None:
        async def unit(tx: Tx) -> None:
            friend = await access_user(tx.conn, me.user.id, handle, Purpose.SEE)
            if await store.get_friendship(tx.conn, me.user.id, friend.id) is None:
                raise NotFound("This person is not your friend.")
            await store.delete_friendship_pair(tx.conn, me.user.id, friend.id)
            await self.events.record(
                tx,
                FRIEND_REMOVED,
                FriendRemoved(handle=friend.handle),
                recipients=[me.user.id],
                user_id=me.user.id,
            )

        await self.db.write(unit)

    # -- blocks and profiles -----------------------------------------------------------

    async def block(self, me: Principal, handle: str) -> None:
        async def unit(tx: Tx) -> None:
            target = await access_user(tx.conn, me.user.id, handle, Purpose.SEE)
            if target.id == me.user.id:
                raise InvalidInput("You cannot block yourself.", "self_block")
            now = self.clock.now_ms()
            await store.insert_block(tx.conn, me.user.id, target.id, now)
            await store.close_pending_between(tx.conn, me.user.id, target.id, now)

        await self.db.write(unit)

    async def unblock(self, me: Principal, handle: str) -> None:
        async def unit(tx: Tx) -> None:
            target = await accounts_store.get_user_by_handle(tx.conn, handle)
            if target is None or not await store.exists_block(tx.conn, me.user.id, target.id):
                raise NotFound("You have not blocked this person.")
            await store.delete_block(tx.conn, me.user.id, target.id)

        await self.db.write(unit)

    async def list_blocked(self, me: Principal, cursor: str | None, limit: int) -> Page[User]:
        """A page of the people I blocked, the latest first."""
        before = keyset.decode_pair(cursor, BLOCKS)
        async with self.db.read() as conn:
            rows = await store.list_blocked(conn, me.user.id, before, limit + 1)
            page = keyset.page_of(rows, limit, BLOCKS, lambda r: (r.created_at, r.blocked_id))
            users = await accounts_store.list_users(conn, [r.blocked_id for r in page.items])
        return Page([users[r.blocked_id] for r in page.items], page.next_cursor)

    async def view_profile(self, me: Principal, handle: str) -> Profile:
        async with self.db.read() as conn:
            user = await access_user(conn, me.user.id, handle, Purpose.SEE)
            row = await store.get_friendship(conn, me.user.id, user.id)
            blocked = await store.exists_block(conn, me.user.id, user.id)
        friend = friend_from_row(row, user) if row else None
        return Profile(user=user, is_friend=friend is not None, friend=friend, is_blocked=blocked)


def _checked_friend_changes(patch: FriendPatch) -> dict[str, Any]:
    """The friendship columns to set, each value checked."""
    values: dict[str, Any] = {}
    if patch.role is not None:
        values["role"] = rules.check_role(patch.role)
    if patch.remark is not None:
        values["remark"] = rules.check_remark(patch.remark)
    if patch.tags is not None:
        values["tags"] = rules.check_tags(patch.tags)
    if patch.hide_my_moments is not None:
        values["hide_my_moments"] = patch.hide_my_moments
    if patch.hide_their_moments is not None:
        values["hide_their_moments"] = patch.hide_their_moments
    return values
