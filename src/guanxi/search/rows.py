"""Search rows made into search values: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

from guanxi.search import rules
from guanxi.search.models import MessageHit


def message_hit_from_row(row: Any, q: str) -> MessageHit:
    """A matching message row, its text cut to the snippet around the first match of `q`."""
    return MessageHit(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        sender=row.sender,
        kind=row.kind,
        snippet=rules.snippet(row.text, q),
        created_at=row.created_at,
    )
