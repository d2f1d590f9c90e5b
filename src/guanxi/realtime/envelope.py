"""One committed event on its way to the devices of its recipients."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(frozen=True)
class Envelope:
    cursor: int
    type: str
    payload: dict[str, Any]
    recipients: tuple[int, ...]
    frame: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A control envelope (cursor 0) carries no cursor: a device must not resume from it.
        at = {"cursor": self.cursor} if self.cursor else {}
        body = {"type": self.type, **at, **self.payload}
        object.__setattr__(self, "frame", orjson.dumps(body).decode())

    def to_wire(self) -> bytes:
        return orjson.dumps(
            {"c": self.cursor, "t": self.type, "p": self.payload, "r": self.recipients}
        )

    @classmethod
    def from_wire(cls, data: bytes) -> Envelope:
        raw = orjson.loads(data)
        return cls(raw["c"], raw["t"], raw["p"], tuple(raw["r"]))
