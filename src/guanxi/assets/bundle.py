"""What every importer reads its source into, whatever the source: chats, the people in them and
their entries, in the order the source gives them. A parser (guanxi_reader.py, telegram.py,
whatsapp.py) yields these; the ingest writes them. Times are milliseconds since the epoch, UTC.

Parsers stream: `read(source)` yields each chat with an iterator of its entries, so a 1M-message
export is never held in memory. A parser raises `BadArchive` naming the file and the record (a
line number, a message id or a JSON path) for anything it cannot read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from guanxi.errors import InvalidInput

SYSTEM = "system"  # Entry.kind of a service or system line: a join, a pin, a call, a title change


class BadArchive(InvalidInput):
    """An archive, or a record in it, that cannot be imported; says which file and which record."""

    def __init__(self, message: str, code: str, file: str = "", record: str = "") -> None:
        where = " ".join(p for p in (file, f"record {record}" if record else "") if p)
        super().__init__(f"{where}: {message}" if where else message, code)
        self.file = file
        self.record = record


class Source(Protocol):
    """The files of an upload, as the importer checked them (no path outside, no link, sizes
    within the limits): one file on its own, or the members of a zip."""

    def names(self) -> list[str]:
        """Every file's path inside the upload, '/'-separated, no leading '/' and no '..'."""
        ...

    def open(self, name: str) -> BinaryIO:
        """A stream of that file's bytes; reading past its declared size fails."""
        ...

    def size(self, name: str) -> int: ...


@dataclass(frozen=True, kw_only=True)
class Person:
    key: str  # who this is in the source: a Telegram "user123", a WhatsApp name or number
    name: str  # the display name the source gives
    handle: str = ""  # the handle they had (a guanxi handle, a Telegram @username), if known
    is_me: bool = False  # the importing user
    role: str = "member"  # in a group: owner | admin | member (guanxi archives say)
    last_read: str | None = None  # Entry.key of the last entry they read, where the source says


@dataclass(frozen=True, kw_only=True)
class Attachment:
    kind: str  # image | voice | video | file (a sticker is an image, a video note a video)
    path: str | None  # the file's name in Source.names(); None when the export left it out
    name: str = ""  # the file name shown to people
    mime: str = ""


@dataclass(frozen=True, kw_only=True)
class Reaction:
    sender: str  # Person.key
    emoji: str
    at: int


@dataclass(frozen=True, kw_only=True)
class Entry:
    key: str  # the source's id for it (Telegram's message id; for WhatsApp a hash of sender,
    # time and text with its occurrence among identical lines: see whatsapp.py)
    sender: str | None  # Person.key; None for a system entry without an actor
    at: int  # sent at
    kind: str  # text | emoji | link | image | voice | video | file | system
    text: str = ""  # for a system entry, what it says ("Alice pinned a message")
    attachment: Attachment | None = None
    reply_to: str | None = None  # Entry.key of the entry it answers
    edited_at: int | None = None
    edit_count: int = 0
    recalled_at: int | None = None  # a tombstone: no text, no attachment
    forwarded_from: str = ""  # the name the source shows as the original author
    mentions: tuple[str, ...] = ()  # Person.key of each mentioned person
    reactions: tuple[Reaction, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Chat:
    key: str  # the same chat in two exports has the same key (Telegram's chat id; WhatsApp: its
    # name and participants)
    kind: str  # direct | group
    title: str
    announcement: str = ""
    created_at: int | None = None
    people: tuple[Person, ...] = field(default=())
    entries: Iterator[Entry] = field(default_factory=lambda: iter(()))


@dataclass(frozen=True, kw_only=True)
class Like:
    sender: str  # Person.key
    at: int


@dataclass(frozen=True, kw_only=True)
class Comment:
    key: str
    sender: str  # Person.key
    text: str
    at: int
    reply_to: str | None = None  # Comment.key


@dataclass(frozen=True, kw_only=True)
class Moment:
    """One of the importing user's own moments (guanxi archives carry them), with the likes and
    comments it had; `people` names everyone who liked or commented."""

    key: str
    text: str
    at: int
    place: str = ""
    media: tuple[Attachment, ...] = ()
    likes: tuple[Like, ...] = ()
    comments: tuple[Comment, ...] = ()
    people: tuple[Person, ...] = ()
