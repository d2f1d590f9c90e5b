"""The importer's own moments, from a guanxi archive.

Their media is stored during the write pass (through the media domain, as any attachment); the
moments themselves, with their likes and comments, are written by the landing unit, so that no
half-imported moment is ever on the importer's page. The audience they had names people and
tags of another server: they come in as `private` (the importer alone sees them), and the
importer opens them up moment by moment if they like. Likes and comments are by placeholders
(or by the importer)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.assets.bundle import Moment
from guanxi.assets.ingest_context import Context
from guanxi.assets.ingest_keys import storable
from guanxi.moments import store as moments_store
from guanxi.moments import store_reactions

PLACE_MAX = 100
IMPORTED_AUDIENCE = "private"


@dataclass(frozen=True, kw_only=True)
class PendingMoment:
    moment: Moment
    media_ids: list[str]


async def prepare(ctx: Context, moment: Moment) -> PendingMoment:
    media_ids: list[str] = []
    for attachment in moment.media:
        stored = await ctx.media.store(attachment)
        if stored is not None:
            media_ids.append(stored.media_id)
    return PendingMoment(moment=moment, media_ids=media_ids)


async def write(ctx: Context, conn: AsyncConnection, pending: PendingMoment) -> None:
    moment, now = pending.moment, ctx.clock.now_ms()
    ctx.people.note(moment.people)
    persons = {p.key: p for p in moment.people}
    moment_id = await moments_store.insert_moment(
        conn,
        author_id=ctx.people.me.user_id,
        text=storable(moment.text),
        place=storable(moment.place)[:PLACE_MAX],
        audience=IMPORTED_AUDIENCE,
        created_at=moment.at,
    )
    await moments_store.insert_media(conn, moment_id, pending.media_ids)
    liked: set[int] = set()
    for like in moment.likes:
        who = await ctx.people.resolve(conn, like.sender, persons.get(like.sender), now)
        if who.user_id not in liked:
            liked.add(who.user_id)
            await store_reactions.insert_like(conn, moment_id, who.user_id, like.at)
    comment_ids: dict[str, tuple[int, int]] = {}  # Comment.key → (id, author)
    for comment in sorted(moment.comments, key=lambda c: c.at):
        who = await ctx.people.resolve(conn, comment.sender, persons.get(comment.sender), now)
        answered = comment_ids.get(comment.reply_to) if comment.reply_to else None
        comment_id = await store_reactions.insert_comment(
            conn,
            moment_id=moment_id,
            user_id=who.user_id,
            text=storable(comment.text),
            reply_to_id=answered[0] if answered else None,
            reply_to_user_id=answered[1] if answered else None,
            created_at=comment.at,
        )
        comment_ids[comment.key] = (comment_id, who.user_id)
    ctx.counts["moments"] += 1
