"""The conversations whose history a user holds, as one statement every reader of "what I
hold" builds on (the ledger, "my year" and "us").

A user holds their window of each conversation they are or were in (window.py) — from where
they deleted the chat for themselves (`cleared_seq`), if they did — except a direct chat with
someone who blocked them: that person does not exist for them, as in the chat list and the
export. Messages they deleted for themselves one by one are left out by the reader
(`store_messages.not_hidden`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from guanxi.conversations.models import DIRECT
from guanxi.conversations.tables import conversation_members, conversations
from guanxi.conversations.window import held_start
from guanxi.relationships.tables import blocks


def held_query(user_id: int) -> sa.Select[Any]:
    """(conversation_id, user_id, kind, peer_id, joined_seq, left_seq) per conversation the
    user holds: `peer_id` is a direct chat's other member (NULL in a group); `joined_seq` is
    where the window starts (after a delete-for-me of the whole chat, its `cleared_seq`)."""
    mine = conversation_members.alias("mine")
    peer = conversation_members.alias("peer")
    c = conversations.c
    joined = mine.join(conversations, c.id == mine.c.conversation_id).outerjoin(
        peer,
        sa.and_(
            peer.c.conversation_id == mine.c.conversation_id,
            peer.c.user_id != user_id,
            c.kind == DIRECT,
        ),
    )
    blocked_me = sa.exists().where(
        blocks.c.user_id == peer.c.user_id, blocks.c.blocked_id == user_id
    )
    return (
        sa.select(
            mine.c.conversation_id,
            mine.c.user_id,
            c.kind,
            peer.c.user_id.label("peer_id"),
            held_start(mine.c.joined_seq, mine.c.cleared_seq).label("joined_seq"),
            mine.c.left_seq,
        )
        .select_from(joined)
        .where(mine.c.user_id == user_id, ~blocked_me)
    )
