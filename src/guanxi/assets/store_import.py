"""SQL of an import's write pass: placeholders, the conversations it builds, their messages,
reactions and fingerprints, and the record of what the job wrote (import_writes)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.rules import PLACEHOLDER_PREFIX, placeholder_origin
from guanxi.accounts.tables import users
from guanxi.assets.models import IMPORT
from guanxi.assets.tables import (
    asset_jobs,
    import_writes,
    imported_conversations,
    imported_messages,
    placeholders,
)
from guanxi.conversations.tables import conversation_members, conversations, messages, reactions
from guanxi.db import day_window

CONVERSATION, PLACEHOLDER, MEDIA, MOMENT = "conversation", "placeholder", "media", "moment"


async def insert_write(conn: AsyncConnection, job_id: int, kind: str, ref: str | int) -> None:
    await conn.execute(sa.insert(import_writes).values(job_id=job_id, kind=kind, ref=str(ref)))


async def insert_writes(
    conn: AsyncConnection, job_id: int, kind: str, refs: Sequence[str | int]
) -> None:
    if refs:
        rows = [{"job_id": job_id, "kind": kind, "ref": str(ref)} for ref in refs]
        await conn.execute(sa.insert(import_writes), rows)


async def list_writes(conn: AsyncConnection, job_id: int, kind: str) -> list[str]:
    w = import_writes.c
    query = sa.select(w.ref).where(w.job_id == job_id, w.kind == kind)
    return list((await conn.execute(query)).scalars())


async def delete_writes(conn: AsyncConnection, job_id: int) -> None:
    await conn.execute(sa.delete(import_writes).where(import_writes.c.job_id == job_id))


async def count_imports_since(conn: AsyncConnection, user_id: int, since: int) -> int:
    j = asset_jobs.c
    query = sa.select(sa.func.count()).where(
        j.user_id == user_id, j.kind == IMPORT, j.created_at >= since
    )
    return int((await conn.execute(query)).scalar_one())


async def import_started_at(
    conn: AsyncConnection, user_id: int, since: int, skip: int
) -> int | None:
    """When the user started the import `skip` places after their oldest since `since`."""
    j = asset_jobs.c
    owner = sa.and_(j.user_id == user_id, j.kind == IMPORT)
    return await day_window.counted_at(conn, asset_jobs, owner, since, skip)


async def get_placeholder(
    conn: AsyncConnection, owner_id: int, source: str, external_key: str
) -> tuple[int, str] | None:
    """(user id, handle here) of the importer's placeholder for this person of this source."""
    p = placeholders.c
    query = (
        sa.select(p.user_id, users.c.handle)
        .join(users, users.c.id == p.user_id)
        .where(p.owner_id == owner_id, p.source == source, p.external_key == external_key)
    )
    row = (await conn.execute(query)).first()
    return (int(row.user_id), str(row.handle)) if row is not None else None


async def insert_placeholder(
    conn: AsyncConnection,
    *,
    owner_id: int,
    source: str,
    external_key: str,
    handle: str,
    display_name: str,
    now: int,
    job_id: int,
) -> tuple[int, str]:
    """A placeholder account owned by the importer: a reserved handle no one can register
    (`imported.` and 16 random hex digits), no password; `handle` is the one they had."""
    user = await accounts_store.insert_user(
        conn,
        handle=PLACEHOLDER_PREFIX + secrets.token_hex(8),
        display_name=display_name,
        password_hash=None,
        created_at=now,
        is_placeholder=True,
        origin=placeholder_origin(owner_id),
    )
    await conn.execute(
        sa.insert(placeholders).values(
            user_id=user.id,
            owner_id=owner_id,
            source=source,
            external_key=external_key,
            handle=handle[:64],
            created_at=now,
        )
    )
    await insert_write(conn, job_id, PLACEHOLDER, user.id)
    return user.id, user.handle


