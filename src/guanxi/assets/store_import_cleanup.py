"""SQL that takes an import's conversations and placeholders out again: a failed or interrupted
import's writes, a conversation a merge replaced, an account's imports when it is deleted.
Like deletion/store.py, it writes other domains' tables: taking an import out is about all of
them at once."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.tables import users
from guanxi.assets.models import IMPORT
from guanxi.assets.tables import (
    asset_jobs,
    imported_conversations,
    imported_messages,
    placeholders,
)
from guanxi.conversations.tables import (
    conversation_members,
    conversations,
    group_invitations,
    messages,
    reactions,
)

msg = messages.c


async def list_message_ids(conn: AsyncConnection, conversation_id: int, limit: int) -> list[int]:
    query = sa.select(msg.id).where(msg.conversation_id == conversation_id).limit(limit)
    return [int(i) for i in (await conn.execute(query)).scalars()]


async def min_message_id(conn: AsyncConnection, conversation_ids: Sequence[int]) -> int | None:
    if not conversation_ids:
        return None
    query = sa.select(sa.func.min(msg.id)).where(msg.conversation_id.in_(conversation_ids))
    found = (await conn.execute(query)).scalar()
    return int(found) if found is not None else None


async def delete_messages(conn: AsyncConnection, message_ids: Sequence[int]) -> None:
    """Messages with their reactions and import fingerprints."""
    ids = list(message_ids)
    if not ids:
        return
    await conn.execute(sa.delete(reactions).where(reactions.c.message_id.in_(ids)))
    await conn.execute(sa.delete(imported_messages).where(imported_messages.c.message_id.in_(ids)))
    await conn.execute(sa.delete(messages).where(msg.id.in_(ids)))


async def delete_conversation(conn: AsyncConnection, conversation_id: int) -> None:
    """An emptied conversation (delete_messages first): its members, invitations, import
    keys, and itself."""
    for table, column in (
        (conversation_members, conversation_members.c.conversation_id),
        (group_invitations, group_invitations.c.conversation_id),
        (imported_messages, imported_messages.c.conversation_id),
        (imported_conversations, imported_conversations.c.conversation_id),
    ):
        await conn.execute(sa.delete(table).where(column == conversation_id))
    await conn.execute(sa.delete(conversations).where(conversations.c.id == conversation_id))


async def delete_placeholders(conn: AsyncConnection, user_ids: Sequence[int]) -> None:
    """Placeholder accounts nothing refers to any more (their messages are gone)."""
    ids = list(user_ids)
    if not ids:
        return
    await conn.execute(sa.delete(placeholders).where(placeholders.c.user_id.in_(ids)))
    await conn.execute(
        sa.delete(users).where(users.c.id.in_(ids), users.c.is_placeholder.is_(True))
    )


async def count_others_in(conn: AsyncConnection, conversation_id: int, owner_id: int) -> int:
    """Real accounts other than the importer who are or were in a conversation an import made,
    or are invited to it (the importer added them): such a conversation is not only theirs."""
    m = conversation_members.c
    members = (
        sa.select(sa.func.count())
        .select_from(conversation_members.join(users, users.c.id == m.user_id))
        .where(
            m.conversation_id == conversation_id,
            m.user_id != owner_id,
            users.c.is_placeholder.is_(False),
        )
    )
    invited = sa.select(sa.func.count()).where(
        group_invitations.c.conversation_id == conversation_id
    )
    return int((await conn.execute(members)).scalar_one()) + int(
        (await conn.execute(invited)).scalar_one()
    )


async def list_imported_conversation_ids(conn: AsyncConnection, owner_id: int) -> list[int]:
    c = imported_conversations.c
    query = sa.select(c.conversation_id).where(c.owner_id == owner_id)
    return [int(i) for i in (await conn.execute(query)).scalars()]


async def list_placeholder_ids(conn: AsyncConnection, owner_id: int) -> list[int]:
    query = sa.select(placeholders.c.user_id).where(placeholders.c.owner_id == owner_id)
    return [int(i) for i in (await conn.execute(query)).scalars()]


async def delete_import_jobs(conn: AsyncConnection, user_id: int) -> None:
    j = asset_jobs.c
    await conn.execute(sa.delete(asset_jobs).where(j.user_id == user_id, j.kind == IMPORT))
