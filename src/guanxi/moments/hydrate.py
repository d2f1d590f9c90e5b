"""Moments as one viewer sees them: a page of moment rows joined with their media, audience
tags, likes and comments, filtered by what the viewer may see (rows.py makes the values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.media import store as media_store
from guanxi.moments import store, store_reactions
from guanxi.moments.access import friends_among
from guanxi.moments.models import Moment
from guanxi.moments.rows import comment_from_row, like_from_row, moment_from_row
from guanxi.moments.visibility import sees_actor, sees_comment


async def hydrate(conn: AsyncConnection, viewer_id: int, rows: Sequence[Any]) -> list[Moment]:
    ids = [row.id for row in rows]
    media = await store.list_media(conn, ids)
    items = await media_store.list_media(conn, [m for group in media.values() for m in group])
    own = [row.id for row in rows if row.author_id == viewer_id]
    tags = await store.list_audience_tags(conn, own)
    likes = await store_reactions.list_likes(conn, ids)
    comments = await store_reactions.list_comments(conn, ids)
    people = {row.author_id for row in rows}
    people |= {like.user_id for group in likes.values() for like in group}
    for group in comments.values():
        people |= {c.user_id for c in group} | {c.reply_to_user_id for c in group}
    people.discard(None)
    friends = await friends_among(conn, viewer_id, people)  # only the page's people
    users = await accounts_store.list_users(conn, people)
    moments: list[Moment] = []
    for row in rows:
        seen_likes = [
            like_from_row(like, users)
            for like in likes.get(row.id, [])
            if sees_actor(viewer_id, row.author_id, like.user_id, friends)
        ]
        seen_comments = [
            comment_from_row(c, users)
            for c in comments.get(row.id, [])
            if sees_comment(viewer_id, row.author_id, c.user_id, c.reply_to_user_id, friends)
        ]
        liked = any(like.user_id == viewer_id for like in likes.get(row.id, []))
        moments.append(
            moment_from_row(
                row,
                viewer_id=viewer_id,
                author=users[row.author_id],
                media_ids=media.get(row.id, []),
                media=[items[m].reference() for m in media.get(row.id, []) if m in items],
                audience_tags=tags.get(row.id, []),
                likes=seen_likes,
                comments=seen_comments,
                liked_by_me=liked,
            )
        )
    return moments
