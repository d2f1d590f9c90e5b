"""A Telegram Desktop `result.json` read as a stream: the account's personal information, each
chat's header fields and each message as a small dict, in file order, never the file whole.

ijson (yajl's C parser) turns the bytes into events; this module builds one message at a time
from them. What an upload could use to exhaust the server is refused with `BadArchive`: nesting
deeper than MAX_DEPTH, a string or any other token longer than MAX_TOKEN_BYTES (checked on the
bytes before the parser buffers it), a message of more than MAX_RECORD_EVENTS parts or
MAX_RECORD_CHARS characters, and JSON that is not well formed or is cut short.

Telegram Desktop writes a control character inside a string as `\\xNN`, which is not JSON; the
bytes are mended to `\\u00NN` on their way to the parser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson  # type: ignore[import-untyped]

from guanxi.assets.bundle import BadArchive

MAX_DEPTH = 32  # a message nests 5 levels deep, the whole file about 10
MAX_TOKEN_BYTES = 1 << 20  # no string, number or run of whitespace longer than this
MAX_RECORD_EVENTS = 100_000  # parts of one message (a 4,096-character text has fewer)
MAX_RECORD_CHARS = 4 << 20  # characters of all the strings of one message
CHUNK = 1 << 16

# Where the messages are: a single chat's export has them at the top, an account export in
# each chat of `chats.list` (and of `left_chats.list`: channels and groups the user left).
CHAT_LISTS = ("chats.list.item", "left_chats.list.item")
MESSAGES = {"messages.item": ""} | {f"{p}.messages.item": p for p in CHAT_LISTS}
HEADER_FIELDS = ("name", "type", "id")
MESSAGE_LISTS = frozenset(p.removesuffix(".item") for p in MESSAGES)
HEADERS = {f"{p}.{f}".lstrip("."): f for p in ("", *CHAT_LISTS) for f in HEADER_FIELDS}
OPEN = frozenset(("start_map", "start_array"))
CLOSE = frozenset(("end_map", "end_array"))


@dataclass(frozen=True, kw_only=True)
class Personal:
    """The account's `personal_information` (an account export only)."""

    data: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ChatStart:
    index: int  # the chat's place in the file, from 0
    path: str  # its JSON path: "" (a single chat's export) or "chats.list[3]"
    messages: str  # the ijson prefix of its messages: "messages.item", "chats.list.item.…"


@dataclass(frozen=True, kw_only=True)
class Field:
    """One of the chat's own scalar fields (name, type, id), wherever it stands in the chat."""

    chat: int
    name: str
    value: Any


@dataclass(frozen=True, kw_only=True)
class Message:
    chat: int
    path: str  # "chats.list[3].messages[17]"
    data: dict[str, Any]

    @property
    def record(self) -> str:
        """How an error names this message: its JSON path and, if it has one, its id."""
        id_ = self.data.get("id")
        return f"{self.path} (id {id_})" if isinstance(id_, int | str) else self.path


Item = Personal | ChatStart | Field | Message


def read_items(stream: BinaryIO, file: str) -> Iterator[Item]:
    """Every item of the file in order; raises BadArchive naming the file and the record."""
    walker = _Walker(file)
    events = ijson.parse(_Guard(stream, file, walker.where), use_float=True)
    try:
        yield from walker.walk(events)
    except ijson.JSONError as error:
        detail = str(error).splitlines()[0] if str(error) else "not JSON"
        raise BadArchive(
            f"not well-formed JSON ({detail})", "invalid_json", file=file, record=walker.where()
        ) from None


def read_messages(stream: BinaryIO, file: str, prefix: str) -> Iterator[dict[str, Any]]:
    """The messages at one prefix, built by ijson's C code. Only for a file that `read_items`
    has read whole before: that pass refused what is too deep or too large, so this one may
    build without looking."""
    try:
        yield from ijson.items(_Guard(stream, file, lambda: ""), prefix, use_float=True)
    except ijson.JSONError as error:  # the file changed between the passes
        raise BadArchive(f"not well-formed JSON ({error})", "invalid_json", file=file) from None


