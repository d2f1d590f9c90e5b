"""A bound on how many boxes, elements or chunks one upload's walk may visit.

Real recordings have a few hundred thousand at most (a block per 20 ms of sound, a few per
video frame); a crafted file of millions of empty ones would keep a worker thread (and the
interpreter's lock) busy for minutes, so it is refused instead.
"""

from __future__ import annotations

WALK_MAX = 2_000_000


class TooComplex(ValueError):
    """The file holds more container elements than a walk may visit."""


class Budget:
    def __init__(self, count: int = WALK_MAX) -> None:
        self.left = count

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooComplex("The file has too many container elements to check.")
