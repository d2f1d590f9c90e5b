"""PostgreSQL's feed statement: the authors come in as one JSON array of records, and a
`CROSS JOIN LATERAL` runs one limited index scan per author.

For each author (`a`: author_id, since, own, tags), the lateral sub-select is a backward scan
of ix_moments_author_time (author_id = a.author_id, created_at between since and the cursor)
limited to the page size; the outer query keeps the newest of all. The text is the same for
every viewer, so asyncpg prepares it once per connection.

The "only"/"except" test compares the moment's audience tags, gathered with an `ARRAY(...)`
sub-select by primary key, with the viewer's tags (`&&`, overlap). An `EXISTS` here would let
the planner turn it into a hashed sub-plan that reads every audience tag row carrying the
viewer's tags (on the whole server) once per author; the `ARRAY` sub-select cannot be hashed.

`{contains}` is filled by store_feed.py with the optional text condition on `x`; each
author's span carries its own bounds (`since`, and `before_at`/`before_id` for the cursor).

FRIENDS_TEMPLATE is the first pass of a viewer's feed (or search) that finds the authors
itself, as feed_sqlite.FRIENDS_TEMPLATE does (`friendships.tags` is `json`: its elements become
the `text[]` the overlap test wants).

NEWEST_TEMPLATE is feed_sqlite.NEWEST_TEMPLATE: the newest `:scan` moments of the server, each
checked for the viewer by primary keys.
"""

from __future__ import annotations

from guanxi.moments.feed_common import newest, ties

FOR_FEED = "CAST(:for_feed AS boolean)"


def audience(moment: str, tags: str) -> str:
    """`moment`'s audience admits a friend the author tagged with `tags` (a `text[]`)."""
    return f"""(
        {moment}.audience = 'all'
        OR (
          {moment}.audience IN ('only', 'except')
          AND ({moment}.audience = 'only') = (
            ARRAY(SELECT t.tag::text FROM moment_audience_tags AS t WHERE t.moment_id = {moment}.id)
            && {tags}
          )
        )
      )"""


def newest_of_author(before: str) -> str:
    """The lateral sub-select: author `a`'s newest `:take` moments a viewer may see."""
    return f"""SELECT x.id, x.author_id, x.text, x.place, x.audience, x.created_at FROM moments AS x
    WHERE x.author_id = a.author_id
      AND x.created_at >= a.since
      AND (x.created_at, x.id) < {before}
      AND (a.own OR {audience("x", "a.tags")})
      {{contains}}
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT :take"""


TEMPLATE = f"""
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at
FROM jsonb_to_recordset(CAST(:scopes AS jsonb))
    AS a(author_id bigint, since bigint, before_at bigint, before_id bigint, own boolean,
        tags text[])
CROSS JOIN LATERAL (
    {newest_of_author("(a.before_at, a.before_id)")}
) AS m
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""

FRIENDS_TEMPLATE = f"""
WITH authors AS (
    SELECT CAST(:viewer AS bigint) AS author_id, true AS own, CAST(ARRAY[] AS text[]) AS tags,
        CAST(:earliest AS bigint) AS since
    UNION ALL
    SELECT f.friend_id, false, ARRAY(SELECT json_array_elements_text(g.tags)), {{since}}
    FROM {ties(FOR_FEED)}
)
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at,
    a.own AS scope_own, a.tags AS scope_tags, a.since AS scope_since
FROM authors AS a
CROSS JOIN LATERAL (
    {newest_of_author("(:before_at, :before_id)")}
) AS m
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""

NEWEST_TEMPLATE = newest(FOR_FEED, audience("m", "ARRAY(SELECT json_array_elements_text(g.tags))"))
