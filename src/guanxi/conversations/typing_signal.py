"""Typing in a direct chat: a framed control event to the other member's live sockets, never
stored. The client sends it at most once every few seconds while its user types; the server
limits it (`rate_limit_typing`) and sends it only where a message could go: the two are
friends and neither blocks the other."""

from __future__ import annotations

from guanxi.accounts.models import Principal
from guanxi.conversations import rules
from guanxi.conversations.access import access_active, check_direct_ties, check_peer_not_blocking
from guanxi.conversations.events import TYPING_STARTED, TypingStarted
from guanxi.conversations.models import DIRECT
from guanxi.db.database import Database
from guanxi.errors import Forbidden
from guanxi.eventlog.service import EventLog, publish_control


async def announce_typing(
    db: Database, events: EventLog, me: Principal, conversation_id: int
) -> None:
    """Tell the other member of a direct chat that `me` is typing, or refuse: 404 for a chat
    one is not in (or whose peer blocks one), 403 in a group, towards a non-friend or someone
    one blocks."""
    async with db.read() as conn:
        conversation, _ = await access_active(conn, conversation_id, me.user.id)
        if conversation.kind != DIRECT:
            raise Forbidden("Typing is shown only in direct chats.", "not_direct")
        await check_peer_not_blocking(conn, conversation, me.user.id)
        await check_direct_ties(conn, conversation, me.user.id)
        peer = rules.direct_peer(conversation.direct_key, me.user.id)
    payload = TypingStarted(conversation_id=conversation_id, handle=me.user.handle)
    publish_control(events.broker, TYPING_STARTED, payload, recipients=(peer,))
