"""A guanxi archive (docs/export-format.md) as an interaction log for `guanxi insight analyze`.

A message in a direct chat goes from its sender to the other member; a message in a group
goes to the author of the message it replies to (a group message without a reply has no one
addressee and is left out); system lines are left out. Handles are numbered in the order
they first appear."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from guanxi.assets.bundle import Entry
from guanxi.assets.guanxi_reader import read_guanxi
from guanxi.assets.guanxi_records import GuanxiChat
from guanxi.assets.source_zip import ZipLimits, ZipSource
from guanxi.insight.analyze_read import Chunk


def archive_chunks(path: Path) -> Iterator[Chunk]:
    """The archive's messages as one chunk (times in ms)."""
    numbers: dict[str, int] = {}
    rows: list[tuple[int, int, int]] = []
    for chat in read_guanxi(ZipSource(path, ZipLimits())).chats():
        for sender, target, at in _messages(chat):
            rows.append((_number(numbers, sender), _number(numbers, target), at))
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    yield Chunk(src=table[:, 0], dst=table[:, 1], t=table[:, 2], bytes_read=path.stat().st_size)


def _messages(chat: GuanxiChat) -> Iterator[tuple[str, str, int]]:
    members = [person.key for person in chat.people]
    authors: dict[str, str] = {}
    for entry in chat.entries:
        if entry.sender is None or entry.kind == "system":
            continue
        authors[entry.key] = entry.sender
        target = _addressee(chat.kind, members, entry, authors)
        if target is not None and target != entry.sender:
            yield entry.sender, target, entry.at


def _addressee(kind: str, members: list[str], entry: Entry, authors: dict[str, str]) -> str | None:
    if kind == "direct":
        others = [m for m in members if m != entry.sender]
        return others[0] if others else None
    return None if entry.reply_to is None else authors.get(entry.reply_to)


def _number(numbers: dict[str, int], handle: str) -> int:
    return numbers.setdefault(handle, len(numbers))
