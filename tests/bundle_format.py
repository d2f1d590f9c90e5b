"""A format of the tests' own: a zip (or a folder) holding `bundle.json` — bundle values written
out as JSON — and the files it names. It lets the ingest be tested through the public API with
exactly the chats, people and entries a test means, whatever the parsers on main read.

`bundle.json`: `{"chats": [{"key", "kind", "title", "people": [{"key", "name", "handle",
"is_me", "role", "last_read"}], "entries": [{"key", "sender", "at", "kind", "text",
"attachment": {"kind", "path", "name"}, "reply_to", "edited_at", "edit_count",
"recalled_at", "reactions": [{"sender", "emoji", "at"}], "mentions": [...]}],
"fail_at": int}], "moments": [...]}`. An entry with `"fail": true` raises BadArchive when read;
a chat's `fail_on_read: n` raises BadArchive on its n-th reading (1: the validation pass, 2:
the write pass) — a source that changes between the passes."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from guanxi.assets.bundle import (
    Attachment,
    BadArchive,
    Chat,
    Comment,
    Entry,
    Like,
    Moment,
    Person,
    Reaction,
    Source,
)
from guanxi.assets.formats import Format

NAME = "bundle.json"
_readings: dict[str, int] = {}


def detect(source: Source) -> bool:
    return NAME in source.names()


def detect_alone(source: Source) -> bool:
    """bundle.json uploaded on its own (no attachments): a single file starting so."""
    names = source.names()
    if len(names) != 1:
        return False
    with source.open(names[0]) as stream:
        return stream.read(10) == b'{"chats": '


def read(source: Source, *, me: str | None = None) -> Iterator[Chat | Moment]:
    names = source.names()
    with source.open(NAME if NAME in names else names[0]) as stream:
        data = json.load(stream)
    for chat in data.get("chats", []):
        yield _chat(chat, me)
    for moment in data.get("moments", []):
        yield _moment(moment)


def _chat(chat: dict[str, Any], me: str | None) -> Chat:
    fail = chat.get("fail_on_read")
    if fail is not None:
        _readings[chat["key"]] = _readings.get(chat["key"], 0) + 1
        if _readings[chat["key"]] == fail:
            raise BadArchive("the chat changed", "changed", file=NAME, record=chat["key"])
    people = tuple(_person(p, me) for p in chat.get("people", []))
    return Chat(
        key=chat["key"],
        kind=chat.get("kind", "group"),
        title=chat.get("title", ""),
        announcement=chat.get("announcement", ""),
        created_at=chat.get("created_at"),
        people=people,
        entries=_entries(chat.get("entries", [])),
    )


def _person(person: dict[str, Any], me: str | None) -> Person:
    return Person(
        key=person["key"],
        name=person.get("name", person["key"]),
        handle=person.get("handle", ""),
        is_me=person.get("is_me", False) or (me is not None and person.get("name") == me),
        role=person.get("role", "member"),
        last_read=person.get("last_read"),
    )


def _entries(entries: list[dict[str, Any]]) -> Iterator[Entry]:
    for number, entry in enumerate(entries, start=1):
        if entry.get("fail"):
            raise BadArchive("a broken record", "bad_record", file=NAME, record=str(number))
        attachment = entry.get("attachment")
        yield Entry(
            key=str(entry.get("key", number)),
            sender=entry.get("sender"),
            at=entry["at"],
            kind=entry.get("kind", "text"),
            text=entry.get("text", ""),
            attachment=Attachment(**attachment) if attachment else None,
            reply_to=entry.get("reply_to"),
            edited_at=entry.get("edited_at"),
            edit_count=entry.get("edit_count", 0),
            recalled_at=entry.get("recalled_at"),
            mentions=tuple(entry.get("mentions", ())),
            reactions=tuple(Reaction(**r) for r in entry.get("reactions", ())),
        )


def _moment(moment: dict[str, Any]) -> Moment:
    return Moment(
        key=moment["key"],
        text=moment.get("text", ""),
        at=moment["at"],
        media=tuple(Attachment(**a) for a in moment.get("media", ())),
        likes=tuple(Like(**like) for like in moment.get("likes", ())),
        comments=tuple(Comment(**c) for c in moment.get("comments", ())),
        people=tuple(_person(p, None) for p in moment.get("people", ())),
    )


def pack(bundle: dict[str, Any], files: dict[str, bytes] | None = None) -> bytes:
    """A zip of bundle.json and the files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(NAME, json.dumps(bundle))
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


FORMAT = Format(name="tests", detect=detect, read=read)
# bundle.json on its own, recognised by format=auto: registered by tests that cannot patch
ALONE = Format(name="tests", detect=detect_alone, read=read)


def alone(bundle: dict[str, Any]) -> bytes:
    return json.dumps(bundle).encode()
