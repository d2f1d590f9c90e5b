"""SQLite's way to find messages whose text contains a query: FTS5 with the trigram tokenizer.

`messages_fts` indexes every message's text by its trigrams. It lives in a file of its own,
attached to every reading connection as the schema `search_index`, and is kept up to date off
the write path (index_sqlite.py, indexer.py). A query of three characters or more is a phrase
query on it, which matches any substring, Chinese included. Its rows are keyed
`(conversation_id << 32) | seq`, so one member's window of one conversation is one range of
rowids: the search walks the user's memberships and asks FTS5 for the phrase inside each range
(FTS5 takes a rowid range into its lookup), never touching other conversations' matches.
`CROSS JOIN` keeps the memberships as the outer loop: SQLite's planner would otherwise start
from the phrase's hits in every conversation. A trigram index cannot answer a shorter query:
that one is a LIKE scan of the user's own conversations.
"""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from guanxi.conversations.tables import conversation_members, messages
from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.search.index_sqlite import SEQ_BITS, SEQ_MAX
from guanxi.search.match import HIT_COLUMNS, Scope, member, msg, scanning

TRIGRAM = 3
SEARCH_SCHEMA = "search_index"
messages_fts = sa.table("messages_fts", sa.column("rowid"), sa.column("text"), schema=SEARCH_SCHEMA)
fts = messages_fts.c


class OuterFirst(sa.Join):
    """An inner join whose left side stays the outer loop: SQLite's `CROSS JOIN`."""

    inherit_cache = True


@compiles(OuterFirst, "sqlite")
def _cross_join(join: OuterFirst, compiler: SQLCompiler, **kw: Any) -> str:
    """As SQLCompiler.visit_join, with the one word changed."""
    linter = kw.pop("from_linter", None)
    kw.pop("asfrom", None)
    if linter:  # what visit_join tells the cartesian-product linter
        linter.edges.update(itertools.product(join.left._from_objects, join.right._from_objects))
    left, right = (
        side._compiler_dispatch(compiler, asfrom=True, from_linter=linter, **kw)
        for side in (join.left, join.right)
    )
    assert join.onclause is not None  # OuterFirst is always made with one
    on = join.onclause._compiler_dispatch(compiler, from_linter=linter, **kw)
    return f"{left} CROSS JOIN {right} ON {on}"


def _window_rowids() -> sa.ColumnElement[bool]:
    """The index rows of a member's window (joined_seq, left_seq] of their conversation. Only
    bounds the index lookup: the window is checked on each message row as well (scope)."""
    key = member.conversation_id.op("<<")(SEQ_BITS)
    last = sa.func.coalesce(member.left_seq, SEQ_MAX)
    return fts.rowid.between(key + member.joined_seq + 1, key + last)


def _indexed() -> sa.FromClause:
    """The user's memberships, then the index rows in their windows, then those rows'
    messages, in this order."""
    in_windows = OuterFirst(conversation_members, messages_fts, _window_rowids())
    is_the_message = sa.and_(
        msg.conversation_id == member.conversation_id, msg.seq == fts.rowid.op("&")(SEQ_MAX)
    )
    return OuterFirst(in_windows, messages, is_the_message)


def text_contains(q: str, scope: Scope) -> sa.Subquery:
    if len(q) < TRIGRAM:
        return scanning(msg.text.like(like_pattern(q), escape=LIKE_ESCAPE), scope)
    phrase = '"' + q.replace('"', '""') + '"'
    return (
        sa.select(*HIT_COLUMNS)
        .select_from(_indexed())
        .where(member.user_id == scope.user_id, scope.condition, fts.text.match(phrase))
        .subquery()
    )
