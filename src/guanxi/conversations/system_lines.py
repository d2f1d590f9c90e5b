"""A group's system lines: "X created the group", "X added Y", "Y left", renames,
announcements, admins — kept in the history as messages of kind "system".

Each line is a message with the next seq, so it lies inside exactly the windows of those who
were members when it happened: a newcomer sees that they were added and what came after, a
past member nothing after leaving. The line says what happened as data (`SystemLine`), which
each client words in its own language; `text` holds an English sentence for clients that do
not. The sender is whoever did it (a row needs one), but the wire shows no sender, and a
system line takes no reactions, edits or recalls, and counts as nobody's unread message."""

from __future__ import annotations

from guanxi.clock import Clock
from guanxi.conversations import store_conversations, store_members, store_messages
from guanxi.conversations.events import MESSAGE_CREATED, MessagePayload
from guanxi.conversations.hydrate import load_message
from guanxi.conversations.models import SystemLine
from guanxi.db.database import Tx
from guanxi.eventlog.service import EventLog, Ref


def english(line: SystemLine) -> str:
    """The line as an English sentence, for clients that do not word `system` themselves."""
    by, who, name = line.get("by", ""), ", ".join(line.get("who", [])), line.get("name", "")
    on = line.get("on", True)
    sentences = {
        "created": f'{by} created the group "{name}"',
        "added": f"{by} added {who}",
        "joined": f"{who} joined the group (invited by {by})",
        "left": f"{who} left the group",
        "removed": f"{by} removed {who}",
        "renamed": f'{by} renamed the group to "{name}"',
        "announcement": f"{by} changed the announcement"
        if on
        else f"{by} removed the announcement",
        "admin": f"{by} made {who} an admin" if on else f"{by} removed {who} as an admin",
    }
    return sentences[line["type"]]


async def say(
    tx: Tx, clock: Clock, events: EventLog, conversation_id: int, actor_id: int, line: SystemLine
) -> None:
    """Add the line to the group's history and tell its current members."""
    line = SystemLine(
        type=line["type"],
        by=line.get("by", ""),
        who=line.get("who", []),
        name=line.get("name", ""),
        on=line.get("on", True),
    )  # every key present: the wire's shape is fixed
    now = clock.now_ms()
    seq = await store_conversations.next_seq(tx.conn, conversation_id, now)
    message_id = await store_messages.insert_system_line(
        tx.conn,
        conversation_id=conversation_id,
        seq=seq,
        sender_id=actor_id,
        text=english(line),
        system=line,
        created_at=now,
    )
    message = await load_message(tx.conn, conversation_id, seq)
    assert message is not None
    await events.record(
        tx,
        MESSAGE_CREATED,
        MessagePayload(message=message.to_wire()),
        recipients=await store_members.list_active_member_ids(tx.conn, conversation_id),
        conversation_id=conversation_id,
        ref=Ref("message", message_id),
    )
