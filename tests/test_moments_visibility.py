"""The pure rules of who sees a moment, and whose likes and comments a viewer sees."""

from __future__ import annotations

import pytest

from guanxi.moments.visibility import (
    DAY_MS,
    Post,
    Tie,
    admits_viewer,
    audience_admits,
    may_see,
    sees_actor,
    sees_comment,
    window_start,
)

NOW = 1_800_000_000_000
AUTHOR, VIEWER = 1, 2
FRIEND = Tie(frozenset({"family"}), hidden_by_author=False, hidden_by_viewer=False)


def post(audience: str = "all", tags: tuple[str, ...] = (), age_days: float = 0) -> Post:
    return Post(AUTHOR, audience, frozenset(tags), NOW - int(age_days * DAY_MS))


@pytest.mark.parametrize(
    ("audience", "tags", "viewer_tags", "admitted"),
    [
        ("all", (), (), True),
        ("all", (), ("family",), True),
        ("only", ("family",), ("family", "school"), True),
        ("only", ("family",), ("school",), False),
        ("only", ("family",), (), False),
        ("only", ("family", "work"), ("work",), True),
        ("except", ("family",), ("family",), False),
        ("except", ("family",), ("school",), True),
        ("except", ("family",), (), True),
        ("private", (), ("family",), False),
        ("private", (), (), False),
    ],
)
def test_audience(
    audience: str, tags: tuple[str, ...], viewer_tags: tuple[str, ...], admitted: bool
) -> None:
    assert audience_admits(audience, tags, viewer_tags) is admitted


def test_window_start() -> None:
    assert window_start("all", NOW) is None
    assert window_start("3d", NOW) == NOW - 3 * DAY_MS
    assert window_start("6m", NOW) == NOW - 183 * DAY_MS


@pytest.mark.parametrize(
    ("setting", "age_days", "visible"),
    [
        ("all", 3000, True),
        ("3d", 2.9, True),
        ("3d", 3.1, False),
        ("6m", 180, True),
        ("6m", 184, False),
    ],
)
def test_the_authors_setting_bounds_what_friends_see(
    setting: str, age_days: float, visible: bool
) -> None:
    moment = post(age_days=age_days)
    assert may_see(VIEWER, moment, FRIEND, setting=setting, now_ms=NOW) is visible
    assert may_see(AUTHOR, moment, None, setting=setting, now_ms=NOW)  # never the author


def test_strangers_and_blocked_friends_see_nothing() -> None:
    assert not may_see(VIEWER, post(), None, setting="all", now_ms=NOW)
    assert not may_see(VIEWER, post(), FRIEND, setting="all", now_ms=NOW, blocked=True)


def test_the_author_sees_their_private_moments() -> None:
    assert may_see(AUTHOR, post("private"), None, setting="3d", now_ms=NOW)
    assert not may_see(VIEWER, post("private"), FRIEND, setting="all", now_ms=NOW)


def test_hide_switches() -> None:
    hidden_by_author = Tie(frozenset(), hidden_by_author=True, hidden_by_viewer=False)
    hidden_by_viewer = Tie(frozenset(), hidden_by_author=False, hidden_by_viewer=True)
    for for_feed in (False, True):
        assert not admits_viewer(hidden_by_author, blocked=False, for_feed=for_feed)
    assert admits_viewer(hidden_by_viewer, blocked=False, for_feed=False)  # their page
    assert not admits_viewer(hidden_by_viewer, blocked=False, for_feed=True)  # my feed
    assert may_see(VIEWER, post(), hidden_by_viewer, setting="all", now_ms=NOW)
    assert not may_see(VIEWER, post(), hidden_by_viewer, setting="all", now_ms=NOW, for_feed=True)


def test_likes_and_comments_follow_wechats_rule() -> None:
    author, b, c = 1, 2, 3  # b and c are friends of the author, not of each other
    assert sees_actor(author, author, b, set())  # the author sees everyone's
    assert sees_actor(b, author, b, set())  # one's own
    assert not sees_actor(b, author, c, {author})  # not a stranger's
    assert sees_actor(b, author, c, {author, c})  # a friend's
    assert sees_actor(b, author, author, {author})  # the author's own reply


def test_a_reply_needs_both_people_visible() -> None:
    author, b, c, d = 1, 2, 3, 4
    assert sees_comment(d, author, b, None, {b})
    assert sees_comment(d, author, b, author, {b})  # b answers the author
    assert not sees_comment(d, author, b, c, {b})  # b answers c, whom d does not know
    assert sees_comment(d, author, b, c, {b, c})
    assert sees_comment(author, author, b, c, set())
