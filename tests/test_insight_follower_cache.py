"""The insight follower's memory of the states it stored: exact only at the position its own
last write left the checkpoint, and bounded."""

from __future__ import annotations

from guanxi.insight.follower_cache import StoredPairs
from guanxi.insight.models import PairState, Position


def states(*keys: tuple[int, int]) -> list[PairState]:
    return [PairState(user_id=u, alter_id=a) for u, a in keys]


def test_the_states_are_handed_out_only_at_the_position_they_were_stored_at() -> None:
    stored = StoredPairs(10)
    at = Position(event_id=7, generation=1)
    assert not stored.valid_at(at)  # nothing stored yet
    stored.stored(at, states((1, 2), (2, 1)))
    assert stored.valid_at(at)
    assert set(stored.take([(1, 2), (3, 4)])) == {(1, 2)}
    assert not stored.valid_at(Position(event_id=7, generation=2))  # a rebuild: forgotten
    assert len(stored) == 0
    assert not stored.valid_at(at)  # and it stays forgotten


def test_the_least_recently_stored_states_go_first() -> None:
    stored = StoredPairs(3)
    first, second = Position(event_id=1, generation=1), Position(event_id=2, generation=1)
    stored.stored(first, states((1, 2), (2, 1), (1, 3)))
    stored.stored(second, states((1, 2), (3, 1)))  # (1, 2) stored again: now the newest
    assert stored.valid_at(second)
    assert set(stored.take([(1, 2), (2, 1), (1, 3), (3, 1)])) == {(1, 2), (1, 3), (3, 1)}
    assert len(stored) == 3


def test_a_capacity_of_nothing_holds_nothing() -> None:
    stored = StoredPairs(0)
    at = Position(event_id=1, generation=1)
    stored.stored(at, states((1, 2)))
    assert stored.valid_at(at) and stored.take([(1, 2)]) == {}
