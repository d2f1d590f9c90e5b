"""The pair states the insight follower stored itself, kept in memory while they are exact.

Only the follower's write units write pair states, and every unit that commits moves the
checkpoint forward (a later event, or a rebuild's next generation): positions never repeat.
So while the checkpoint a step reads is the position the follower's own last unit wrote, no
other unit committed since, and the states that unit stored are the states on disk. A step
then takes them from here instead of reading and copying the rows again (on a busy server,
the follower's largest cost: the same pairs are read back every half second). Whenever that
cannot be known the cache is emptied: another position read, a unit that stored nothing or
failed, a recount (it replaces whole sides), a rebuild. Bounded: the least recently stored
states go first.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from guanxi.insight.models import PairState, Position

Key = tuple[int, int]


class StoredPairs:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._at: Position | None = None
        self._states: dict[Key, PairState] = {}  # in the order stored: the oldest first

    def __len__(self) -> int:
        return len(self._states)

    def valid_at(self, checkpoint: Position) -> bool:
        """Whether the states held are the stored ones, the checkpoint being `checkpoint`;
        empties the cache when not."""
        if self._at == checkpoint:
            return True
        self.forget()
        return False

    def take(self, keys: Iterable[Key]) -> dict[Key, PairState]:
        """The states held of these keys, handed over: a caller that changes them and
        stores nothing must `forget`."""
        found = {}
        for key in keys:
            state = self._states.get(key)
            if state is not None:
                found[key] = state
        return found

    def stored(self, position: Position, states: Iterable[PairState]) -> None:
        """A unit wrote `states` and moved the checkpoint to `position`."""
        self._at = position
        for state in states:
            self._states.pop(state.key, None)
            self._states[state.key] = state
        excess = len(self._states) - self.capacity
        if excess > 0:
            for key in list(islice(self._states, excess)):
                del self._states[key]

    def forget(self) -> None:
        self._at = None
        self._states.clear()
