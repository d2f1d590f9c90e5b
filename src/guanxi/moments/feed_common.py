"""What the feed's statements for SQLite (feed_sqlite.py) and PostgreSQL (feed_postgres.py) say
alike: which friends' moments may reach a viewer, and the newest-first way's statement. Each
dialect fills in its own spelling of `:for_feed` and of the audience condition."""

from __future__ import annotations


def ties(for_feed: str) -> str:
    """`FROM …` the viewer's friends whose moments may reach them: `f` the viewer's row, `g` the
    friend's row about the viewer, `u` the friend, each by primary key; no block either way,
    not hidden by the friend, nor (`for_feed`) by the viewer."""
    return f"""friendships AS f
    JOIN friendships AS g ON g.user_id = f.friend_id AND g.friend_id = f.user_id
    JOIN users AS u ON u.id = f.friend_id
    WHERE f.user_id = :viewer
      AND NOT g.hide_my_moments
      AND NOT ({for_feed} AND f.hide_their_moments)
      AND NOT EXISTS (
        SELECT 1 FROM blocks AS b WHERE b.user_id = f.user_id AND b.blocked_id = f.friend_id
      )
      AND NOT EXISTS (
        SELECT 1 FROM blocks AS b WHERE b.user_id = f.friend_id AND b.blocked_id = f.user_id
      )"""


def newest(for_feed: str, audience: str) -> str:
    """The newest `:scan` moments of the server below the cursor, the newest `:limit` of those
    the viewer may see; `audience` is the dialect's condition on `m` for the tags `g.tags`.
    `{{since}}` is left for store_feed.py."""
    return f"""
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at
FROM (
    SELECT x.id, x.author_id, x.text, x.place, x.audience, x.created_at FROM moments AS x
    WHERE (x.created_at, x.id) < (:before_at, :before_id)
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT :scan
) AS m
WHERE m.author_id = :viewer OR EXISTS (
    SELECT 1 FROM {ties(for_feed)}
      AND f.friend_id = m.author_id
      AND m.created_at >= {{since}}
      AND {audience}
)
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""
