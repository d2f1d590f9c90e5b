"""The declaration of an event type: its name, its payload's type, whom it addresses.

Each domain declares its event types once, in its `events.py`, and records through those
declarations; `guanxi.event_types` lists every one of them for the docs and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

NAME = re.compile(r"[a-z_]+\.[a-z_]+")  # noun.past_verb

P = TypeVar("P", bound=Mapping[str, Any])


@dataclass(frozen=True)
class EventType(Generic[P]):
    """One kind of event. `payload` is a TypedDict: build the payload with it
    (`MessageCreated(message=...)`) so that mypy checks it against the type recorded; at run
    time it is the plain dict that the frame carries (the wire format is its keys).

    `to` says in a sentence whom the event addresses. `logged` is False for a control event,
    which is published to the live feeds past the log: never stored, never replayed, never
    sent to a device as a frame (`session.ended`) unless `framed`: a framed control event
    reaches the live sockets of its recipients as a frame without a cursor (`typing.started`),
    and a device that was not connected never learns of it."""

    name: str
    payload: type[P]
    to: str
    logged: bool = True
    framed: bool = False

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"event types are named noun.past_verb, not {self.name!r}")