class _Guard:
    """The file's bytes on their way to the parser: a token longer than MAX_TOKEN_BYTES is
    refused before yajl buffers it, and Telegram's `\\xNN` escapes become `\\u00NN`.

    A JSON string holds no quote byte that follows a non-backslash byte (an inner quote is
    escaped), so the distance between two such quote bytes bounds every string — and every
    number or run of whitespace, which hold no quote at all."""

    BOUNDARY = re.compile(rb'[^\\]"')
    LAST_BOUNDARY = re.compile(rb'"[^\\]')  # searched in the reversed bytes
    ESCAPE = re.compile(rb"\\([\\x])")

    def __init__(self, raw: BinaryIO, file: str, where: Callable[[], str]) -> None:
        self.raw = raw
        self.file = file
        self.where = where  # the record the parser is in, for an error
        self.held = b""  # a backslash cut from its escape at the end of the last read
        self.previous = b" "  # the last byte handed on
        self.offset = 0  # bytes handed on so far
        self.boundary = 0  # offset of the last quote that can end a string

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        chunk = b""
        while not chunk:  # an empty read would mean the end to the parser
            data = self.raw.read(CHUNK)
            chunk, self.held = self.held + data, b""
            if not data:
                break
            trailing = len(chunk) - len(chunk.rstrip(b"\\"))
            if trailing % 2:
                chunk, self.held = chunk[:-1], chunk[-1:]
        if b"\\x" in chunk:
            chunk = self.ESCAPE.sub(_mend_escape, chunk)
        self._check_tokens(chunk)
        return chunk

    def _check_tokens(self, chunk: bytes) -> None:
        scan = self.previous + chunk
        first = self.BOUNDARY.search(scan)
        end = self.offset + len(chunk)
        reach = end if first is None else self.offset + first.start()
        if reach - self.boundary > MAX_TOKEN_BYTES:
            raise BadArchive(
                f"a string or number is longer than {MAX_TOKEN_BYTES} bytes",
                "too_large",
                file=self.file,
                record=self.where() or f"byte {self.boundary}",
            )
        last = self.LAST_BOUNDARY.search(scan[::-1])
        if last is not None:
            self.boundary = end - last.start() - 1
        self.offset = end
        self.previous = chunk[-1:] or self.previous


def _mend_escape(match: re.Match[bytes]) -> bytes:
    return b"\\\\" if match.group(1) == b"\\" else b"\\u00"


