"""The one answer to each access question, as pure rules: "may this viewer see this user?"
(relationships/access.py) and "is this seq in this member's window?" (conversations/window.py,
in Python and in SQL)."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from guanxi.accounts.models import User
from guanxi.conversations.window import MembershipWindow, window_clause
from guanxi.relationships.access import Purpose, admits


def user(*, placeholder: bool = False, deleted: bool = False, owner: int | None = None) -> User:
    return User(
        id=7,
        handle="mei",
        display_name="Mei",
        bio="",
        is_placeholder=placeholder,
        created_at=0,
        is_deleted=deleted,
        placeholder_owner=owner,
    )


@pytest.mark.parametrize("purpose", list(Purpose))
def test_someone_who_blocked_the_viewer_is_not_there_for_any_purpose(purpose: Purpose) -> None:
    assert admits(user(), viewer_id=1, blocks_viewer=True, purpose=purpose) is False
    assert admits(user(), viewer_id=1, blocks_viewer=False, purpose=purpose) is True


def test_a_placeholder_can_be_seen_by_its_importer_alone_and_reached_by_no_one() -> None:
    placeholder = user(placeholder=True, owner=1)
    assert admits(placeholder, viewer_id=1, blocks_viewer=False, purpose=Purpose.SEE) is True
    assert admits(placeholder, viewer_id=1, blocks_viewer=False, purpose=Purpose.REACH) is False
    for purpose in Purpose:
        assert admits(placeholder, viewer_id=2, blocks_viewer=False, purpose=purpose) is False


def test_a_deleted_account_keeps_a_profile() -> None:
    assert admits(user(deleted=True), viewer_id=1, blocks_viewer=False, purpose=Purpose.SEE) is True


def test_a_window_is_joined_exclusive_to_left_inclusive() -> None:
    assert [s for s in range(8) if MembershipWindow(2, 5).covers(s)] == [3, 4, 5]
    assert [s for s in range(5) if MembershipWindow(2).covers(s)] == [3, 4]
    assert MembershipWindow(2, 5).last(9) == 5 and MembershipWindow(2).last(9) == 9
    assert MembershipWindow(2, 5).bounds(None, None) == (2, 6)
    assert MembershipWindow(2, 5).bounds(3, 5) == (3, 5)
    assert MembershipWindow(2).bounds(0, 4) == (2, 4)


def test_the_sql_twin_agrees_with_the_window() -> None:
    engine = sa.create_engine("sqlite://")
    cases = list(itertools.product(range(4), [None, *range(5)], range(6)))
    with engine.connect() as conn:
        for joined, left, seq in cases:
            expected = MembershipWindow(joined, left).covers(seq)
            column = sa.literal(left, sa.Integer)  # as a column: NULL is "still a member"
            for upper in (column, left):
                clause = window_clause(sa.literal(seq), joined, upper)
                found = conn.execute(sa.select(sa.case((clause, True), else_=False))).scalar()
                assert bool(found) is expected, (joined, left, seq, upper)
