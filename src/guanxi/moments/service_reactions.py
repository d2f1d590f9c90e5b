"""Likes and comments on moments, and the events that announce them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import Forbidden, InvalidInput, NotFound
from guanxi.eventlog.service import EventLog, Ref
from guanxi.moments import rules, store_reactions
from guanxi.moments.access import access_moment, friend_ids, live_viewers
from guanxi.moments.events import (
    MOMENT_COMMENT_DELETED,
    MOMENT_COMMENTED,
    MOMENT_LIKED,
    MOMENT_UNLIKED,
    MomentCommentDeleted,
    MomentCommented,
    MomentLiked,
    MomentUnliked,
)
from guanxi.moments.hydrate import hydrate
from guanxi.moments.models import Comment, Like, Moment
from guanxi.moments.rows import comment_from_row
from guanxi.moments.visibility import sees_comment


class MomentReactionService:
    def __init__(self, db: Database, clock: Clock, events: EventLog) -> None:
        self.db = db
        self.clock = clock
        self.events = events

    async def like(self, me: Principal, moment_id: int) -> Moment:
        async def unit(tx: Tx) -> Moment:
            now = self.clock.now_ms()
            row = await access_moment(tx.conn, me.user.id, moment_id, now)
            if not await store_reactions.exists_like(tx.conn, moment_id, me.user.id):
                await store_reactions.insert_like(tx.conn, moment_id, me.user.id, now)
                payload = MomentLiked(
                    moment_id=moment_id,
                    author=await self._handle(tx.conn, row.author_id),
                    like=Like(user=me.user, created_at=now).to_wire(),
                )
                recipients = await self._recipients(tx.conn, row, me.user.id, None)
                await self.events.record(
                    tx, MOMENT_LIKED, payload, recipients=recipients, user_id=row.author_id
                )
            return (await hydrate(tx.conn, me.user.id, [row]))[0]

        return await self.db.write(unit)

    async def unlike(self, me: Principal, moment_id: int) -> Moment:
        async def unit(tx: Tx) -> Moment:
            row = await access_moment(tx.conn, me.user.id, moment_id, self.clock.now_ms())
            if await store_reactions.delete_like(tx.conn, moment_id, me.user.id):
                payload = MomentUnliked(
                    moment_id=moment_id,
                    author=await self._handle(tx.conn, row.author_id),
                    user=me.user.to_wire(),
                )
                recipients = await self._recipients(tx.conn, row, me.user.id, None)
                await self.events.record(
                    tx, MOMENT_UNLIKED, payload, recipients=recipients, user_id=row.author_id
                )
            return (await hydrate(tx.conn, me.user.id, [row]))[0]

        return await self.db.write(unit)

    async def comment(
        self, me: Principal, moment_id: int, text: str, reply_to: int | None
    ) -> Comment:
        text = rules.check_comment(text)

        async def unit(tx: Tx) -> Comment:
            now = self.clock.now_ms()
            row = await access_moment(tx.conn, me.user.id, moment_id, now)
            reply_user = await self._reply_target(tx.conn, me.user.id, row, reply_to)
            comment_id = await store_reactions.insert_comment(
                tx.conn,
                moment_id=moment_id,
                user_id=me.user.id,
                text=text,
                reply_to_id=reply_to,
                reply_to_user_id=reply_user,
                created_at=now,
            )
            comment = await self._comment(tx.conn, moment_id, comment_id)
            payload = MomentCommented(
                moment_id=moment_id,
                author=await self._handle(tx.conn, row.author_id),
                comment=comment.to_wire(),
            )
            recipients = await self._recipients(tx.conn, row, me.user.id, reply_user)
            await self.events.record(
                tx,
                MOMENT_COMMENTED,
                payload,
                recipients=recipients,
                user_id=row.author_id,
                ref=Ref("comment", comment_id),
            )
            return comment

        return await self.db.write(unit)

    async def delete_comment(self, me: Principal, moment_id: int, comment_id: int) -> None:
        async def unit(tx: Tx) -> None:
            row = await access_moment(tx.conn, me.user.id, moment_id, self.clock.now_ms())
            found = await store_reactions.get_comment(tx.conn, moment_id, comment_id)
            if found is None or not await self._sees(tx.conn, me.user.id, row, found):
                raise NotFound("No such comment.")
            if me.user.id not in (row.author_id, found.user_id):
                raise Forbidden("Only the commenter or the moment's author can delete it.")
            await store_reactions.delete_comment(tx.conn, comment_id)
            tx.erase()
            payload = MomentCommentDeleted(
                moment_id=moment_id,
                author=await self._handle(tx.conn, row.author_id),
                comment_id=comment_id,
            )
            told = await self._recipients(tx.conn, row, found.user_id, found.reply_to_user_id)
            await self.events.record(
                tx,
                MOMENT_COMMENT_DELETED,
                payload,
                recipients=sorted({*told, me.user.id}),
                user_id=row.author_id,
            )

        await self.db.write(unit)

    async def _reply_target(
        self, conn: AsyncConnection, viewer_id: int, row: Any, reply_to: int | None
    ) -> int | None:
        """Whom a reply answers: the author of a comment on this moment the viewer sees."""
        if reply_to is None:
            return None
        found = await store_reactions.get_comment(conn, row.id, reply_to)
        if found is None or not await self._sees(conn, viewer_id, row, found):
            raise InvalidInput("reply_to names no comment you can see here.", "bad_reply_to")
        return int(found.user_id)

    async def _sees(self, conn: AsyncConnection, viewer_id: int, row: Any, comment: Any) -> bool:
        friends = await friend_ids(conn, viewer_id)
        return sees_comment(
            viewer_id, row.author_id, comment.user_id, comment.reply_to_user_id, friends
        )

    async def _recipients(
        self, conn: AsyncConnection, row: Any, actor_id: int, reply_user: int | None
    ) -> list[int]:
        """The author, the actor, and, live, each friend of the actor who may see both the
        moment and (under WeChat's rule) this like or comment."""
        candidates = await friend_ids(conn, actor_id)
        if reply_user is not None and reply_user != row.author_id:
            candidates &= await friend_ids(conn, reply_user) | {reply_user}
        candidates -= {row.author_id, actor_id}
        live = await live_viewers(conn, row, candidates, self.clock.now_ms())
        return sorted({row.author_id, actor_id} | live)

    async def _handle(self, conn: AsyncConnection, user_id: int) -> str:
        user = await accounts_store.get_user(conn, user_id)
        assert user is not None
        return user.handle

    async def _comment(self, conn: AsyncConnection, moment_id: int, comment_id: int) -> Comment:
        row = await store_reactions.get_comment(conn, moment_id, comment_id)
        assert row is not None
        users = await accounts_store.list_users(
            conn, [u for u in (row.user_id, row.reply_to_user_id) if u is not None]
        )
        return comment_from_row(row, users)
