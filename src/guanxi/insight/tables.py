"""Insight's own state: per ordered pair (owner, alter) statistics, the ISO weeks and months
with activity, and the follower's checkpoint.

Each pair is stored twice, once from each side (`user_id` is the owner, whose view it is):
the owner's page reads its own rows only, so nobody ever reads another person's view of them.
Nothing here holds content: counts, times, and small JSON maps of numbers.
"""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

USER = sa.BigInteger

insight_pairs = sa.Table(
    "insight_pairs",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("alter_id", USER, primary_key=True),
    sa.Column("sent", sa.Integer, nullable=False),  # messages owner -> alter
    sa.Column("received", sa.Integer, nullable=False),  # messages alter -> owner
    sa.Column("kinds", sa.JSON, nullable=False),  # {"text": n, "image": n, "like": n, ...}
    sa.Column("first_at", sa.BigInteger, nullable=False),  # first exchange of any kind
    sa.Column("last_at", sa.BigInteger, nullable=False),
    sa.Column("interactions", sa.Integer, nullable=False),
    sa.Column("first_interaction_at", sa.BigInteger, nullable=True),
    sa.Column("last_interaction_at", sa.BigInteger, nullable=True),
    sa.Column("distinct_weeks", sa.Integer, nullable=False),
    sa.Column("scores", sa.JSON, nullable=False),  # {"<half-life days>": score at score_at}
    sa.Column("score_at", sa.BigInteger, nullable=False),
    sa.Column("pending", sa.JSON, nullable=False),  # owner's messages awaiting feedback (ms)
    sa.Column("feedback", sa.JSON, nullable=False),  # {"sent": n, "1h": n, ..., "ever": n}
    sa.Column("starts_me", sa.Integer, nullable=False),
    sa.Column("starts_them", sa.Integer, nullable=False),
    sa.Column("last_message_at", sa.BigInteger, nullable=True),
    sa.Column("response_me", sa.JSON, nullable=False),  # delay histogram: bucket -> count
    sa.Column("response_them", sa.JSON, nullable=False),
    sa.Index("ix_insight_pairs_recent", "user_id", "last_at"),  # a page's bounded read
)

insight_weeks = sa.Table(
    "insight_weeks",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("week", sa.Integer, primary_key=True),  # ISO year * 100 + ISO week
    sa.Column("alter_id", USER, primary_key=True),
)

insight_months = sa.Table(
    "insight_months",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("alter_id", USER, primary_key=True),
    sa.Column("month", sa.Integer, primary_key=True),  # year * 100 + month
    sa.Column("sent", sa.Integer, nullable=False),
    sa.Column("received", sa.Integer, nullable=False),
)

insight_checkpoint = sa.Table(
    "insight_checkpoint",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1: one row
    sa.Column("event_id", sa.BigInteger, nullable=False),  # the last event applied
    sa.Column("generation", sa.Integer, nullable=False),  # +1 at every rebuild
)

# The pairs each counted reaction, like and comment concerns, by its object: a take-back (a
# recall, a deleted comment or moment) names the object only, and its rows are gone by then.
insight_marks = sa.Table(
    "insight_marks",
    metadata,
    sa.Column("parent", sa.String(8), primary_key=True),  # "message" or "moment"
    sa.Column("parent_id", sa.BigInteger, primary_key=True),
    sa.Column("item_id", sa.BigInteger, primary_key=True),  # a comment's id; 0 otherwise
    sa.Column("actor_id", USER, primary_key=True),
    sa.Column("target_id", USER, primary_key=True),
    sa.Index("ix_insight_marks_pair", "actor_id", "target_id"),
)

# A pair recounted from history read at event `event_id`: the follower skips that pair's facts
# of events up to there (already counted). Rows go once the checkpoint passes them.
insight_recounts = sa.Table(
    "insight_recounts",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("alter_id", USER, primary_key=True),
    sa.Column("event_id", sa.BigInteger, nullable=False),
)
