"""Rows of insight's tables become models here, and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from guanxi.conversations.models import DIRECT
from guanxi.conversations.rules import direct_peer
from guanxi.insight.models import MESSAGE, PAIR_COLUMNS, Fact, PairState, Position


def pair_from_row(row: Any) -> PairState:
    values = {name: getattr(row, name) for name in PAIR_COLUMNS}
    for name in ("kinds", "scores", "pending", "feedback", "response_me", "response_them"):
        values[name] = type(values[name])(values[name])  # a copy the follower may change
    return PairState(**values)


def position_from_row(row: Any) -> Position:
    return Position(event_id=row.event_id, generation=row.generation)


def message_facts(rows: Iterable[Any]) -> list[tuple[int, Fact]]:
    """(message id, fact) of each message addressed to someone: in a direct chat, the other
    side; in a group, the author of the message it replies to (if any)."""
    found = []
    for row in rows:
        quoted = row.quoted_sender
        if row.chat_kind == DIRECT and row.direct_key is not None:
            target = direct_peer(row.direct_key, row.sender_id)
        elif quoted is not None:
            target = quoted
        else:
            continue
        fact = Fact(
            kind=MESSAGE,
            actor=row.sender_id,
            target=target,
            at=row.created_at,
            message_kind=row.kind,
            reply=quoted is not None and quoted == target,
        )
        found.append((row.id, fact))
    return found
