"""A guanxi archive's conversations with their messages: conversations.jsonl and messages.jsonl
read in step (messages come grouped by conversation in the order of conversations.jsonl, each
group in seq order), so a million messages are never held. A chat's key is
`guanxi:<exporting user>:<conversation id>`: the id is stable on the exporting server, so the same
conversation in a later export of the same account is the same chat."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from guanxi.assets.bundle import Entry, Reaction
from guanxi.assets.guanxi_records import CONVERSATION, MESSAGE, GuanxiChat, GuanxiMember

if TYPE_CHECKING:
    from guanxi.assets.guanxi_reader import GuanxiArchive

CONVERSATIONS = "conversations.jsonl"
MESSAGES = "messages.jsonl"
Line = tuple[int, dict[str, Any]]


class _Lines:
    """A file's lines with one line of look-ahead."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self._next: Line | None = next(lines, None)

    def peek(self) -> Line | None:
        return self._next

    def take(self) -> Line:
        line = self._next
        assert line is not None
        self._next = next(self._lines, None)
        return line


def read_chats(archive: GuanxiArchive) -> Iterator[GuanxiChat]:
    messages = _Lines(archive.records(MESSAGES, MESSAGE))
    done: set[int] = set()
    for number, record in archive.records(CONVERSATIONS, CONVERSATION):
        if record["id"] in done:
            raise archive.wrong(CONVERSATIONS, number, f"'id' {record['id']} is listed twice")
        done.add(record["id"])
        chat = _chat(archive, number, record, _entries(archive, messages, record, done))
        yield chat
        for _ in chat.entries:  # what the caller left unread is still checked
            pass
    stray = messages.peek()
    if stray is not None:
        message = f"'conversation' {stray[1]['conversation']} is not in {CONVERSATIONS}"
        raise archive.wrong(MESSAGES, stray[0], message)


def _chat(
    archive: GuanxiArchive, number: int, record: dict[str, Any], entries: Iterator[Entry]
) -> GuanxiChat:
    members = tuple(_members(archive, number, record["members"]))
    if not any(member.is_me for member in members):
        raise archive.wrong(CONVERSATIONS, number, f"'members' must include {archive.me}")
    owner = record["owner"]
    if owner is not None:
        archive.known(owner, CONVERSATIONS, number, "owner")
    title = record["name"]
    if not title and record["kind"] == "direct":
        title = next((m.name for m in members if not m.is_me), "")
    return GuanxiChat(
        key=f"guanxi:{archive.me}:{record['id']}",
        kind=record["kind"],
        title=title,
        announcement=record["announcement"],
        created_at=record["created_at"],
        people=members,
        entries=entries,
        conversation_id=record["id"],
        owner=owner,
        after_seq=record["window"]["after_seq"],
        through_seq=record["window"]["through_seq"],
    )


def _members(
    archive: GuanxiArchive, number: int, members: list[dict[str, Any]]
) -> Iterator[GuanxiMember]:
    seen: set[str] = set()
    for i, member in enumerate(members):
        handle = archive.known(member["handle"], CONVERSATIONS, number, f"members[{i}].handle")
        if handle in seen:
            raise archive.wrong(CONVERSATIONS, number, f"'members[{i}]' is listed twice")
        seen.add(handle)
        last_read = member["last_read_seq"]
        yield GuanxiMember(
            key=handle,
            name=archive.names()[handle],
            handle=handle,
            is_me=handle == archive.me,
            role=member["role"],
            last_read=None if last_read is None else str(last_read),
            joined_at=member["joined_at"],
            left_at=member["left_at"],
        )


def _entries(
    archive: GuanxiArchive, messages: _Lines, conversation: dict[str, Any], done: set[int]
) -> Iterator[Entry]:
    """The messages of this conversation, up to the first of another one."""
    after, through = conversation["window"]["after_seq"], conversation["window"]["through_seq"]
    previous = after
    while (line := messages.peek()) is not None:
        number, record = line
        if record["conversation"] != conversation["id"]:
            if record["conversation"] in done:
                message = "the messages of a conversation must come together, in its order"
                raise archive.wrong(MESSAGES, number, message)
            return
        messages.take()
        seq = record["seq"]
        if seq <= previous or (through is not None and seq > through):
            message = (
                f"'seq' {seq} is out of order, or outside the user's window ({after}, {through}]"
            )
            raise archive.wrong(MESSAGES, number, message)
        previous = seq
        yield _entry(archive, number, record)


def _entry(archive: GuanxiArchive, number: int, record: dict[str, Any]) -> Entry:
    if record["recalled_at"] is not None and (
        record["text"] or record["media"] or record["mentions"] or record["reactions"]
    ):
        message = "a recalled message must have no text, media, mentions or reactions"
        raise archive.wrong(MESSAGES, number, message)
    sha, reply_to = record["media"], record["reply_to_seq"]
    return Entry(
        key=str(record["seq"]),
        sender=archive.known(record["sender"], MESSAGES, number, "sender"),
        at=record["created_at"],
        kind=record["kind"],
        text=record["text"],
        attachment=None if sha is None else archive.attachment(sha, MESSAGES, number, "media"),
        reply_to=None if reply_to is None else str(reply_to),
        edited_at=record["edited_at"],
        edit_count=record["edit_count"],
        recalled_at=record["recalled_at"],
        mentions=tuple(
            archive.known(handle, MESSAGES, number, f"mentions[{i}]")
            for i, handle in enumerate(record["mentions"])
        ),
        reactions=tuple(
            Reaction(
                sender=archive.known(r["handle"], MESSAGES, number, f"reactions[{i}].handle"),
                emoji=r["emoji"],
                at=r["created_at"],
            )
            for i, r in enumerate(record["reactions"])
        ),
    )
