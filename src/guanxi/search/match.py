"""What a per-database matcher answers: a condition on `messages`, and whether an index finds
the matches cheaply (then a query starts from them) or not (then it starts from the user's
conversations and scans their messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class Match:
    condition: sa.ColumnElement[Any]
    start_from_matches: bool
