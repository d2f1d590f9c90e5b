"""Reading what one user may see that is theirs, a page at a time, as archive records.

Every page is one short read (`Database.read()`), ordered and continued by keyset (never by
offset), so an export holds no transaction open for its length and never has more than a page
of history in memory. What the user may see is the domains' own rules: the membership window
(`conversations/window.py`) and a past member's view (`conversations/past.py`), the moments'
hydrate and visibility (`moments/hydrate.py`, `moments/access.py`), who exists for whom
(`relationships`: someone who blocked the user has no profile for them, a direct chat with
them is gone). Media a page carries is handed to the `MediaSink` (the writer copies each file
once) before the page's records are made, so a record names only files the archive holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import User
from guanxi.assets import export_records as records
from guanxi.assets import store_export
from guanxi.assets.export_records import Record
from guanxi.conversations import past, rules, store_members, store_messages
from guanxi.conversations.access import may_reach_peer
from guanxi.conversations.models import DIRECT, Member
from guanxi.conversations.rows import member_from_row
from guanxi.conversations.window import MembershipWindow
from guanxi.db.database import Database
from guanxi.db.keyset import let_others_run
from guanxi.media import store as media_store
from guanxi.media.models import Media
from guanxi.moments.access import can_see
from guanxi.moments.hydrate import hydrate as hydrate_moments
from guanxi.relationships import store as relationships_store

PAGE = 1000  # messages (and other records) per read
PEOPLE_PAGE = 500

MediaSink = Callable[[list[Media]], Awaitable[set[str]]]  # → the served hashes now in the archive


@dataclass(frozen=True, kw_only=True)
class Membership:
    """One conversation of the user's, as the export walks it."""

    row: Any  # the conversation (a past member: as they left it) with the user's membership
    member: Member
    window: MembershipWindow  # narrowed to the history there was when the export began

    @property
    def size(self) -> int:
        return max(0, (self.window.left or 0) - self.window.joined)


