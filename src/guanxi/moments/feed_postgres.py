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
"""

from __future__ import annotations

TEMPLATE = """
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at
FROM jsonb_to_recordset(CAST(:scopes AS jsonb))
    AS a(author_id bigint, since bigint, before_at bigint, before_id bigint, own boolean,
        tags text[])
CROSS JOIN LATERAL (
    SELECT x.id, x.author_id, x.text, x.place, x.audience, x.created_at FROM moments AS x
    WHERE x.author_id = a.author_id
      AND x.created_at >= a.since
      AND (x.created_at, x.id) < (a.before_at, a.before_id)
      AND (
        a.own
        OR x.audience = 'all'
        OR (
          x.audience IN ('only', 'except')
          AND (x.audience = 'only') = (
            ARRAY(SELECT t.tag::text FROM moment_audience_tags AS t WHERE t.moment_id = x.id)
            && a.tags
          )
        )
      )
      {contains}
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT :take
) AS m
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""
