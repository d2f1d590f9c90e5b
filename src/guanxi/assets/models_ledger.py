"""The ledger's values: what a user holds, in total and per person (with its asset value),
with their wire form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from guanxi.assets.models import Placeholder
from guanxi.clock import iso

SENT, RECEIVED = "sent", "received"
GIVEN = "given"
DIRECTIONS = (SENT, RECEIVED)


def day(ms: int | None) -> str | None:
    """A time as its UTC day, `2026-12-06`."""
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


@dataclass(frozen=True, kw_only=True)
class MediaCount:
    items: int = 0
    bytes: int = 0

    def plus(self, items: int, size: int) -> MediaCount:
        return MediaCount(items=self.items + items, bytes=self.bytes + size)

    def to_wire(self) -> dict[str, int]:
        return {"items": self.items, "bytes": self.bytes}


@dataclass(frozen=True, kw_only=True)
class History:
    """Messages, their media, likes and comments of one scope: all the user holds, or what
    they share with one friend."""

    messages: Mapping[str, Mapping[str, int]]  # sent | received → message kind → count
    media: Mapping[str, Mapping[str, MediaCount]]  # sent | received → media kind → count
    likes: Mapping[str, int]  # given | received → count
    comments: Mapping[str, int]
    first_at: int | None
    last_at: int | None

    @property
    def message_total(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.messages.values())

    def to_wire(self) -> dict[str, Any]:
        return {
            "messages": {d: _messages_wire(self.messages[d]) for d in DIRECTIONS},
            "media": {d: _media_wire(self.media[d]) for d in DIRECTIONS},
            "likes": dict(self.likes),
            "comments": dict(self.comments),
            "first_day": day(self.first_at),
            "last_day": day(self.last_at),
        }


def _messages_wire(kinds: Mapping[str, int]) -> dict[str, Any]:
    return {"total": sum(kinds.values()), "by_kind": dict(kinds)}


def _media_wire(kinds: Mapping[str, MediaCount]) -> dict[str, Any]:
    return {
        "items": sum(c.items for c in kinds.values()),
        "bytes": sum(c.bytes for c in kinds.values()),
        "by_kind": {kind: c.to_wire() for kind, c in kinds.items()},
    }


@dataclass(frozen=True, kw_only=True)
class Tie:
    """The user's own insight of one pair: never the other person's view of them."""

    strength: float
    stage: str
    circle: str | None
    fading: bool

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, kw_only=True)
class Valued:
    """One person the user shares history with (or is friends with), and its asset value."""

    user_id: int
    history: History
    units: float
    weight: float
    value: float  # units × weight, rounded to hundredths

    @property
    def key(self) -> tuple[int, int]:
        """The list's order and keyset: the highest value first, then by id."""
        return (-round(self.value * 100), self.user_id)


@dataclass(frozen=True, kw_only=True)
class FriendShare:
    """One person and the history the user shares with them (their linked placeholders'
    imported history included), its value, and the user's own insight of the tie."""

    handle: str
    display_name: str
    remark: str
    role: str | None  # None: not a friend
    placeholder_id: int | None  # an imported contact not linked to anyone
    linked_placeholders: int
    valued: Valued
    tie: Tie | None  # None: the user holds no insight for this pair

    def to_wire(self) -> dict[str, Any]:
        v = self.valued
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "remark": self.remark,
            "role": self.role,
            "friend": self.role is not None,
            "placeholder_id": self.placeholder_id,
            "linked_placeholders": self.linked_placeholders,
            **v.history.to_wire(),
            "units": round(v.units, 2),
            "weight": round(v.weight, 6),
            "value": v.value,
            "insight": None if self.tie is None else self.tie.to_wire(),
        }


@dataclass(frozen=True, kw_only=True)
class Ledger:
    """Everything a user holds now: totals, and a page of the people they share it with, the
    highest asset value first."""

    history: History
    moments: int
    moment_media: MediaCount
    conversations: Mapping[str, int]  # direct | group → count
    friends_by_role: Mapping[str, int]
    value: float  # every person's value added up
    units: float
    people: int  # how many people the whole list holds
    by_friend: list[FriendShare]
    next_cursor: str | None

    def to_wire(self) -> dict[str, Any]:
        totals = self.history.to_wire()
        totals["moments"] = {"count": self.moments, **self.moment_media.to_wire()}
        totals["conversations"] = dict(self.conversations)
        totals["friends"] = {
            "total": sum(self.friends_by_role.values()),
            "by_role": dict(self.friends_by_role),
        }
        totals["value"] = {"value": self.value, "units": self.units, "people": self.people}
        return {
            "totals": totals,
            "by_friend": [f.to_wire() for f in self.by_friend],
            "next_cursor": self.next_cursor,
        }


@dataclass(frozen=True, kw_only=True)
class Carried:
    """How much of the owner's history a placeholder carries."""

    conversations: int = 0
    messages: int = 0  # the ones it sent that the owner holds
    first_at: int | None = None
    last_at: int | None = None


@dataclass(frozen=True, kw_only=True)
class PlaceholderContact:
    """A placeholder as its owner sees it: who the source knew, whom it is linked to."""

    placeholder: Placeholder
    linked_to: str | None  # the linked account's handle
    carried: Carried

    def to_wire(self) -> dict[str, Any]:
        p, c = self.placeholder, self.carried
        return {
            "id": p.user_id,
            "display_name": p.display_name,
            "handle": p.handle,
            "source": p.source,
            "linked_to": self.linked_to,
            "created_at": iso(p.created_at),
            "conversations": c.conversations,
            "messages": c.messages,
            "first_day": day(c.first_at),
            "last_day": day(c.last_at),
        }
