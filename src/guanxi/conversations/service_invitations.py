"""Group invitations as their invitee sees them: the waiting list, accepting, declining."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.conversations import store_conversations, store_invitations, store_members
from guanxi.conversations.events import (
    GROUP_INVITATION_ACCEPTED,
    GROUP_INVITATION_DECLINED,
    InvitationAnswered,
)
from guanxi.conversations.membership import Membership
from guanxi.conversations.models import Conversation, GroupInvitation
from guanxi.conversations.rows import group_invitation_from_row
from guanxi.conversations.views import conversation_view
from guanxi.db import keyset
from guanxi.db.database import Database, Tx
from guanxi.db.keyset import Page
from guanxi.errors import Conflict, NotFound
from guanxi.eventlog.service import EventLog
from guanxi.relationships import store as relationships_store
from guanxi.settings import Settings

LIST_NAME = "group_invitations"
PAGE_DEFAULT = 50
PAGE_MAX = 100


class InvitationService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.events = events
        self.membership = Membership(clock, settings, events)

    async def list_invitations(
        self, me: Principal, cursor: str | None, limit: int | None
    ) -> Page[GroupInvitation]:
        """Waiting invitations, newest first; none from someone the caller blocked."""
        before = int(keyset.decode(cursor, LIST_NAME, (int,))[0]) if cursor else None
        size = max(1, min(limit or PAGE_DEFAULT, PAGE_MAX))
        async with self.db.read() as conn:
            now = self.clock.now_ms()
            rows = await store_invitations.list_pending_of(conn, me.user.id, now, before, size)
            inviters = [r.inviter_id for r in rows]
            blocked = await relationships_store.list_blocked_among(conn, me.user.id, inviters)
            shown = [r for r in rows if r.inviter_id not in blocked]
            invitations = await _hydrate(conn, shown)
        full = len(rows) == size
        return Page(invitations, keyset.encode(LIST_NAME, (rows[-1].id,)) if full else None)

    async def accept(self, me: Principal, invitation_id: int) -> Conversation:
        """Join the group the invitation is for; its members are told."""

        async def unit(tx: Tx) -> Conversation:
            row = await self._waiting(tx.conn, me, invitation_id)
            conversation = await store_conversations.get_conversation(tx.conn, row.conversation_id)
            inviter = await store_members.get_member(tx.conn, row.conversation_id, row.inviter_id)
            if conversation is None or inviter is None or not inviter.active:
                raise Conflict("This invitation is no longer valid.", "invitation_expired")
            member = await store_members.get_member(tx.conn, conversation.id, me.user.id)
            if member is None or not member.active:
                count = await store_members.count_active_members(tx.conn, conversation.id)
                await self.membership.check_size(tx.conn, conversation.id, count + 1, [me.user])
                by = await accounts_store.get_user(tx.conn, row.inviter_id)
                assert by is not None
                await self.membership.join(tx, conversation, [me.user], by, me.user.id)
            await self._answer(tx, row, store_invitations.ACCEPTED, me)
            return await conversation_view(tx.conn, conversation.id, me.user.id)

        return await self.db.write(unit)

    async def decline(self, me: Principal, invitation_id: int) -> None:
        """Decline: nobody but the invitee's own devices hears of it."""

        async def unit(tx: Tx) -> None:
            row = await self._waiting(tx.conn, me, invitation_id)
            await self._answer(tx, row, store_invitations.DECLINED, me)

        await self.db.write(unit)

    async def _waiting(self, conn: AsyncConnection, me: Principal, invitation_id: int) -> Any:
        """The caller's own invitation, still waiting for an answer."""
        row = await store_invitations.get_invitation(conn, invitation_id)
        if row is None or row.invitee_id != me.user.id:
            raise NotFound("No such invitation.")
        if await relationships_store.exists_block(conn, me.user.id, row.inviter_id):
            raise NotFound("No such invitation.")
        if row.status != store_invitations.PENDING:
            raise Conflict("This invitation was answered already.", "not_pending")
        if row.expires_at <= self.clock.now_ms():
            raise Conflict("This invitation is no longer valid.", "invitation_expired")
        return row

    async def _answer(self, tx: Tx, row: Any, status: str, me: Principal) -> None:
        await store_invitations.update_status(tx.conn, row.id, status, self.clock.now_ms())
        await self.events.record(
            tx,
            GROUP_INVITATION_ACCEPTED
            if status == store_invitations.ACCEPTED
            else GROUP_INVITATION_DECLINED,
            InvitationAnswered(invitation_id=row.id, conversation_id=row.conversation_id),
            recipients=[me.user.id],
            user_id=me.user.id,
        )


async def _hydrate(conn: AsyncConnection, rows: list[Any]) -> list[GroupInvitation]:
    users = await accounts_store.list_users(conn, [r.inviter_id for r in rows])
    counts = await store_members.count_active_members_of(conn, [r.conversation_id for r in rows])
    return [
        group_invitation_from_row(
            r, inviter=users[r.inviter_id], member_count=counts.get(r.conversation_id, 0)
        )
        for r in rows
    ]
