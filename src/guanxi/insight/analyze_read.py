"""Reading an interaction log as it streams: `src dst time` lines (whitespace or commas,
`.gz` too), a block of lines at a time, parsed by numpy in C (SNAP's CollegeMsg and
email-Eu-core-temporal are such logs). Times are seconds; the analyzer works in ms."""

from __future__ import annotations

import gzip
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
BLOCK_BYTES = 16 * 1024 * 1024
COMMENTS = (b"#", b"%")  # SNAP and KONECT headers
MAX_ID = 2**62
MAX_SECONDS = 10**13  # ~300,000 years either side of 1970; in ms it stays well inside int64


class BadLog(ValueError):
    """A log that is not `src dst time` lines; says which line."""


@dataclass(frozen=True, kw_only=True)
class Chunk:
    """Messages in the order read: node ids as the source numbers them, times in ms."""

    src: Ints
    dst: Ints
    t: Ints
    bytes_read: int  # of the file so far (compressed bytes for .gz)


def read_log(path: Path, block_bytes: int = BLOCK_BYTES) -> Iterator[Chunk]:
    """The log's messages, a block at a time (memory does not grow with the file)."""
    with path.open("rb") as raw:
        if path.suffix != ".gz":
            yield from _blocks(raw, raw, block_bytes)
            return
        with gzip.GzipFile(fileobj=raw) as unpacked:
            yield from _blocks(unpacked, raw, block_bytes)


def _blocks(source: io.BufferedIOBase, raw: BinaryIO, block_bytes: int) -> Iterator[Chunk]:
    rest = b""
    line = 1
    while block := source.read(block_bytes):
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            yield _chunk(block[:cut], line, raw.tell())
            line += block.count(b"\n", 0, cut)
    if rest.strip():
        yield _chunk(rest + b"\n", line, raw.tell())


def _chunk(text: bytes, first_line: int, bytes_read: int) -> Chunk:
    numbers = _numbers(text, first_line)
    table = numbers.reshape(-1, 3)
    return Chunk(src=table[:, 0], dst=table[:, 1], t=table[:, 2] * 1000, bytes_read=bytes_read)


def _numbers(text: bytes, first_line: int) -> Ints:
    lines = text.count(b"\n")
    numbers = _parse(text.replace(b",", b" "))
    if numbers is not None and len(numbers) == 3 * lines and _in_range(numbers.reshape(-1, 3)):
        return numbers
    return _careful(text, first_line)


def _in_range(table: Ints) -> bool:
    """Ids that parsed without overflow (numpy clamps to the int64 ends), times in range."""
    ids = table[:, :2]
    return bool((np.abs(ids) < MAX_ID).all() and (np.abs(table[:, 2]) <= MAX_SECONDS).all())


def _parse(text: bytes) -> Ints | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return np.fromstring(text.decode("ascii"), dtype=np.int64, sep=" ")
        except (ValueError, UnicodeDecodeError, DeprecationWarning):
            return None


def _careful(text: bytes, first_line: int) -> Ints:
    """Line by line: skips blank and comment lines, names the first bad line."""
    rows: list[list[int]] = []
    for number, line in enumerate(text.split(b"\n")[:-1], start=first_line):
        fields = line.replace(b",", b" ").split()
        if not fields or fields[0].startswith(COMMENTS):
            continue
        if len(fields) != 3 or not all(f.lstrip(b"-").isdigit() for f in fields):
            shown = line[:80].decode("utf-8", "replace")
            raise BadLog(f"line {number}: expected `src dst unix_time` integers, got {shown!r}")
        row = [int(f) for f in fields]
        if abs(row[0]) >= MAX_ID or abs(row[1]) >= MAX_ID or abs(row[2]) > MAX_SECONDS:
            raise BadLog(f"line {number}: a number out of range (ids below 2^62, times in seconds)")
        rows.append(row)
    return np.asarray(rows, dtype=np.int64).reshape(-1)
