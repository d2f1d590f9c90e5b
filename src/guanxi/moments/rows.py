"""Moment rows made into moment values: the one place that knows both shapes.

What a viewer may see of likes and comments is decided before (hydrate.py, visibility.py);
these functions only carry columns into fields."""

from __future__ import annotations

from typing import Any

from guanxi.accounts.models import User
from guanxi.media.models import MediaRef
from guanxi.moments.models import Comment, Like, Moment, Position


def position_from_row(row: Any) -> Position:
    """Where a page that ends with this moment row stops."""
    return Position(created_at=row.created_at, id=row.id)


def like_from_row(row: Any, users: dict[int, User]) -> Like:
    return Like(user=users[row.user_id], created_at=row.created_at)


def comment_from_row(row: Any, users: dict[int, User]) -> Comment:
    """`users`: at least the commenter and the one replied to, by id."""
    reply_user = users.get(row.reply_to_user_id) if row.reply_to_user_id is not None else None
    return Comment(
        id=row.id,
        moment_id=row.moment_id,
        user=users[row.user_id],
        text=row.text,
        reply_to_id=row.reply_to_id,
        reply_to_user=reply_user,
        created_at=row.created_at,
    )


def moment_from_row(
    row: Any,
    *,
    viewer_id: int,
    author: User,
    media_ids: list[str],
    media: list[MediaRef],
    audience_tags: list[str],
    likes: list[Like],
    comments: list[Comment],
    liked_by_me: bool,
) -> Moment:
    """The moment as `viewer_id` sees it, with the likes and comments they may see."""
    return Moment(
        id=row.id,
        author=author,
        text=row.text,
        place=row.place,
        media_ids=media_ids,
        media=media,
        audience=row.audience,
        audience_tags=audience_tags,
        created_at=row.created_at,
        likes=likes,
        comments=comments,
        liked_by_me=liked_by_me,
        is_mine=row.author_id == viewer_id,
    )
