"""Reading a guanxi archive's files as untrusted bytes: every file hashed while it streams and
checked against the manifest at its end (`hash_mismatch`), JSON Lines read a line at a time
with a cap on a line's length (`record_too_large`) and on nesting (`too_deep`), each record
checked for its shape (`bad_record`) — every error naming the file and the line."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from guanxi.assets.bundle import BadArchive, Source
from guanxi.assets.guanxi_checks import Check, Wrong

CHUNK = 1 << 16
MAX_LINE_BYTES = 1_048_576  # one record: a message, a moment with its comments, a conversation
MAX_JSON_FILE_BYTES = 64 * 1_048_576  # manifest.json lists every file's hash
MAX_DEPTH = 32  # the deepest record of the format is 4 levels down
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


class HashedReader(io.RawIOBase):
    """A file's bytes, hashed as they pass; at the end the hash must be the expected one."""

    def __init__(self, stream: BinaryIO, name: str, expected: str | None) -> None:
        super().__init__()
        self._stream = stream
        self._name = name
        self._expected = expected
        self._hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(min(len(buffer), CHUNK))
        if not data:
            self._check()
            return 0
        self._hash.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()

    def _check(self) -> None:
        if self._expected is not None and self._hash.hexdigest() != self._expected:
            raise BadArchive(
                "the file's SHA-256 is not the one the manifest lists", "hash_mismatch", self._name
            )


def open_hashed(source: Source, name: str, expected: str | None) -> io.BufferedReader:
    return io.BufferedReader(HashedReader(source.open(name), name, expected), CHUNK)


def hash_through(source: Source, name: str, expected: str) -> int:
    """Read a whole file to check its hash; its size."""
    with open_hashed(source, name, expected) as stream:
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
        return size


def records(
    source: Source, name: str, expected: str, check: Check
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each line of a JSON Lines file, each checked by `check`."""
    with open_hashed(source, name, expected) as stream:
        number = 0
        while line := stream.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES:
                raise BadArchive(
                    f"the line is longer than {MAX_LINE_BYTES} bytes",
                    "record_too_large",
                    name,
                    str(number),
                )
            yield number, parse(line, check, name, str(number))


def read_json(source: Source, name: str, expected: str | None, check: Check) -> dict[str, Any]:
    """A whole JSON file (manifest.json, profile.json), checked by `check`."""
    too_large = BadArchive(
        f"the file is larger than {MAX_JSON_FILE_BYTES} bytes", "record_too_large", name
    )
    if source.size(name) > MAX_JSON_FILE_BYTES:
        raise too_large
    with open_hashed(source, name, expected) as stream:
        data = stream.read(MAX_JSON_FILE_BYTES + 1)
        if len(data) > MAX_JSON_FILE_BYTES or stream.read(1):  # to its end: the hash is checked
            raise too_large
    return parse(data, check, name, "")


def parse(data: bytes, check: Check, name: str, record: str) -> dict[str, Any]:
    if not data.strip():
        raise BadArchive("an empty line is not a record", "bad_record", name, record)
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and depth(data) > MAX_DEPTH:
        raise BadArchive(f"nested deeper than {MAX_DEPTH} levels", "too_deep", name, record)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise BadArchive(f"not JSON: {error}", "bad_json", name, record) from error
    try:
        check(value, "")
    except Wrong as wrong:
        raise BadArchive(str(wrong), "bad_record", name, record) from None
    result: dict[str, Any] = value
    return result


def depth(data: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    deepest = level = 0
    for byte in brackets:
        level += 1 if byte in b"[{" else -1
        deepest = max(deepest, level)
    return deepest
