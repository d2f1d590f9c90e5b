"""SQLite's feed statement: the authors come in as one JSON array, walked by `json_each`.

For each author (`a.value`: author_id, since, own, tags), a correlated `IN` sub-select takes the
ids of that author's newest visible moments, an index range scan on ix_moments_author_time
(author_id = ?, created_at between since and the cursor) limited to the page size; the outer
query looks those moments up by primary key and keeps the newest of all. SQLite runs the
sub-select once per author (EXPLAIN QUERY PLAN: "CORRELATED LIST SUBQUERY"). The text is the
same for every viewer, so SQLite prepares it once per connection (sqlite3's statement cache).

`{contains}` is filled by store_feed.py with the optional text condition on `x`; each
author's span carries its own bounds (`since`, and `before_at`/`before_id` for the cursor).
"""

from __future__ import annotations

TEMPLATE = """
SELECT m.id, m.author_id, m.text, m.place, m.audience, m.created_at
FROM json_each(:scopes) AS a
JOIN moments AS m ON m.id IN (
    SELECT x.id FROM moments AS x
    WHERE x.author_id = json_extract(a.value, '$.author_id')
      AND x.created_at >= json_extract(a.value, '$.since')
      AND (x.created_at, x.id)
        < (json_extract(a.value, '$.before_at'), json_extract(a.value, '$.before_id'))
      AND (
        json_extract(a.value, '$.own')
        OR x.audience = 'all'
        OR (
          x.audience IN ('only', 'except')
          AND (x.audience = 'only') = EXISTS (
            SELECT 1 FROM moment_audience_tags AS t
            WHERE t.moment_id = x.id
              AND t.tag IN (SELECT value FROM json_each(a.value, '$.tags'))
          )
        )
      )
      {contains}
    ORDER BY x.created_at DESC, x.id DESC
    LIMIT :take
)
ORDER BY m.created_at DESC, m.id DESC
LIMIT :limit
"""
