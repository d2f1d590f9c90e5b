"""The formats an import reads: each name with how to recognise it (`detect`, for format=auto)
and its parser (`read`: the source into bundle values, see bundle.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from guanxi.assets.bundle import BadArchive, Chat, Moment, Source
from guanxi.assets.guanxi_reader import detect_guanxi, read_guanxi_bundle
from guanxi.assets.telegram import detect_telegram, read_telegram
from guanxi.assets.whatsapp import detect_whatsapp, read_whatsapp

Read = Callable[..., Iterator[Chat | Moment]]  # read(source, *, me=None)


@dataclass(frozen=True, kw_only=True)
class Format:
    name: str
    detect: Callable[[Source], bool]
    read: Read


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format(name="guanxi", detect=detect_guanxi, read=read_guanxi_bundle),
        Format(name="telegram", detect=detect_telegram, read=read_telegram),
        Format(name="whatsapp", detect=detect_whatsapp, read=read_whatsapp),
    )
}


def format_for(name: str, source: Source) -> Format:
    """The named format, or (name "auto") the first that recognises the source."""
    if name != "auto":
        found = FORMATS.get(name)
        if found is None:
            raise BadArchive(f"This server cannot import {name} exports.", "unknown_format")
        return found
    for fmt in FORMATS.values():
        if fmt.detect(source):
            return fmt
    raise BadArchive(
        "This is not an export guanxi can read (a guanxi archive, a Telegram Desktop JSON"
        " export or a WhatsApp chat export).",
        "unknown_format",
    )
