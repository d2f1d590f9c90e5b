"""Search: the messages of my conversations (within my window of each) and the moments I may
see whose text contains a query. Chinese works: matching is by substring, not by word."""

from __future__ import annotations

from guanxi.accounts.models import Principal
from guanxi.db.database import Database
from guanxi.moments.models import Moment
from guanxi.moments.service import MomentService
from guanxi.search import rules, store
from guanxi.search.indexer import SearchIndexer
from guanxi.search.models import SearchResults
from guanxi.search.rows import message_hit_from_row
from guanxi.settings import Settings


class SearchService:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        moments: MomentService,
        indexer: SearchIndexer | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.moments = moments
        self.indexer = indexer

    async def search(
        self, me: Principal, q: str, *, limit: int = 20, cursor: str | None = None
    ) -> SearchResults:
        """One page of message hits, newest first; moments come with the first page only."""
        q = rules.check_query(q)
        before = rules.decode_cursor(cursor) if cursor else None
        limit = max(1, min(limit, self.settings.page_max))
        if self.indexer is not None:
            await self.indexer.catch_up()
        async with self.db.read() as conn:
            rows = await store.list_message_hits(
                conn, me.user.id, q, before=before, limit=limit + 1
            )
        hits = [message_hit_from_row(row, q) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            next_cursor = rules.encode_cursor(hits[-1].created_at, hits[-1].id)
        moments = await self._moments(me, q, limit) if cursor is None else []
        return SearchResults(messages=hits, moments=moments, next_cursor=next_cursor)

    async def _moments(self, me: Principal, q: str, limit: int) -> list[Moment]:
        return await self.moments.search(me, q, limit)
