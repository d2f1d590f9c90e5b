"""The landing unit: the one write in which a whole import becomes the importer's.

Until it commits, nothing an import wrote is visible to anyone: its conversations have no
membership of the importer, its moments are not written yet. In one unit it then makes the
importer a member of each conversation it built (a direct chat gets its direct key now), puts
each merged conversation in the place of the one it replaces, writes the moments, forgets the
job's list of writes (they are the user's now) and marks the job done, so a crash after this
commit can no longer take the import out again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.assets import ingest_moments, store_import, store_import_cleanup, store_jobs
from guanxi.assets.ingest_chat import Built
from guanxi.assets.ingest_context import Context
from guanxi.assets.ingest_keys import display_name
from guanxi.assets.ingest_moments import PendingMoment
from guanxi.assets.models import DONE
from guanxi.conversations import rules, store_conversations, store_members
from guanxi.conversations.models import DIRECT, GROUP
from guanxi.db.database import Tx
from guanxi.errors import Conflict
from guanxi.eventlog import store as eventlog_store

GUANXI = "guanxi"  # the format whose archives carry the user's read markers


async def land(ctx: Context, built: list[Built], moments: list[PendingMoment]) -> None:
    async def unit(tx: Tx) -> None:
        head = await eventlog_store.get_head(tx.conn)
        for conversation in built:
            if conversation.replaces is not None:
                await _replace(ctx, tx, conversation)
            await _join(ctx, tx.conn, conversation, head)
            await store_import.set_imported_conversation(
                tx.conn,
                ctx.people.me.user_id,
                ctx.source_name,
                conversation.chat_key,
                conversation.conversation_id,
            )
        for pending in moments:
            await ingest_moments.write(ctx, tx.conn, pending)
        await store_import.delete_writes(tx.conn, ctx.job.id)
        ctx.counts["conversations"] = len(built)
        await store_jobs.update_job(
            tx.conn,
            ctx.job.id,
            state=DONE,
            finished_at=ctx.clock.now_ms(),
            progress_done=ctx.done,
            progress_total=max(ctx.total, ctx.done),
            counts=ctx.final_counts(),
        )

    await ctx.db.write(unit)


async def _join(ctx: Context, conn: AsyncConnection, built: Built, head: int) -> None:
    me = ctx.people.me.user_id
    await store_members.upsert_member(
        conn,
        conversation_id=built.conversation_id,
        user_id=me,
        role=built.my_role,
        joined_at=ctx.clock.now_ms(),
        joined_seq=0,
        joined_event=head,
    )
    read = built.my_last_read
    if read is None:  # a guanxi archive says where the user read to (nothing: 0); other
        read = 0 if ctx.source_name == GUANXI else built.last_seq  # exports do not: all read
    await store_members.update_member(conn, built.conversation_id, me, {"last_read_seq": read})
    if built.kind != DIRECT or built.peer_id is None:
        return
    key = rules.direct_key(me, built.peer_id)
    if await store_conversations.get_direct_id(conn, key) is None:
        values: dict[str, object] = {"direct_key": key}
    else:  # another chat of this source with the same person holds it: a group of two
        values = {"kind": GROUP, "name": display_name(built.peer_name, "Imported chat")}
        values["owner_id"] = me
    await store_conversations.update_conversation(conn, built.conversation_id, values)


async def _replace(ctx: Context, tx: Tx, built: Built) -> None:
    """Take out the conversation the merged one replaces, if it is still as it was read."""
    old_id = built.replaces
    assert old_id is not None
    old = await store_conversations.get_conversation(tx.conn, old_id)
    if old is None:
        return
    others = await store_import_cleanup.count_others_in(tx.conn, old_id, ctx.people.me.user_id)
    if old.last_seq != built.copied_through or others:
        raise Conflict(
            "A chat this import merges into changed while it ran; import it again.",
            "chat_changed",
        )
    while ids := await store_import_cleanup.list_message_ids(tx.conn, old_id, 5000):
        await store_import_cleanup.delete_messages(tx.conn, ids)
    await store_import_cleanup.delete_conversation(tx.conn, old_id)
    tx.erase()
