"""PostgreSQL's way to find messages whose text contains a query: ILIKE '%q%' (the GIN trigram
index of migration 0004, pg_trgm, can serve it for three characters or more).

The hits are found conversation by conversation: a LATERAL subquery, at most a page of them per
membership, newest first. A LATERAL with a LIMIT cannot be flattened into a join, so the
planner always starts from the user's memberships and looks inside each conversation (by the
(conversation_id, seq) index, or the trigram index together with it), never at other people's
matches — whatever its statistics say about how common the text is.
"""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.conversations.tables import conversation_members
from guanxi.db.like import LIKE_ESCAPE, like_pattern
from guanxi.search.match import HIT_COLUMNS, Scope, member, msg


def text_contains(q: str, scope: Scope) -> sa.Subquery:
    contains = msg.text.ilike(like_pattern(q), escape=LIKE_ESCAPE)
    per_conversation = (
        sa.select(*HIT_COLUMNS)
        .where(scope.condition, contains)
        .order_by(msg.created_at.desc(), msg.id.desc())
        .limit(scope.limit)
        .lateral("hits")
    )
    return (
        sa.select(per_conversation)
        .select_from(conversation_members.join(per_conversation, sa.true()))
        .where(member.user_id == scope.user_id)
        .subquery()
    )
