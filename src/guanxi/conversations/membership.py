"""Who joins a group at once and who is invited; joining; sending invitations.

WeChat's rule: one adds only one's friends directly; anyone else — a stranger, or someone who
was in the group before — gets an invitation to accept or ignore. Used inside the writes of
the conversation and invitation services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import User
from guanxi.clock import Clock
from guanxi.conversations import store_invitations, store_members, system_lines
from guanxi.conversations.events import (
    GROUP_INVITATION_RECEIVED,
    MEMBER_JOINED,
    InvitationReceived,
    MemberJoined,
)
from guanxi.conversations.models import GroupInvitation, SystemLine
from guanxi.conversations.room import check_room
from guanxi.conversations.views import conversation_view
from guanxi.db.database import Tx
from guanxi.errors import Conflict, Forbidden, RateLimited
from guanxi.eventlog import store as eventlog_store
from guanxi.eventlog.service import EventLog
from guanxi.ratelimit import window
from guanxi.relationships import store as relationships_store
from guanxi.settings import Settings

DAY_MS = 86_400_000


@dataclass(frozen=True)
class Sorted:
    """The people being added to a group: who joins now, who gets an invitation."""

    joining: list[User]
    invited: list[User]


class Membership:
    def __init__(self, clock: Clock, settings: Settings, events: EventLog) -> None:
        self.clock = clock
        self.settings = settings
        self.events = events

    async def sort(
        self, conn: AsyncConnection, adder_id: int, users: list[User], conversation_id: int | None
    ) -> Sorted:
        """Friends who were never in the group join; everyone else is invited."""
        ids = [u.id for u in users]
        blocked = await relationships_store.list_blocked_among(conn, adder_id, ids)
        for user in users:
            if user.id in blocked:
                raise Forbidden(f"You blocked {user.handle}; unblock them first.", "blocked")
        rows = await relationships_store.list_friendships_about(conn, ids, adder_id)
        friends = {row.user_id for row in rows}
        past: dict[int, Any] = {}
        if conversation_id is not None:
            past = await store_members.list_members_among(conn, conversation_id, ids)
        joining = [u for u in users if u.id in friends and u.id not in past]
        return Sorted(joining, [u for u in users if u not in joining])

    async def check_size(
        self, conn: AsyncConnection, conversation_id: int | None, members: int, invited: list[User]
    ) -> None:
        """Members and waiting invitations together stay within the group's size."""
        waiting = 0
        if conversation_id is not None:
            waiting = await store_invitations.count_pending_of_group(
                conn, conversation_id, self.clock.now_ms(), [u.id for u in invited]
            )
        most = self.settings.group_max_members
        if members + len(invited) + waiting > most:
            raise Conflict(
                f"A group has at most {most} members (invitations waiting count too).",
                "group_full",
            )

    async def join(
        self, tx: Tx, conversation: Any, joining: list[User], by: User, caller_id: int
    ) -> None:
        """Make them members; `caller_id` is who asked (the adder, or the one accepting)."""
        cap = self.settings.conversations_per_user_max
        await check_room(tx.conn, joining, caller_id, cap)
        now = self.clock.now_ms()
        head = await eventlog_store.get_head(tx.conn)
        for user in joining:
            await store_members.upsert_member(
                tx.conn,
                conversation_id=conversation.id,
                user_id=user.id,
                role="member",
                joined_at=now,
                joined_seq=conversation.last_seq,
                joined_event=head,
            )
        ids = [u.id for u in joining]
        await store_invitations.accept_pending_of(tx.conn, conversation.id, ids, now)
        view = await conversation_view(tx.conn, conversation.id, None)
        await self.events.record(
            tx,
            MEMBER_JOINED,
            MemberJoined(
                conversation_id=conversation.id,
                members=[u.to_wire() for u in joining],
                by=by.handle,
                conversation=view.to_wire(),
            ),
            recipients=await store_members.list_active_member_ids(tx.conn, conversation.id),
            conversation_id=conversation.id,
        )
        # "X added Y", or "Y joined" on accepting X's invitation: after joining, so they see it
        kind = "joined" if [u.id for u in joining] == [caller_id] else "added"
        line = SystemLine(type=kind, by=by.handle, who=[u.handle for u in joining])
        await system_lines.say(tx, self.clock, self.events, conversation.id, caller_id, line)

    async def invite(
        self, tx: Tx, conversation_id: int, group_name: str, inviter: User, invitees: list[User]
    ) -> None:
        """Invite each one: a waiting invitation stays as it is, and a declined one is not
        sent again before the invitation lifetime has passed (the inviter is not told)."""
        now = self.clock.now_ms()
        rows = await store_invitations.list_invitations_of_group(
            tx.conn, conversation_id, [u.id for u in invitees]
        )
        fresh = [u for u in invitees if self._due(rows.get(u.id), now)]
        await self._check_quota(tx.conn, inviter.id, len(fresh), now)
        members = await store_members.count_active_members(tx.conn, conversation_id)
        for user in fresh:
            row = rows.get(user.id)
            invitation_id = await store_invitations.upsert_invitation(
                tx.conn,
                conversation_id=conversation_id,
                invitee_id=user.id,
                inviter_id=inviter.id,
                created_at=now,
                expires_at=now + self.settings.group_invitation_days * DAY_MS,
                existing=row.id if row is not None else None,
            )
            invitation = GroupInvitation(
                id=invitation_id,
                conversation_id=conversation_id,
                group_name=group_name,
                member_count=members,
                inviter=inviter,
                created_at=now,
                expires_at=now + self.settings.group_invitation_days * DAY_MS,
            )
            await self.events.record(
                tx,
                GROUP_INVITATION_RECEIVED,
                InvitationReceived(invitation=invitation.to_wire()),
                recipients=[user.id],
                user_id=user.id,
            )

    def _due(self, row: Any, now: int) -> bool:
        """Whether an invitation goes out now, given the pair's earlier one (if any)."""
        if row is None or row.status == store_invitations.ACCEPTED:
            return True
        if row.status == store_invitations.PENDING:
            return bool(row.expires_at <= now)
        lifetime = self.settings.group_invitation_days * DAY_MS
        return bool(row.answered_at + lifetime <= now)  # declined

    async def _check_quota(
        self, conn: AsyncConnection, inviter_id: int, count: int, now: int
    ) -> None:
        if not count:
            return
        sent = await store_invitations.count_sent_since(conn, inviter_id, now - DAY_MS)
        over = sent + count - self.settings.group_invitations_per_day
        if over > 0:  # room for these once `over` of the day's invitations have left it
            frees = await store_invitations.sent_at(conn, inviter_id, now - DAY_MS, over - 1)
            wait = window.seconds_until_out(frees, now)  # more than a day allows: a whole day
            raise RateLimited(
                f"You sent too many group invitations today; try again in {window.in_words(wait)}.",
                "too_many_invitations",
                wait,
            )
