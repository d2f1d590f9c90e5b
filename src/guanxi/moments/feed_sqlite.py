"""SQLite's feed statement: the authors come in as one JSON array, walked by `json_each`.

For each author (`a.value`: author_id, since, own, tags), a correlated `IN` sub-select takes the
ids of that author's newest visible moments, an index range scan on ix_moments_author_time
(author_id = ?, created_at between since and the cursor) limited to the page size; the outer
query looks those moments up by primary key and keeps the newest of all. SQLite runs the
sub-select once per author (EXPLAIN QUERY PLAN: "CORRELATED LIST SUBQUERY"). The text is the
same for every viewer, so SQLite prepares it once per connection (sqlite3's statement cache).

`{contains}` is filled by store_feed.py with the optional text condition on `x`; each
author's span carries its own bounds (`since`, and `before_at`/`before_id` for the cursor).

FRIENDS_TEMPLATE is the first pass of a viewer's feed (or search) without the scopes as a
parameter: the `authors` CTE finds them itself — the viewer, and each friend by the primary key
`(user_id, friend_id)` both ways, with no block either way, not hidden by the author (nor, for
the feed, by the viewer), the friend's `moments_visible` turned into a time bound by `{since}`
(a CASE filled by store_feed.py) — and hands each row its scope (`own`, `tags`, `since`) so
the second pass can go on for the few authors that need it. No per-friend work in Python.

NEWEST_TEMPLATE is the other way to a page, for a viewer with many friends: the newest
`:scan` moments of the whole server below the cursor (ix_moments_time, newest first), each
checked for the viewer by primary keys (the friendships both ways, the author's user row, blocks
either way, its audience tags), the newest `:limit` of those that pass. Whether that makes a
whole page is store_feed.py's question.
"""

from __future__ import annotations

from guanxi.moments.feed_common import newest, ties

FOR_FEED = ":for_feed"


def audience(moment: str, tags: str) -> str:
    """`moment`'s audience admits a friend the author tagged with the JSON array `tags`."""
    return f"""(
        {moment}.audience = 'all'
        OR (
          {moment}.audience IN ('only', 'except')
          AND ({moment}.audience = 'only') = EXISTS (
            SELECT 1 FROM moment_audience_tags AS t
            WHERE t.moment_id = {moment}.id AND t.tag IN (SELECT value FROM json_each({tags}))
          )
        )
      )"""


def newest_of_author(author: str, since: str, before: str, own: str, tags: str) -> str:
    """The ids of one author's newest `:take` moments a viewer may see, below `before`."""
    return f"""SELECT x.id FROM moments AS x
    WHERE x.author_id = {author}
      AND x.created_at >= {since}
      AND (x.created_at, x.id) < {before}
      AND ({own} OR {audience("x", tags)})
      {{contains}}
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT :take"""


def _span(field: str) -> str:
    return f"json_extract(a.value, '$.{field}')"


TEMPLATE = f"""
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at
FROM json_each(:scopes) AS a
JOIN moments AS m ON m.id IN (
    {
    newest_of_author(
        _span("author_id"),
        _span("since"),
        f"({_span('before_at')}, {_span('before_id')})",
        _span("own"),
        _span("tags"),
    )
}
)
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""

FRIENDS_TEMPLATE = f"""
WITH authors(author_id, own, tags, since) AS (
    SELECT :viewer, 1, '[]', :earliest
    UNION ALL
    SELECT f.friend_id, 0, g.tags, {{since}}
    FROM {ties(FOR_FEED)}
)
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at,
    a.own AS scope_own, a.tags AS scope_tags, a.since AS scope_since
FROM authors AS a
JOIN moments AS m ON m.id IN (
    {newest_of_author("a.author_id", "a.since", "(:before_at, :before_id)", "a.own", "a.tags")}
)
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""

NEWEST_TEMPLATE = newest(FOR_FEED, audience("m", "g.tags"))
