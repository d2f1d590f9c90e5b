"""The kinds of rate-limited action, and a rate as an administrator writes it (`30,10/s`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"\s*(\d+)\s*,\s*(\d+(?:\.\d+)?)\s*/\s*(s|min|h|d)\s*")


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: `burst` actions at once, refilled at `per_second` actions a second."""

    burst: int
    per_second: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """`"30,10/s"` → 30 at once, then 10 a second; `"off"` → None (no limit)."""
        if text.strip().lower() == "off":
            return None
        match = RATE.fullmatch(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a rate: write BURST,COUNT/UNIT (UNIT s, min, h or d),"
                " e.g. 30,10/s, or off"
            )
        burst, count, unit = int(match[1]), float(match[2]), match[3]
        if burst < 1 or count <= 0:
            raise ValueError(f"{text!r}: burst and count must be positive (or write off)")
        return cls(burst, count / UNIT_SECONDS[unit])


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of action with a bucket of its own per key; `by` says what the key is."""

    name: str
    by: Literal["user", "address"]
    noun: str  # for "Too many <noun>"


KINDS = (
    Kind("registrations", "address", "registrations from this address"),
    Kind("logins", "address", "logins from this address"),
    Kind("messages", "user", "messages"),
    Kind("edits", "user", "message edits"),
    Kind("recalls", "user", "recalls"),
    Kind("reactions", "user", "reactions"),
    Kind("read_markers", "user", "read markers"),
    Kind("typing", "user", "typing signals"),
    Kind("conversations", "user", "new chats and groups"),
    Kind("members", "user", "member changes"),
    Kind("friend_requests", "user", "friend requests"),
    Kind("uploads", "user", "uploads"),
    Kind("moments", "user", "moments"),
    Kind("comments", "user", "comments"),
    Kind("likes", "user", "likes"),
    Kind("other_writes", "user", "changes"),
    Kind("ledger", "user", "ledger reads"),
    Kind("insight_reports", "user", "insight reports"),
)
KIND = {kind.name: kind for kind in KINDS}


def setting_name(kind: str) -> str:
    """The settings field holding a kind's rate (`rate_limit_messages`)."""
    return f"rate_limit_{kind}"
