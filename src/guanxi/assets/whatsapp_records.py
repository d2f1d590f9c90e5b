"""A WhatsApp export file as a stream of records: a stamped line with the lines that continue
it. Read line by line (a file is never held whole) with a cap on a line and on a record; a
file that is not UTF-8 text, has a NUL byte, or does not begin with a stamp is refused with its
name and line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from guanxi.assets.bundle import BadArchive, Source
from guanxi.assets.whatsapp_dates import Stamp, parse_header

MAX_MESSAGE_CHARS = 100_000  # WhatsApp's own limit is 65,536 characters
MAX_LINE_BYTES = 4 * MAX_MESSAGE_CHARS  # a character is at most 4 bytes of UTF-8
SNIFF_LINES = 5  # blank lines allowed before the first stamp when sniffing a file


@dataclass(kw_only=True)
class Record:
    line: int  # the line number of its stamp, from 1
    stamp: Stamp
    lines: list[str] = field(default_factory=list)  # the text after the stamp, then the rest
    chars: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip()


def records(source: Source, name: str) -> Iterator[Record]:
    """Every record of the file, in order."""
    with source.open(name) as stream:
        current: Record | None = None
        for number, line in lines(stream, name):
            parsed = parse_header(line)
            if parsed is not None:
                if current is not None:
                    yield current
                current = Record(line=number, stamp=parsed[0])
                _add(current, parsed[1], name)
            elif current is not None:
                _add(current, line, name)
            elif line.strip():
                raise BadArchive(
                    "not a WhatsApp chat: the line does not begin with a date and time",
                    "not_whatsapp",
                    file=name,
                    record=f"line {number}",
                )
        if current is not None:
            yield current


def _add(record: Record, line: str, name: str) -> None:
    record.chars += len(line) + 1
    if record.chars > MAX_MESSAGE_CHARS:
        raise BadArchive(
            f"a message longer than {MAX_MESSAGE_CHARS} characters",
            "message_too_long",
            file=name,
            record=f"line {record.line}",
        )
    record.lines.append(line)


def lines(stream: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """(line number, line without its end) for each line; refuses what is no text."""
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        where = {"file": name, "record": f"line {number}"}
        if len(raw) > MAX_LINE_BYTES:
            raise BadArchive(f"a line longer than {MAX_LINE_BYTES} bytes", "line_too_long", **where)
        if b"\x00" in raw:
            raise BadArchive("not a text file (a NUL byte)", "not_text", **where)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadArchive("not UTF-8 text", "not_text", **where) from None
        yield number, (text.lstrip("\ufeff") if number == 1 else text).rstrip("\r\n")


def looks_like_chat(source: Source, name: str) -> bool:
    """Whether the file's first line with anything on it, within the first few, is stamped."""
    try:
        with source.open(name) as stream:
            for number, line in lines(stream, name):
                if line.strip():
                    return parse_header(line) is not None
                if number >= SNIFF_LINES:
                    break
    except BadArchive:
        return False
    return False