class _Walker:
    """Turns parser events into items; keeps where it is for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.depth = 0
        self.chat = -1
        self.chat_path = ""
        self.listed: dict[str, int] = {}  # chats seen so far in each list
        self.message = -1  # index of the message being read, within its chat
        self.builder: _Builder | None = None

    def where(self) -> str:
        if self.builder is not None:
            return self.builder.record
        if self.message >= 0:
            return f"{self.chat_path}.messages[{self.message}]".lstrip(".")
        return self.chat_path

    def walk(self, events: Iterator[tuple[str, str, Any]]) -> Iterator[Item]:
        events = iter(events)
        for prefix, event, value in events:
            item = self._outside(prefix, event, value)
            builder = self.builder
            if builder is not None:  # a message or personal_information starts: read it whole
                builder.build(events)
                self.builder = None
                self.depth -= 1
                yield builder.result(self.chat)
            elif item is not None:
                yield item

    def _outside(self, prefix: str, event: str, value: Any) -> Item | None:
        if event in CLOSE:
            self.depth -= 1
            return None
        if prefix in MESSAGES:
            self._start_message(event)
            return None
        if prefix in MESSAGE_LISTS and event != "start_array":
            raise BadArchive(
                "messages are not a JSON array", "wrong_type", file=self.file, record=prefix
            )
        if event in OPEN:
            return self._open(prefix, event)
        if prefix == "" and event == "map_key" and value == "messages" and self.chat < 0:
            return self._start_chat("")
        if prefix in HEADERS and event != "map_key":
            return Field(chat=max(self.chat, 0), name=HEADERS[prefix], value=value)
        return None

    def _open(self, prefix: str, event: str) -> Item | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BadArchive(
                f"JSON nested deeper than {MAX_DEPTH} levels",
                "too_deep",
                file=self.file,
                record=self.where() or prefix,
            )
        if event == "start_map" and prefix in CHAT_LISTS:
            return self._start_chat(prefix)
        if event == "start_map" and prefix == "personal_information":
            self.builder = _Builder(self, prefix, self.depth)
        return None

    def _start_chat(self, list_prefix: str) -> ChatStart:
        self.chat += 1
        self.message = -1
        if list_prefix:
            at = self.listed.get(list_prefix, 0)
            self.listed[list_prefix] = at + 1
            self.chat_path = f"{list_prefix.removesuffix('.item')}[{at}]"
        messages = f"{list_prefix}.messages.item".lstrip(".")
        return ChatStart(index=self.chat, path=self.chat_path, messages=messages)

    def _start_message(self, event: str) -> None:
        self.message += 1
        path = f"{self.chat_path}.messages[{self.message}]".lstrip(".")
        if event != "start_map":
            raise BadArchive(
                "a message is not a JSON object", "wrong_type", file=self.file, record=path
            )
        self.depth += 1
        self.builder = _Builder(self, path, self.depth)


class _Builder:
    """One JSON object built from its events, within the depth and size caps."""

    def __init__(self, walker: _Walker, path: str, depth: int) -> None:
        self.walker = walker
        self.path = path
        self.base = depth
        self.root: dict[str, Any] = {}
        self.stack: list[Any] = [self.root]
        self.keys: list[str | None] = [None]
        self.events = 0
        self.chars = 0

    @property
    def record(self) -> str:
        id_ = self.root.get("id")
        return f"{self.path} (id {id_})" if isinstance(id_, int | str) else self.path

    def result(self, chat: int) -> Item:
        if self.path == "personal_information":
            return Personal(data=self.root)
        return Message(chat=chat, path=self.path, data=self.root)

    def build(self, events: Iterator[tuple[str, str, Any]]) -> None:  # noqa: C901
        """Reads the object's events up to its end, in one loop with no call per event: a
        message has some fifty events and this is where a Telegram import spends its time."""
        stack, keys = self.stack, self.keys
        room = MAX_DEPTH - self.base  # containers the object may still open
        for _prefix, event, value in events:
            self.events += 1
            if event == "map_key":
                keys[-1] = value
                continue
            if event == "end_map" or event == "end_array":
                stack.pop()
                keys.pop()
                if not stack:
                    return
                continue
            opens = event == "start_map" or event == "start_array"
            if opens:
                value = {} if event == "start_map" else []
            elif event == "string":
                self.chars += len(value)
            if self.events > MAX_RECORD_EVENTS or self.chars > MAX_RECORD_CHARS:
                raise self._too_large()
            top = stack[-1]
            if top.__class__ is list:
                top.append(value)
            else:
                top[keys[-1]] = value
            if opens:
                if len(stack) > room:
                    raise self._too_deep()
                stack.append(value)
                keys.append(None)
        # the events ended inside the object: the parser raises, saying why

    def _too_deep(self) -> BadArchive:
        return BadArchive(
            f"JSON nested deeper than {MAX_DEPTH} levels",
            "too_deep",
            file=self.walker.file,
            record=self.record,
        )

    def _too_large(self) -> BadArchive:
        what = (
            f"more than {MAX_RECORD_EVENTS} parts"
            if self.events > MAX_RECORD_EVENTS
            else f"more than {MAX_RECORD_CHARS} characters"
        )
        return BadArchive(
            f"a record has {what}", "too_large", file=self.walker.file, record=self.record
        )