async def get_imported_conversation(
    conn: AsyncConnection, owner_id: int, source: str, chat_key: str
) -> int | None:
    c = imported_conversations.c
    query = sa.select(c.conversation_id).where(
        c.owner_id == owner_id, c.source == source, c.chat_key == chat_key
    )
    found = (await conn.execute(query)).scalar()
    return int(found) if found is not None else None


async def set_imported_conversation(
    conn: AsyncConnection, owner_id: int, source: str, chat_key: str, conversation_id: int
) -> None:
    c = imported_conversations.c
    key = sa.and_(c.owner_id == owner_id, c.source == source, c.chat_key == chat_key)
    done = await conn.execute(
        sa.update(imported_conversations).where(key).values(conversation_id=conversation_id)
    )
    if not done.rowcount:
        await conn.execute(
            sa.insert(imported_conversations).values(
                owner_id=owner_id, source=source, chat_key=chat_key, conversation_id=conversation_id
            )
        )


async def list_known_fingerprints(
    conn: AsyncConnection, conversation_id: int, fingerprints: Sequence[str]
) -> dict[str, int]:
    """Which of these fingerprints the conversation holds already: each one's seq."""
    if not fingerprints:
        return {}
    f = imported_messages.c
    query = (
        sa.select(f.fingerprint, messages.c.seq)
        .join(messages, messages.c.id == f.message_id)
        .where(f.conversation_id == conversation_id, f.fingerprint.in_(list(set(fingerprints))))
    )
    return {str(fp): int(seq) for fp, seq in (await conn.execute(query)).all()}


async def insert_messages(conn: AsyncConnection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert messages (every column but id); their ids, in the order given."""
    if not rows:
        return []
    query = sa.insert(messages).returning(messages.c.id, sort_by_parameter_order=True)
    return [int(i) for i in (await conn.execute(query, rows)).scalars()]


async def insert_reactions(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(sa.insert(reactions), rows)


async def insert_fingerprints(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    if rows:
        await conn.execute(sa.insert(imported_messages), rows)


async def list_messages_page(
    conn: AsyncConnection, conversation_id: int, after_seq: int, limit: int
) -> list[Any]:
    """A conversation's messages after a seq, in seq order, each with its fingerprint (if an
    import brought it): what a merge copies into the rebuilt conversation."""
    m, f = messages.c, imported_messages.c
    query = (
        sa.select(messages, f.fingerprint)
        .outerjoin(
            imported_messages,
            sa.and_(f.conversation_id == m.conversation_id, f.message_id == m.id),
        )
        .where(m.conversation_id == conversation_id, m.seq > after_seq)
        .order_by(m.seq)
        .limit(limit)
    )
    return list((await conn.execute(query)).all())


async def list_reaction_rows(conn: AsyncConnection, message_ids: Iterable[int]) -> list[Any]:
    ids = list(message_ids)
    if not ids:
        return []
    query = sa.select(reactions).where(reactions.c.message_id.in_(ids))
    return list((await conn.execute(query)).all())


async def finish_conversation(
    conn: AsyncConnection, conversation_id: int, last_seq: int, updated_at: int
) -> None:
    await conn.execute(
        sa.update(conversations)
        .where(conversations.c.id == conversation_id)
        .values(last_seq=last_seq, updated_at=updated_at)
    )


async def count_active_memberships(conn: AsyncConnection, user_id: int) -> int:
    m = conversation_members.c
    query = sa.select(sa.func.count()).where(m.user_id == user_id, m.left_seq.is_(None))
    return int((await conn.execute(query)).scalar_one())


async def list_reply_targets(conn: AsyncConnection, conversation_id: int) -> set[int]:
    """The seqs that messages of a conversation answer."""
    m = messages.c
    query = (
        sa.select(m.reply_to_seq)
        .where(m.conversation_id == conversation_id, m.reply_to_seq.is_not(None))
        .distinct()
    )
    return {int(seq) for seq in (await conn.execute(query)).scalars()}
