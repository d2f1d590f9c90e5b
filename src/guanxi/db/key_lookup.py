"""Rows found by many composite keys at once, through the index on SQLite too.

A row-value IN, `(a, b) IN ((1, 2), (3, 4))`, is answered through the index by PostgreSQL, but
SQLite (3.40) scans the whole table for it: a statement that should cost a few index searches
costs a pass over every row, and the tables it was used on (insight's pairs, months and marks,
reactions, likes) grow with the community's whole history. `keys_in` writes the same condition
grouped by all but the last column, `(a = 1 AND b IN (2, 5)) OR (a = 3 AND b IN (4))`, which
SQLite answers with one index search per group (MULTI-INDEX OR) and PostgreSQL as well.

SQLite refuses an expression tree deeper than 1,000 and reads a long OR as a chain, so a
statement holds at most `MAX_GROUPS` groups: `key_chunks` splits the keys into lists that
each fit, and a caller runs one statement per list (almost always one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

MAX_GROUPS = 400
Key = tuple[Any, ...]


def key_chunks(keys: Iterable[Key], max_groups: int = MAX_GROUPS) -> list[list[Key]]:
    """The distinct keys in lists whose `keys_in` has at most `max_groups` groups (keys that
    share all but their last value are one group); an empty list for no keys."""
    by_prefix: dict[Key, list[Key]] = defaultdict(list)
    for key in dict.fromkeys(keys):
        by_prefix[key[:-1]].append(key)
    prefixes = list(by_prefix)
    return [
        [key for prefix in prefixes[i : i + max_groups] for key in by_prefix[prefix]]
        for i in range(0, len(prefixes), max_groups)
    ]


def keys_in(columns: Sequence[Any], keys: Iterable[Key]) -> sa.ColumnElement[bool]:
    """SQL: the row's `columns` are one of `keys` (each a tuple of as many values), grouped by
    all but the last column so that every group is an index search. False for no keys."""
    *head, last = columns
    by_prefix: dict[Key, set[Any]] = defaultdict(set)
    for key in keys:
        by_prefix[key[:-1]].add(key[-1])
    if not by_prefix:
        return sa.false()
    return sa.or_(
        *(
            sa.and_(
                *(column == value for column, value in zip(head, prefix, strict=True)),
                last.in_(sorted(values)),
            )
            for prefix, values in by_prefix.items()
        )
    )
