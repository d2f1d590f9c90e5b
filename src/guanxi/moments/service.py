"""Posting, reading, paging, searching and deleting moments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import Principal
from guanxi.clock import Clock, iso
from guanxi.db.database import Database, Tx
from guanxi.errors import Forbidden, InvalidInput
from guanxi.eventlog.service import EventLog, Ref
from guanxi.media import store as media_store
from guanxi.moments import rules, store, store_feed
from guanxi.moments.access import (
    access_moment,
    friend_ids,
    live_viewers,
    scope_of_author,
)
from guanxi.moments.events import MOMENT_DELETED, MOMENT_POSTED, MomentDeleted, MomentPosted
from guanxi.moments.hydrate import hydrate
from guanxi.moments.models import Moment, MomentPage, Position
from guanxi.moments.rows import position_from_row
from guanxi.moments.visibility import window_starts
from guanxi.relationships.access import Purpose, access_user
from guanxi.settings import Settings


@dataclass(frozen=True)
class MomentDraft:
    text: str
    media_ids: list[str]
    place: str
    audience: str
    tags: list[str]


class MomentService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        events: EventLog,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.events = events

    async def post_moment(self, me: Principal, draft: MomentDraft) -> Moment:
        media_ids = rules.check_media_ids(draft.media_ids)
        text, place = rules.check_text_and_place(draft.text, draft.place, len(media_ids))
        audience, tags = rules.check_audience(draft.audience, draft.tags)

        async def unit(tx: Tx) -> Moment:
            created_at = self.clock.now_ms()
            await self._check_media(tx.conn, me.user.id, media_ids)
            moment_id = await store.insert_moment(
                tx.conn,
                author_id=me.user.id,
                text=text,
                place=place,
                audience=audience,
                created_at=created_at,
            )
            await store.insert_media(tx.conn, moment_id, media_ids)
            await store.insert_audience_tags(tx.conn, moment_id, tags)
            row = await store.get_moment(tx.conn, moment_id)
            live = await self._audience(tx.conn, me, row)
            stamp = {"id": moment_id, "created_at": iso(created_at)}
            payload = MomentPosted(moment_id=moment_id, author=me.user.handle, moment=stamp)
            await self.events.record(
                tx,
                MOMENT_POSTED,
                payload,
                recipients=live,
                user_id=me.user.id,
                ref=Ref("moment", moment_id),
            )
            return (await hydrate(tx.conn, me.user.id, [row]))[0]

        return await self.db.write(unit)

    async def _check_media(
        self, conn: AsyncConnection, owner_id: int, media_ids: list[str]
    ) -> None:
        if not media_ids:
            return
        items = await media_store.list_media(conn, media_ids)
        kinds = {i: item.kind for i, item in items.items() if item.owner_id == owner_id}
        if len(kinds) != len(media_ids):
            raise InvalidInput("media_ids names an upload you do not have.", "bad_media")
        rules.check_media_kinds([kinds[m] for m in media_ids])

    async def get_moment(self, me: Principal, moment_id: int) -> Moment:
        async with self.db.read() as conn:
            row = await access_moment(conn, me.user.id, moment_id, self.clock.now_ms())
            return (await hydrate(conn, me.user.id, [row]))[0]

    async def delete_moment(self, me: Principal, moment_id: int) -> None:
        async def unit(tx: Tx) -> None:
            row = await access_moment(tx.conn, me.user.id, moment_id, self.clock.now_ms())
            if row.author_id != me.user.id:
                raise Forbidden("Only the author can delete a moment.", "not_author")
            live = await self._audience(tx.conn, me, row)
            await store.delete_moment(tx.conn, moment_id)
            tx.erase()
            payload = MomentDeleted(moment_id=moment_id, author=me.user.handle)
            await self.events.record(
                tx, MOMENT_DELETED, payload, recipients=live, user_id=me.user.id
            )

        await self.db.write(unit)

    async def _audience(self, conn: AsyncConnection, me: Principal, row: Any) -> list[int]:
        """The author and each friend who may see my moment `row` in their feed now."""
        friends = await friend_ids(conn, me.user.id)
        live = await live_viewers(conn, row, friends, self.clock.now_ms())
        return sorted({me.user.id} | live)

    async def feed(self, me: Principal, cursor: str | None, limit: int) -> MomentPage:
        """Moments of my friends that I may see, and mine, newest first."""
        before = Position.decode(cursor) if cursor else None
        async with self.db.read() as conn:
            windows = window_starts(self.clock.now_ms())
            rows = await store_feed.list_of_viewer(
                conn,
                me.user.id,
                windows,
                for_feed=True,
                before=before,
                limit=limit + 1,
                newest_from=self.settings.moments_feed_newest_from,
            )
            return await self._page(conn, me.user.id, rows, limit)

    async def user_moments(
        self, me: Principal, handle: str, cursor: str | None, limit: int
    ) -> MomentPage:
        """One person's moments that I may see (their page), newest first."""
        before = Position.decode(cursor) if cursor else None
        async with self.db.read() as conn:
            author = await access_user(conn, me.user.id, handle, Purpose.SEE)
            scope = await scope_of_author(conn, me.user.id, author.id, self.clock.now_ms())
            if scope is None:
                return MomentPage(moments=[], next_cursor=None)
            rows = await store_feed.list_visible(conn, [scope], before, limit + 1)
            return await self._page(conn, me.user.id, rows, limit)

    async def _page(
        self, conn: AsyncConnection, viewer_id: int, rows: list[Any], limit: int
    ) -> MomentPage:
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if rows and more else None
        cursor = position_from_row(last).encode() if last is not None else None
        return MomentPage(moments=await hydrate(conn, viewer_id, rows), next_cursor=cursor)

    async def search(self, viewer: Principal, q: str, limit: int) -> list[Moment]:
        """Moments the viewer may see (their own and friends', including those hidden from
        their feed) whose text contains `q`, case-insensitively, newest first."""
        q = q.strip()
        if not q:
            return []
        async with self.db.read() as conn:
            windows = window_starts(self.clock.now_ms())
            rows = await store_feed.list_of_viewer(
                conn, viewer.user.id, windows, for_feed=False, before=None, limit=limit, text=q
            )
            return await hydrate(conn, viewer.user.id, rows)