class ExportReader:
    def __init__(self, db: Database, user: User, now_ms: int, media: MediaSink) -> None:
        self.db = db
        self.user = user
        self.now_ms = now_ms
        self.media = media
        self.named: set[str] = {user.handle}  # every handle a record names: people.jsonl

    # -- conversations and messages ----------------------------------------------------------

    async def memberships(self) -> AsyncIterator[Membership]:
        """The user's conversations by id, without direct chats with someone who blocked
        them (such a chat does not exist for them while the block stands)."""
        after = 0
        while True:
            async with self.db.read() as conn:
                rows = await store_export.list_memberships_page(conn, self.user.id, after, PAGE)
                hidden = await self._blocked_chats(conn, rows)
            for row in rows:
                if row.id not in hidden:
                    yield _membership(row)
            if len(rows) < PAGE:
                return
            after = rows[-1].id

    async def _blocked_chats(self, conn: AsyncConnection, rows: list[Any]) -> set[int]:
        peers = {
            row.id: rules.direct_peer(row.direct_key, self.user.id)
            for row in rows
            if row.kind == DIRECT
        }
        blockers = await relationships_store.list_blockers_among(conn, self.user.id, peers.values())
        return {cid for cid, peer in peers.items() if peer in blockers}

    async def count_messages(self) -> tuple[int, int]:
        """(conversations, messages) an export of the user writes, from one row per
        membership: seqs are gap-free, so a window's size is arithmetic (less the messages
        the user deleted for themselves)."""
        async with self.db.read() as conn:
            rows = await store_export.list_window_sizes(conn, self.user.id)
            hidden = await self._blocked_chats(conn, rows)
        kept = [r for r in rows if r.id not in hidden]
        windows = [MembershipWindow(r.joined_seq, r.left_seq).last(r.last_seq) for r in kept]
        sizes = (
            max(0, last - max(r.joined_seq, r.cleared_seq) - r.hidden)
            for r, last in zip(kept, windows, strict=True)
        )
        return len(kept), sum(sizes)

    async def conversation(self, walk: Membership) -> Record:
        row, member = walk.row, walk.member
        async with self.db.read() as conn:
            members = await self._members(conn, row, member)
            owner = None
            if row.owner_id is not None:
                found = await accounts_store.list_users(conn, [row.owner_id])
                owner = found[row.owner_id].handle if row.owner_id in found else None
        if owner is not None:
            self.named.add(owner)
        window = member.window  # (joined, left]: no upper end while still a member
        return records.conversation_record(row, owner=owner, members=members, window=window)

    async def _members(self, conn: AsyncConnection, row: Any, member: Member) -> list[Record]:
        """The members as the user may see them: the group now, or as they left it."""
        if row.left_view is not None:
            seen = [(int(uid), role) for uid, role in row.left_view["members"]]
        else:
            active = await store_members.list_active_members(conn, row.id)
            seen = [(int(r.user_id), r.role) for r in active]
        others = [(uid, role) for uid, role in seen if uid != self.user.id]
        found = await store_export.list_member_rows(conn, row.id, [uid for uid, _ in others])
        users = await accounts_store.list_users(conn, [uid for uid, _ in others])
        receipts = row.kind == DIRECT and await may_reach_peer(conn, row, self.user.id)
        lines = [
            records.member_record(
                self.user.handle,
                row.role,
                joined_at=row.joined_at,
                left_at=row.left_at,
                last_read=member.last_read_seq,
            )
        ]
        for uid, role in others:
            if uid not in users:
                continue
            mine = found.get(uid)
            known = mine is not None and (row.left_at is None or mine.joined_at <= row.left_at)
            lines.append(
                records.member_record(
                    users[uid].handle,
                    role,
                    joined_at=mine.joined_at if known and mine is not None else None,
                    left_at=None,
                    last_read=mine.last_read_seq if receipts and mine is not None else None,
                )
            )
            self.named.add(users[uid].handle)
        return lines

    async def messages(self, walk: Membership) -> AsyncIterator[list[Record]]:
        """The messages of the user's window, in seq order, a page at a time, without those
        they deleted for themselves (a chat deleted for oneself starts where it was deleted:
        the window does)."""
        low, through = walk.window.joined, walk.window.left
        assert through is not None  # narrowed to the history at the start
        while low < through:
            async with self.db.read() as conn:
                rows = await store_messages.list_messages(
                    conn,
                    walk.row.id,
                    low=low,
                    high=through + 1,
                    limit=PAGE,
                    oldest_first=True,
                    viewer_id=self.user.id,
                )
                reactions = await store_export.list_reactions_at(
                    conn, [r.id for r in rows], walk.member.left_at
                )
                media = await media_store.list_media(
                    conn, [r.media_id for r in rows if r.media_id is not None]
                )
            if not rows:
                return
            yield await self._message_page(walk.member, rows, reactions, media)
            low = rows[-1].seq
            await let_others_run()

    async def _message_page(
        self, member: Member, rows: list[Any], reactions: list[Any], media: dict[str, Media]
    ) -> list[Record]:
        # in the order the messages use them: a file sent twice under two names is listed by
        # its first use, whatever order the database gave the items in
        used = {r.media_id: media[r.media_id] for r in rows if r.media_id in media}
        present = await self.media(list(used.values()))
        given: dict[int, list[Record]] = {}
        for r in reactions:
            given.setdefault(r.message_id, []).append(records.reaction_record(r))
            self.named.add(r.handle)
        page = []
        for row in rows:
            item = media.get(row.media_id) if row.media_id is not None else None
            sha = item.served_sha256 if item is not None else None
            record = records.message_record(
                row,
                withheld=past.changed_after_leaving(member, row.edited_at),
                reactions=given.get(row.id, []),
                media=sha if sha in present else None,
            )
            self.named.add(record["sender"])
            self.named.update(record["mentions"])
            page.append(record)
        return page

    # -- relationships ----------------------------------------------------------------------

    async def friends(self) -> AsyncIterator[list[Record]]:
        after: tuple[str, int] | None = None
        while True:
            async with self.db.read() as conn:
                rows = await relationships_store.list_friendships_page(
                    conn, self.user.id, after, PAGE
                )
                users = await accounts_store.list_users(conn, [r.friend_id for r in rows])
            yield [
                records.friend_record(r, self._name(users[r.friend_id]))
                for r in rows
                if r.friend_id in users
            ]
            if len(rows) < PAGE:
                return
            after = (rows[-1].sort_key, rows[-1].friend_id)

    async def blocks(self) -> AsyncIterator[list[Record]]:
        before: tuple[int, int] | None = None
        while True:
            async with self.db.read() as conn:
                rows = await relationships_store.list_blocked(conn, self.user.id, before, PAGE)
                users = await accounts_store.list_users(conn, [r.blocked_id for r in rows])
            yield [
                records.block_record(r, self._name(users[r.blocked_id]))
                for r in rows
                if r.blocked_id in users
            ]
            if len(rows) < PAGE:
                return
            before = (rows[-1].created_at, rows[-1].blocked_id)

    def _name(self, user: User) -> str:
        self.named.add(user.handle)
        return user.handle

    # -- moments -----------------------------------------------------------------------------

    async def moments(self) -> AsyncIterator[list[Record]]:
        """The user's own moments, oldest first, with the likes and comments they see."""
        after: tuple[int, int] | None = None
        while True:
            async with self.db.read() as conn:
                rows = await store_export.list_own_moments(conn, self.user.id, after, PAGE)
                seen = await hydrate_moments(conn, self.user.id, rows)
                media = await media_store.list_media(
                    conn, [m for moment in seen for m in moment.media_ids]
                )
            present = await self.media(list(media.values()))
            page = []
            for moment in seen:
                hashes = [media[m].served_sha256 for m in moment.media_ids if m in media]
                page.append(records.moment_record(moment, [h for h in hashes if h in present]))
                self.named.update(like.user.handle for like in moment.likes)
                self.named.update(c.user.handle for c in moment.comments)
            yield page
            if len(rows) < PAGE:
                return
            after = (rows[-1].created_at, rows[-1].id)

    async def interactions(self) -> AsyncIterator[list[Record]]:
        """The user's likes, then comments, on others' moments they may still see."""
        after: tuple[int, int] | None = None
        while True:
            async with self.db.read() as conn:
                rows = await store_export.list_likes_given(conn, self.user.id, after, PAGE)
                page = await self._interactions(conn, rows, "like")
            yield page
            if len(rows) < PAGE:
                break
            after = (rows[-1].given_at, rows[-1].id)
        after_id = 0
        while True:
            async with self.db.read() as conn:
                rows = await store_export.list_comments_given(conn, self.user.id, after_id, PAGE)
                page = await self._interactions(conn, rows, "comment")
            yield page
            if len(rows) < PAGE:
                return
            after_id = rows[-1].comment_id

    async def _interactions(
        self, conn: AsyncConnection, rows: list[Any], kind: str
    ) -> list[Record]:
        """Those on moments the user may still see (the moment rule, a few statements each:
        the loop is let go every 50)."""
        authors = await accounts_store.list_users(conn, [r.author_id for r in rows])
        page = []
        for i, row in enumerate(rows):
            if i % 50 == 49:
                await let_others_run()
            if row.author_id not in authors or not await can_see(
                conn, self.user.id, row, self.now_ms
            ):
                continue
            text = row.comment_text if kind == "comment" else ""
            page.append(
                records.interaction_record(kind, row, self._name(authors[row.author_id]), text)
            )
        return page

    # -- people ------------------------------------------------------------------------------

    async def people(self) -> AsyncIterator[list[Record]]:
        """Every person a record named, by handle, as the user may see them now."""
        handles = sorted(self.named)
        for start in range(0, len(handles), PEOPLE_PAGE):
            chunk = handles[start : start + PEOPLE_PAGE]
            async with self.db.read() as conn:
                users = await accounts_store.list_users_by_handle(conn, chunk)
                blockers = await relationships_store.list_blockers_among(
                    conn, self.user.id, [u.id for u in users.values()]
                )
            yield [_person(handle, users.get(handle), blockers) for handle in chunk]


def _membership(row: Any) -> Membership:
    member = member_from_row(row)
    window = MembershipWindow(member.window.joined, member.window.last(row.last_seq))
    view = row.left_view
    seen = past.frozen(row, view) if view is not None else SimpleNamespace(**row._mapping)
    return Membership(row=seen, member=member, window=window)


def _person(handle: str, user: User | None, blockers: set[int]) -> Record:
    if user is None:  # named once (a mention, say), the account since gone
        return {"handle": handle, "display_name": "", "is_placeholder": False, "is_deleted": True}
    return records.person_record(user, hidden=user.id in blockers)
