"""The one answer to "may this viewer see this user?" (relationships/access.py), as a pure rule."""

from __future__ import annotations

import pytest

from guanxi.accounts.models import User
from guanxi.relationships.access import Purpose, admits


def user(*, placeholder: bool = False, deleted: bool = False) -> User:
    return User(
        id=7,
        handle="mei",
        display_name="Mei",
        bio="",
        is_placeholder=placeholder,
        created_at=0,
        is_deleted=deleted,
    )


@pytest.mark.parametrize("purpose", list(Purpose))
def test_someone_who_blocked_the_viewer_is_not_there_for_any_purpose(purpose: Purpose) -> None:
    assert admits(user(), blocks_viewer=True, purpose=purpose) is False
    assert admits(user(), blocks_viewer=False, purpose=purpose) is True


def test_a_placeholder_can_be_seen_but_not_reached() -> None:
    placeholder = user(placeholder=True)
    assert admits(placeholder, blocks_viewer=False, purpose=Purpose.SEE) is True
    assert admits(placeholder, blocks_viewer=False, purpose=Purpose.REACH) is False


def test_a_deleted_account_keeps_a_profile() -> None:
    assert admits(user(deleted=True), blocks_viewer=False, purpose=Purpose.SEE) is True
