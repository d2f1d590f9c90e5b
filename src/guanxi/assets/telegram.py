"""Telegram Desktop's JSON export ("Export chat history" of one chat, or "Export Telegram data"
of the whole account) read into the neutral model of bundle.py.

The file is read twice, as a stream both times: a first pass (telegram_people.survey) checks the
whole file against the limits of telegram_stream.py and gathers every chat's header, people and
number of messages; the second, trusting that check, has ijson's C code build the messages and
yields each chat with its entries. Memory grows with the number of people, not of messages.

Times: telegram_times.py (a `date` with no zone is read as UTC)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from itertools import islice
from typing import Any

from guanxi.assets.bundle import SYSTEM, BadArchive, Chat, Entry, Reaction, Source
from guanxi.assets.telegram_media import Files, media_of
from guanxi.assets.telegram_people import (
    ChatSurvey,
    Survey,
    peer_key,
    senders,
    survey,
)
from guanxi.assets.telegram_service import describe
from guanxi.assets.telegram_stream import ChatStart, Personal, read_items, read_messages
from guanxi.assets.telegram_text import flatten, text_kind
from guanxi.assets.telegram_times import Times

RESULT = "result.json"
EMPTY = "(empty message)"  # a message with neither text nor anything the export kept


def detect_telegram(source: Source) -> bool:
    """Whether the upload is a Telegram export: its result.json begins a chat or an account."""
    name = main_file(source)
    if name is None:
        return False
    try:
        with source.open(name) as stream:
            for item in read_items(stream, name):
                if isinstance(item, ChatStart | Personal):
                    return True
    except BadArchive:
        return False
    return False


def main_file(source: Source) -> str | None:
    """The export's result.json (the shallowest, if a zip holds it in a folder), or the upload's
    only .json file."""
    names = source.names()
    found = [n for n in names if posixpath.basename(n) == RESULT]
    if found:
        return min(found, key=lambda n: (n.count("/"), n))
    others = [n for n in names if n.lower().endswith(".json")]
    return others[0] if len(others) == 1 else None


def read_telegram(source: Source, *, me: str | None = None) -> Iterator[Chat]:
    """Each chat of the export, with its people and a lazy iterator of its entries."""
    name = main_file(source)
    if name is None:
        raise BadArchive("no result.json in the upload", "not_found")
    with source.open(name) as stream:
        found = survey(read_items(stream, name), name)
    root = name[: -len(posixpath.basename(name))]
    files = Files(root=root, names=frozenset(source.names()))
    chats = [chat for chat in found.chats if chat.messages]
    for prefix in dict.fromkeys(chat.messages for chat in chats):  # each list, in file order
        with source.open(name) as stream:
            messages = read_messages(stream, name, prefix)
            for chat in (c for c in chats if c.messages == prefix):
                entries = _entries(islice(messages, chat.count), _Reader(found, chat, files))
                yield Chat(
                    key=chat.key(old_ids=bool(found.old_ids), file=name),
                    kind=chat.kind,
                    title=chat.title,
                    created_at=chat.created_at,
                    people=found.people(chat, me),
                    entries=entries,
                )
                for _ in entries:  # the caller may have stopped early: skip to the next chat
                    pass


def _entries(messages: Iterator[dict[str, Any]], reader: _Reader) -> Iterator[Entry]:
    for data in messages:
        entry = reader.entry(data)
        if entry is not None:
            yield entry


class _Reader:
    """Turns one chat's messages into entries."""

    def __init__(self, found: Survey, chat: ChatSurvey, files: Files) -> None:
        self.file = found.file
        self.files = files
        self.chat_key = chat.key(old_ids=bool(found.old_ids), file=found.file)
        self.path = f"{chat.path}.messages".lstrip(".")
        self.index = 0

    def entry(self, data: dict[str, Any]) -> Entry | None:
        id_ = data.get("id")
        record = f"{self.path}[{self.index}]"
        record = f"{record} (id {id_})" if isinstance(id_, int | str) else record
        self.index += 1
        kind = data.get("type", "message")
        if kind == "unsupported":  # Telegram Desktop could not export it: nothing to keep
            return None
        times = Times(data, file=self.file, record=record)
        key = str(id_) if isinstance(id_, int | str) else f"#{self.index}"
        sender = self._sender(data, record)
        if kind == "service":
            return Entry(
                key=key,
                sender=sender,
                at=times.sent,
                kind=SYSTEM,
                text=describe(data),
                reply_to=_id(data, "message_id"),
            )
        if kind != "message":
            raise BadArchive(
                f"unknown message type {str(kind)[:40]!r}",
                "wrong_type",
                file=self.file,
                record=record,
            )
        text, mentions = flatten(data, file=self.file, record=record)
        media = media_of(data, self.files)
        if media.text:
            text = f"{media.text}\n{text}" if text else media.text
        edited = times.edited()
        forwarded = data.get("forwarded_from", "")
        return Entry(
            key=key,
            sender=sender,
            at=times.sent,
            kind=media.kind or text_kind(text or EMPTY),
            text=text if text or media.attachment else EMPTY,
            attachment=media.attachment,
            reply_to=None if "reply_to_peer_id" in data else _id(data, "reply_to_message_id"),
            edited_at=edited,
            edit_count=1 if edited is not None else 0,
            forwarded_from=forwarded if isinstance(forwarded, str) else "Unknown",
            mentions=mentions,
            reactions=tuple(self._reactions(data, record, times)),
        )

    def _sender(self, data: dict[str, Any], record: str) -> str | None:
        for key, _name in senders(data, file=self.file, record=record):
            return key
        return None if data.get("type") == "service" else self.chat_key

    def _reactions(self, data: dict[str, Any], record: str, times: Times) -> Iterator[Reaction]:
        reactions = data.get("reactions", [])
        if not isinstance(reactions, list):
            raise BadArchive(
                "reactions are not a list", "wrong_type", file=self.file, record=record
            )
        for reaction in reactions:
            if not isinstance(reaction, dict) or not isinstance(reaction.get("emoji"), str):
                continue  # a custom emoji or a paid reaction: nothing guanxi can show
            recent = reaction.get("recent")
            for one in recent if isinstance(recent, list) else ():
                if isinstance(one, dict) and one.get("from_id") is not None:
                    yield Reaction(
                        sender=peer_key(one["from_id"], file=self.file, record=record),
                        emoji=reaction["emoji"],
                        at=times.local(one.get("date"), default=times.sent),
                    )


def _id(data: dict[str, Any], field: str) -> str | None:
    value = data.get(field)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None
