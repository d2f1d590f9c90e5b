"""Direct chats and groups: opening, listing, settings, members."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.clock import Clock
from guanxi.conversations import (
    past,
    rules,
    store_conversations,
    store_members,
    system_lines,
)
from guanxi.conversations.access import (
    access_active,
    access_manager,
    access_member,
    check_may_message,
    check_not_imported,
    check_peer_not_blocking,
)
from guanxi.conversations.chat_list import chat_list_page, decode_cursor
from guanxi.conversations.events import (
    CONVERSATION_CREATED,
    CONVERSATION_UPDATED,
    MEMBER_LEFT,
    ConversationCreated,
    ConversationUpdated,
    MemberLeft,
)
from guanxi.conversations.member_list import members_cursor, members_page
from guanxi.conversations.membership import Membership
from guanxi.conversations.models import (
    DIRECT,
    GROUP,
    Conversation,
    ConversationPatch,
    Member,
    SystemLine,
)
from guanxi.conversations.own_state import OwnState
from guanxi.conversations.room import check_room
from guanxi.conversations.views import conversation_view
from guanxi.db.database import Database, Tx
from guanxi.db.keyset import Page
from guanxi.db.turns import Turns
from guanxi.errors import Conflict, Forbidden, InvalidInput, NotFound
from guanxi.eventlog import store as eventlog_store
from guanxi.eventlog.service import EventLog
from guanxi.relationships.access import Purpose, access_user, access_users
from guanxi.settings import Settings


class ConversationService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.events = events
        self.turns = Turns()
        self.membership = Membership(clock, settings, events)
        self.own_state = OwnState(clock, events)

    async def open_direct(self, me: Principal, handle: str) -> tuple[Conversation, bool]:
        """The direct chat with a friend, created on first use. True when it is new."""

        async def unit(tx: Tx) -> tuple[Conversation, bool]:
            peer = await access_user(tx.conn, me.user.id, handle, Purpose.REACH)
            if peer.id == me.user.id:
                raise InvalidInput("A direct chat is with someone else.", "self_chat")
            key = rules.direct_key(me.user.id, peer.id)
            existing = await store_conversations.get_direct_id(tx.conn, key)
            if existing is not None:
                return await self._view(tx.conn, existing, me.user.id), False
            await check_may_message(tx.conn, me.user.id, peer.id)
            await self._check_room(tx.conn, [me.user, peer], me)
            conversation_id = await self._create(tx, DIRECT, "", None, key, [me.user, peer])
            return await self._view(tx.conn, conversation_id, me.user.id), True

        return await self.db.write(unit)

    async def create_group(
        self, me: Principal, name: str, handles: list[str]
    ) -> tuple[Conversation, list[User]]:
        """A new group: the caller's friends join, everyone else named is invited."""
        name = rules.check_group_name(name)

        async def unit(tx: Tx) -> tuple[Conversation, list[User]]:
            others = await access_users(tx.conn, me.user.id, handles, Purpose.REACH)
            others = [u for u in others if u.id != me.user.id]
            added = await self.membership.sort(tx.conn, me.user.id, others, None)
            members = [me.user, *added.joining]
            await self.membership.check_size(tx.conn, None, len(members), added.invited)
            await self._check_room(tx.conn, members, me)
            conversation_id = await self._create(tx, GROUP, name, me.user.id, None, members)
            line = SystemLine(type="created", by=me.user.handle, name=name)
            await self._say(tx, conversation_id, me, line)
            if added.joining:
                who = [u.handle for u in added.joining]
                await self._say(
                    tx, conversation_id, me, SystemLine(type="added", by=line["by"], who=who)
                )
            await self.membership.invite(tx, conversation_id, name, me.user, added.invited)
            return await self._view(tx.conn, conversation_id, me.user.id), added.invited

        return await self.db.write(unit)

    async def _create(
        self,
        tx: Tx,
        kind: str,
        name: str,
        owner_id: int | None,
        key: str | None,
        members: list[User],
    ) -> int:
        now = self.clock.now_ms()
        conversation_id = await store_conversations.insert_conversation(
            tx.conn, kind=kind, name=name, owner_id=owner_id, direct_key=key, created_at=now
        )
        head = await eventlog_store.get_head(tx.conn)
        for user in members:
            role = "owner" if user.id == owner_id else "member"
            await store_members.upsert_member(
                tx.conn,
                conversation_id=conversation_id,
                user_id=user.id,
                role=role,
                joined_at=now,
                joined_seq=0,
                joined_event=head,
            )
        view = await conversation_view(tx.conn, conversation_id, None)
        await self.events.record(
            tx,
            CONVERSATION_CREATED,
            ConversationCreated(conversation=view.to_wire()),
            recipients=[u.id for u in members],
            conversation_id=conversation_id,
        )
        return conversation_id

    async def _check_room(self, conn: AsyncConnection, joining: list[User], me: Principal) -> None:
        await check_room(conn, joining, me.user.id, self.settings.conversations_per_user_max)

    async def list_conversations(
        self, me: Principal, cursor: str | None, limit: int
    ) -> Page[Conversation]:
        """A page of my chat list, latest activity first."""
        before = decode_cursor(cursor)
        async with self.turns.of(me.user.id), self.db.read() as conn:
            return await chat_list_page(conn, me.user.id, before, limit)

    async def list_members(
        self, me: Principal, conversation_id: int, cursor: str | None, limit: int
    ) -> Page[tuple[User, str]]:
        """A page of a conversation's members, in the order they joined (active members only:
        someone who left sees no one joining or leaving after them)."""
        after = members_cursor(cursor)
        async with self.turns.of(me.user.id), self.db.read() as conn:
            await access_active(conn, conversation_id, me.user.id)
            return await members_page(conn, conversation_id, after, limit)

    async def get_conversation(self, me: Principal, conversation_id: int) -> Conversation:
        async with self.db.read() as conn:
            conversation, _ = await access_member(conn, conversation_id, me.user.id)
            await check_peer_not_blocking(conn, conversation, me.user.id)
            return await self._view(conn, conversation_id, me.user.id)

    async def update_conversation(
        self, me: Principal, conversation_id: int, patch: ConversationPatch
    ) -> Conversation:
        values: dict[str, Any] = {}
        if patch.name is not None:
            values["name"] = rules.check_group_name(patch.name)
        if patch.announcement is not None:
            values["announcement"] = rules.check_announcement(patch.announcement)

        async def unit(tx: Tx) -> Conversation:
            if patch.changes_group or not patch.changes_own:
                row, _ = await access_manager(tx.conn, conversation_id, me.user.id)
                changed = {k: v for k, v in values.items() if getattr(row, k) != v}
                if changed:
                    await self._change_group(tx, conversation_id, me, changed)
            if patch.changes_own:
                await self.own_state.set(tx, conversation_id, me, patch)
            return await self._view(tx.conn, conversation_id, me.user.id)

        return await self.db.write(unit)

    async def delete_for_me(self, me: Principal, conversation_id: int) -> None:
        """Delete a chat for the caller only (own_state.py)."""

        async def unit(tx: Tx) -> None:
            await self.own_state.clear(tx, conversation_id, me)

        await self.db.write(unit)

    async def _change_group(
        self, tx: Tx, conversation_id: int, me: Principal, changed: dict[str, Any]
    ) -> None:
        """A new name or announcement: stored, told to the members, and a system line each."""
        await store_conversations.update_conversation(
            tx.conn, conversation_id, {**changed, "updated_at": self.clock.now_ms()}
        )
        await self._tell_updated(tx, conversation_id, me)
        if "name" in changed:
            line = SystemLine(type="renamed", by=me.user.handle, name=changed["name"])
            await self._say(tx, conversation_id, me, line)
        if "announcement" in changed:
            on = bool(changed["announcement"])
            line = SystemLine(type="announcement", by=me.user.handle, on=on)
            await self._say(tx, conversation_id, me, line)

    async def _say(self, tx: Tx, conversation_id: int, me: Principal, line: SystemLine) -> None:
        await system_lines.say(tx, self.clock, self.events, conversation_id, me.user.id, line)

    async def _tell_updated(self, tx: Tx, conversation_id: int, me: Principal) -> None:
        view = await conversation_view(tx.conn, conversation_id, None)
        await self.events.record(
            tx,
            CONVERSATION_UPDATED,
            ConversationUpdated(conversation=view.to_wire(), by=me.user.handle),
            recipients=await store_members.list_active_member_ids(tx.conn, conversation_id),
            conversation_id=conversation_id,
        )

    async def add_members(
        self, me: Principal, conversation_id: int, handles: list[str]
    ) -> tuple[Conversation, list[User]]:
        """Friends who were never in the group join now; everyone else is invited."""

        async def unit(tx: Tx) -> tuple[Conversation, list[User]]:
            conversation, _ = await access_manager(tx.conn, conversation_id, me.user.id)
            await check_not_imported(tx.conn, conversation_id)
            current = set(await store_members.list_active_member_ids(tx.conn, conversation_id))
            found = await access_users(tx.conn, me.user.id, handles, Purpose.REACH)
            new = [u for u in found if u.id not in current]
            added = await self.membership.sort(tx.conn, me.user.id, new, conversation_id)
            await self.membership.check_size(
                tx.conn, conversation_id, len(current) + len(added.joining), added.invited
            )
            if added.joining:
                await self.membership.join(tx, conversation, added.joining, me.user, me.user.id)
            await self.membership.invite(
                tx, conversation_id, conversation.name, me.user, added.invited
            )
            return await self._view(tx.conn, conversation_id, me.user.id), added.invited

        return await self.db.write(unit)

    async def remove_member(self, me: Principal, conversation_id: int, handle: str) -> None:
        """Remove someone (owner or admin), or leave (anyone, with one's own handle)."""

        async def unit(tx: Tx) -> None:
            if handle == me.user.handle:
                conversation, member = await access_active(tx.conn, conversation_id, me.user.id)
                if conversation.kind == DIRECT:
                    raise Forbidden("A direct chat cannot be left.", "direct_chat")
                await self._leave(tx, conversation, me.user.id, me)
                if member.role == "owner":
                    await self._hand_over(tx, conversation_id)
                    await self._tell_updated(tx, conversation_id, me)
                return
            conversation, member = await access_manager(tx.conn, conversation_id, me.user.id)
            target = await accounts_store.get_user_by_handle(tx.conn, handle)
            target_member = (
                await store_members.get_member(tx.conn, conversation_id, target.id)
                if target
                else None
            )
            if target is None or target_member is None or not target_member.active:
                raise NotFound("That person is not in this group.")
            if member.role != "owner" and target_member.role != "member":
                raise Forbidden("Admins may remove members only.", "not_owner")
            await self._leave(tx, conversation, target.id, me)

        await self.db.write(unit)

    async def _leave(self, tx: Tx, conversation: Any, user_id: int, me: Principal) -> None:
        """Mark them gone, then the system line ("left", "removed"), which they do not see."""
        leaver = await accounts_store.get_user(tx.conn, user_id)
        assert leaver is not None
        recipients = await store_members.list_active_member_ids(tx.conn, conversation.id)
        event_id = await self.events.record(
            tx,
            MEMBER_LEFT,
            MemberLeft(conversation_id=conversation.id, handle=leaver.handle, by=me.user.handle),
            recipients=recipients,
            conversation_id=conversation.id,
        )
        await store_members.mark_left(
            tx.conn,
            conversation.id,
            user_id,
            conversation.last_seq,
            event_id,
            left_at=self.clock.now_ms(),
            left_view=await past.snapshot(tx.conn, conversation, user_id),
        )
        if conversation.kind == GROUP:
            kind = "left" if user_id == me.user.id else "removed"
            line = SystemLine(type=kind, by=me.user.handle, who=[leaver.handle])
            await self._say(tx, conversation.id, me, line)

    async def _hand_over(self, tx: Tx, conversation_id: int) -> None:
        remaining = await store_members.list_active_members(tx.conn, conversation_id)
        if not remaining:
            await store_conversations.update_conversation(
                tx.conn, conversation_id, {"owner_id": None}
            )
            return
        heir = next((m for m in remaining if m.role == "admin"), remaining[0])
        await store_members.update_member(tx.conn, conversation_id, heir.user_id, {"role": "owner"})
        await store_conversations.update_conversation(
            tx.conn, conversation_id, {"owner_id": heir.user_id}
        )

    async def set_member_role(
        self, me: Principal, conversation_id: int, handle: str, role: str
    ) -> Conversation:
        if role not in ("admin", "member"):
            raise InvalidInput("A member's role is admin or member.", "bad_role")

        async def unit(tx: Tx) -> Conversation:
            _, member = await access_manager(tx.conn, conversation_id, me.user.id)
            if member.role != "owner":
                raise Forbidden("Only the owner appoints admins.", "not_owner")
            target = await _active_member(tx.conn, conversation_id, handle)
            if target.role == "owner":
                raise Conflict("The owner's role cannot change.", "is_owner")
            if target.role == role:
                return await self._view(tx.conn, conversation_id, me.user.id)
            await store_members.update_member(
                tx.conn, conversation_id, target.user_id, {"role": role}
            )
            await self._tell_updated(tx, conversation_id, me)
            line = SystemLine(type="admin", by=me.user.handle, who=[handle], on=role == "admin")
            await self._say(tx, conversation_id, me, line)
            return await self._view(tx.conn, conversation_id, me.user.id)

        return await self.db.write(unit)

    async def _view(
        self, conn: AsyncConnection, conversation_id: int, user_id: int
    ) -> Conversation:
        return await conversation_view(conn, conversation_id, user_id)


async def _active_member(conn: AsyncConnection, conversation_id: int, handle: str) -> Member:
    user = await accounts_store.get_user_by_handle(conn, handle)
    member = await store_members.get_member(conn, conversation_id, user.id) if user else None
    if member is None or not member.active:
        raise NotFound("That person is not in this group.")
    return member
