"""SQLite's way to find messages whose text contains a query: FTS5 with the trigram tokenizer.

`messages_fts` indexes every message's text by its trigrams. It lives in a file of its own,
attached to every reading connection as the schema `search_index`, and is kept up to date off
the write path (index_sqlite.py, indexer.py). A query of three characters or more is a phrase
query on it, which matches any substring, Chinese included, and the search starts from its
hits. A trigram index cannot answer a shorter query: that one is a LIKE scan of the user's own
conversations.
"""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.conversations.tables import messages
from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.search.match import Match

TRIGRAM = 3
SEARCH_SCHEMA = "search_index"
messages_fts = sa.table("messages_fts", sa.column("rowid"), sa.column("text"), schema=SEARCH_SCHEMA)


def text_contains(q: str) -> Match:
    if len(q) < TRIGRAM:
        return Match(
            messages.c.text.like(like_pattern(q), escape=LIKE_ESCAPE), start_from_matches=False
        )
    phrase = '"' + q.replace('"', '""') + '"'
    hits = sa.select(messages_fts.c.rowid).where(messages_fts.c.text.match(phrase))
    return Match(messages.c.id.in_(hits), start_from_matches=True)
