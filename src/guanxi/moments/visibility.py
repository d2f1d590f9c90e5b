"""Who may see a moment, and whose likes and comments a viewer sees: pure rules.

The feed query (`store_feed.py`) applies the same rules in SQL: the author-level parts
(`admits_viewer`, `window_start`) choose the authors and their time bound (in SQL, from the
bounds of `window_starts`), and `audience_admits` becomes the per-moment condition.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

DAY_MS = 86_400_000
WINDOWS_MS = {"3d": 3 * DAY_MS, "6m": 183 * DAY_MS}  # "all": no bound
AUDIENCES = ("all", "only", "except", "private")


@dataclass(frozen=True)
class Tie:
    """What the two friendship rows between a moment's author and one viewer say."""

    tags: frozenset[str]  # the author's private tags on the viewer
    hidden_by_author: bool  # the author's "hide my moments from X"
    hidden_by_viewer: bool  # the viewer's "don't show me X's moments"


@dataclass(frozen=True)
class Post:
    author_id: int
    audience: str
    tags: frozenset[str]  # the audience's tags, for "only" and "except"
    created_at: int


def audience_admits(
    audience: str, audience_tags: Collection[str], viewer_tags: Collection[str]
) -> bool:
    """Whether a friend the author tagged with `viewer_tags` is in the moment's audience."""
    if audience == "all":
        return True
    shared = not set(audience_tags).isdisjoint(viewer_tags)
    if audience == "only":
        return shared
    if audience == "except":
        return not shared
    return False  # private: the author alone


def window_start(setting: str, now_ms: int) -> int | None:
    """The oldest moment time friends may see under the author's setting; None: no bound."""
    span = WINDOWS_MS.get(setting)
    return None if span is None else now_ms - span


def window_starts(now_ms: int) -> dict[str, int]:
    """Each bounded setting's `window_start` now (the feed query's CASE over the settings)."""
    return {setting: now_ms - span for setting, span in WINDOWS_MS.items()}


def admits_viewer(tie: Tie | None, *, blocked: bool, for_feed: bool) -> bool:
    """Whether any of the author's moments may reach this viewer (who is not the author).

    Friends only, no block either way, not hidden by the author; "don't show me X's moments"
    only keeps X out of the viewer's feed (they can still open X's page)."""
    if tie is None or blocked or tie.hidden_by_author:
        return False
    return not (for_feed and tie.hidden_by_viewer)


def may_see(
    viewer_id: int,
    post: Post,
    tie: Tie | None,
    *,
    setting: str,
    now_ms: int,
    blocked: bool = False,
    for_feed: bool = False,
) -> bool:
    """Whether the viewer may see the moment. `setting` is the author's moments_visible."""
    if viewer_id == post.author_id:
        return True
    if not admits_viewer(tie, blocked=blocked, for_feed=for_feed):
        return False
    assert tie is not None
    since = window_start(setting, now_ms)
    if since is not None and post.created_at < since:
        return False
    return audience_admits(post.audience, post.tags, tie.tags)


def sees_actor(
    viewer_id: int, author_id: int, actor_id: int, viewer_friends: Collection[int]
) -> bool:
    """WeChat's rule: a like or comment by `actor_id` is seen by the moment's author, by the
    actor, and by the actor's friends (decided now: an ended friendship ends it)."""
    return viewer_id in (author_id, actor_id) or actor_id in viewer_friends


def sees_comment(
    viewer_id: int,
    author_id: int,
    commenter_id: int,
    reply_to_user_id: int | None,
    viewer_friends: Collection[int],
) -> bool:
    """A comment is seen under `sees_actor`; a reply also needs the person replied to to be
    someone the viewer may see interact (so a reply never shows a stranger's name)."""
    if not sees_actor(viewer_id, author_id, commenter_id, viewer_friends):
        return False
    if reply_to_user_id is None or reply_to_user_id == author_id:
        return True
    return sees_actor(viewer_id, author_id, reply_to_user_id, viewer_friends)
