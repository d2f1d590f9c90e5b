"""PostgreSQL's way to find messages whose text contains a query: ILIKE '%q%', which the GIN
trigram index of migration 0004 (pg_trgm) serves when the query has three characters or more.
The planner chooses between that index and the user's conversations by its statistics."""

from __future__ import annotations

from guanxi.conversations.tables import messages
from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.search.match import Match


def text_contains(q: str) -> Match:
    return Match(
        messages.c.text.ilike(like_pattern(q), escape=LIKE_ESCAPE), start_from_matches=False
    )
