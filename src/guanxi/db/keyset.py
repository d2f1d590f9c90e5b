"""Opaque cursors for lists paged by keyset (never by offset), and the page they come with.

A cursor names the last item of a page by the values the list is ordered on (for the chat
list: last activity and id). The next page starts strictly after it, so an item that moves
up (a chat with a new message) cannot show twice, and items below it cannot be skipped.
A cursor also names its list, so one list's cursor given to another is refused.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from guanxi.errors import InvalidInput

T = TypeVar("T")
Key = tuple[int | str, ...]
BIGGEST = 2**63 - 1
_TEXT_MAX = 400


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the cursor of the next (None: this was the last)."""

    items: list[T]
    next_cursor: str | None


async def let_others_run() -> None:
    """Hand the event loop to whatever else is waiting. SQLite statements run inline on the
    loop (db/inline_sqlite.py), so a page built of several statements would otherwise hold
    it from first to last; between its steps, other users' requests go first."""
    await asyncio.sleep(0)


def encode(list_name: str, key: Key) -> str:
    raw = json.dumps([list_name, *key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, list_name: str, shape: tuple[type, ...]) -> Key:
    """The key inside a cursor this server gave out for `list_name`; else 422 bad_cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad() from exc
    if not isinstance(value, list) or value[:1] != [list_name] or len(value) != len(shape) + 1:
        raise _bad()
    key = tuple(value[1:])
    if not all(_fits(part, kind) for part, kind in zip(key, shape, strict=True)):
        raise _bad()
    return key


def decode_pair(cursor: str | None, list_name: str) -> tuple[int, int] | None:
    """A cursor of two integers (a time and an id, say); None for a first page."""
    if not cursor:
        return None
    first, second = decode(cursor, list_name, (int, int))
    return int(first), int(second)


def page_of(items: list[T], limit: int, list_name: str, key_of: Callable[[T], Key]) -> Page[T]:
    """The first `limit` of `items` (fetched as limit + 1), with the cursor after the last."""
    more = len(items) > limit
    kept = items[:limit]
    if not more or not kept:
        return Page(kept, None)
    return Page(kept, encode(list_name, key_of(kept[-1])))


def _fits(part: object, kind: type) -> bool:
    if kind is int:
        return type(part) is int and -BIGGEST <= part <= BIGGEST
    return isinstance(part, str) and len(part) <= _TEXT_MAX


def _bad() -> InvalidInput:
    return InvalidInput("cursor is not one this server gave out for this list.", "bad_cursor")
