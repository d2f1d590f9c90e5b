"""A member's window of a conversation's history: the messages with joined < seq <= left.

`left` is None while they are a member (no upper end). The window is the one rule for which
messages a member — present or past — may read, find, download or count (and, over event
ids, which conversation events replay sends them); `MembershipWindow` answers it in Python
and `window_clause` is its SQL twin, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement


@dataclass(frozen=True)
class MembershipWindow:
    joined: int  # the last seq before joining: not in the window
    left: int | None = None  # the last seq before leaving: in the window; None: still a member

    def covers(self, seq: int) -> bool:
        """Whether the message with this seq lies in the window."""
        return seq > self.joined and (self.left is None or seq <= self.left)

    def last(self, last_seq: int) -> int:
        """The conversation's last seq as the member may know it (a past member: up to leaving)."""
        return last_seq if self.left is None else min(last_seq, self.left)

    def bounds(self, after: int | None, before: int | None) -> tuple[int, int | None]:
        """(low, high) for a history page asked `after` and `before` a seq, narrowed to the
        window: the page holds low < seq < high (high None: no upper end)."""
        low = max(self.joined, after or 0)
        if self.left is None:
            return low, before
        return low, self.left + 1 if before is None else min(before, self.left + 1)


def window_clause(
    seq: ColumnElement[Any],
    joined: ColumnElement[Any] | int,
    left: ColumnElement[Any] | int | None,
) -> ColumnElement[bool]:
    """SQL: `seq` lies in the window (joined, left] — `MembershipWindow.covers` as a condition.

    `joined` is the lower end: a membership's `joined_seq`, or a later seq (the read marker,
    when counting what is unread). `left` is a column (NULL: still a member) or a value known
    already (None: no upper end, and no condition for it)."""
    if left is None:
        return seq > joined
    if isinstance(left, int):
        return sa.and_(seq > joined, seq <= left)
    return sa.and_(seq > joined, sa.or_(left.is_(None), seq <= left))


def held_start(
    joined_seq: ColumnElement[Any], cleared_seq: ColumnElement[Any]
) -> ColumnElement[Any]:
    """SQL: where the history a member holds starts — their `joined_seq`, or later, where they
    deleted the whole chat for themselves (`cleared_seq`)."""
    return sa.case((cleared_seq > joined_seq, cleared_seq), else_=joined_seq)
