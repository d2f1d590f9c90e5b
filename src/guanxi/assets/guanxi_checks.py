"""Small, fast checks of a parsed JSON value's shape, as the guanxi-archive schemas state it
(`assets/schemas/*.json`): exact keys, types, enums, lengths, minimums. A failed check raises
`Wrong` with the path of the value ("members[2].role") and what it must be; the reader turns it
into a BadArchive naming the file and the line. Hand-written rather than a JSON Schema validator:
an import checks every record of a million-message archive, twice."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any, str], None]  # (value, its path) → None, or raises Wrong
LARGEST = 2**53 - 1  # every integer of the format (ids, seqs, times, sizes) fits a double


class Wrong(Exception):
    def __init__(self, path: str, expectation: str) -> None:
        super().__init__(f"'{path}' {expectation}")
        self.path = path


def integer(minimum: int = 0) -> Check:
    def check(value: Any, path: str) -> None:
        if type(value) is not int:
            raise Wrong(path, "must be an integer")
        if not minimum <= value <= LARGEST:
            raise Wrong(path, f"must be from {minimum} to {LARGEST}")

    return check


def string(min_length: int = 0, max_length: int | None = None, pattern: str = "") -> Check:
    matches = re.compile(pattern).fullmatch if pattern else None

    def check(value: Any, path: str) -> None:
        if type(value) is not str:
            raise Wrong(path, "must be a string")
        if len(value) < min_length or (max_length is not None and len(value) > max_length):
            longest = "" if max_length is None else f" and at most {max_length}"
            raise Wrong(path, f"must be at least {min_length}{longest} characters long")
        if matches is not None and not matches(value):
            raise Wrong(path, f"must match {pattern}")

    return check


def boolean(value: Any, path: str) -> None:
    if type(value) is not bool:
        raise Wrong(path, "must be true or false")


def one_of(*choices: str) -> Check:
    allowed = frozenset(choices)

    def check(value: Any, path: str) -> None:
        if type(value) is not str or value not in allowed:
            raise Wrong(path, "must be one of " + ", ".join(choices))

    return check


def nullable(inner: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if value is not None:
            inner(value, path)

    return check


def array(item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if type(value) is not list:
            raise Wrong(path, "must be a list")
        for index, element in enumerate(value):
            item(element, f"{path}[{index}]")

    return check


def shape(fields: dict[str, Check]) -> Check:
    """An object with exactly these keys (the format has no optional keys: absent is null)."""
    keys = frozenset(fields)

    def check(value: Any, path: str) -> None:
        if type(value) is not dict:
            raise Wrong(path or "record", "must be an object")
        if value.keys() != keys:
            _wrong_keys(value, keys, path)
        prefix = f"{path}." if path else ""
        for key, inner in fields.items():
            inner(value[key], prefix + key)

    return check


def mapping(key: Check, item: Check) -> Check:
    def check(value: Any, path: str) -> None:
        if type(value) is not dict:
            raise Wrong(path, "must be an object")
        for name, element in value.items():
            key(name, f"{path} key")
            item(element, f"{path}[{name!r}]")

    return check


def _wrong_keys(value: dict[str, Any], keys: frozenset[str], path: str) -> None:
    prefix = f"{path}." if path else ""
    missing = sorted(keys - value.keys())
    if missing:
        raise Wrong(prefix + missing[0], "is missing")
    extra = sorted(value.keys() - keys)
    raise Wrong(prefix + extra[0], "is not a key of this record (the format has no such key)")
