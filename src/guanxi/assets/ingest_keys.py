"""What makes an import idempotent, and what an entry becomes as a message. Pure functions.

An entry is recognised again by its fingerprint: the SHA-256 of the source, the chat's key, the
sender's key, the time, the text and the attachment's name, with the entry's occurrence among
identical entries of the chat at the same time (WhatsApp has minute precision: "ok" twice in
one minute is two messages, in every export of the chat)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable

from guanxi.accounts.rules import check_line
from guanxi.assets.bundle import SYSTEM, Entry
from guanxi.conversations import rules
from guanxi.conversations.models import MEDIA_KINDS
from guanxi.errors import InvalidInput

KEY_MAX = 200  # the columns' width for a chat's and a person's key
# NUL, C0/C1 controls but newline and tab, lone surrogates: what no database stores as text
UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
NAME_MAX = 64


def stored_key(key: str) -> str:
    """A source's key as stored: itself when it fits, else its SHA-256 (a WhatsApp chat's key
    holds its participants' names)."""
    if len(key) <= KEY_MAX:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def base_fingerprint(source: str, chat_key: str, entry: Entry) -> str:
    name = entry.attachment.name if entry.attachment else ""
    parts = (source, chat_key, entry.sender or "", str(entry.at), entry.text, name)
    return _sha256("\x1f".join(parts))


class Fingerprints:
    """Fingerprints of a chat's entries in order: identical ones at the same time are told
    apart by their occurrence (counted within a run of one time, so memory stays flat)."""

    def __init__(self, source: str, chat_key: str) -> None:
        self.source = source
        self.chat_key = chat_key
        self._at: int | None = None
        self._seen: Counter[str] = Counter()

    def __call__(self, entry: Entry) -> str:
        if entry.at != self._at:
            self._at, self._seen = entry.at, Counter()
        base = base_fingerprint(self.source, self.chat_key, entry)
        occurrence = self._seen[base]
        self._seen[base] += 1
        return _sha256(f"{base}#{occurrence}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def storable(text: str) -> str:
    """Text with what no database can store taken out (NUL, controls, lone surrogates)."""
    return UNSTORABLE.sub("", text)


def display_name(name: str, fallback: str) -> str:
    """A person's name as a placeholder's display name: one visible line, at most 64."""
    line = " ".join(storable(name).split())[:NAME_MAX]
    for candidate in (line, fallback[:NAME_MAX], "Someone"):
        try:
            return check_line(
                candidate, field="display_name", max_chars=NAME_MAX, allow_empty=False
            )
        except InvalidInput:
            continue
    return "Someone"


def message_kind(entry: Entry, media_kind: str | None) -> str:
    """The stored kind: a system line stays one; an attachment that came along takes the kind
    the media domain found in it; one that did not is text (the caption, or a note); emoji and
    link keep their kind only where they are what a send would accept."""
    if entry.kind == SYSTEM:
        return SYSTEM
    if media_kind is not None:
        return media_kind
    if entry.kind == "emoji" and _accepted(rules.check_emoji, entry.text):
        return "emoji"
    if entry.kind == "link" and _accepted(rules.check_link, entry.text):
        return "link"
    return "text"


def message_text(entry: Entry, media_kind: str | None) -> str:
    """The stored text: a tombstone has none; a missing attachment is named in the text."""
    if entry.recalled_at is not None:
        return ""
    text = storable(entry.text)
    if entry.forwarded_from:
        text = f"Forwarded from {storable(entry.forwarded_from)}:\n{text}"
    missing = entry.attachment is not None and media_kind is None
    if missing or (entry.kind in MEDIA_KINDS and media_kind is None):
        what = entry.attachment.kind if entry.attachment else entry.kind
        name = storable(entry.attachment.name) if entry.attachment else ""
        note = f"[{what} not imported{': ' + name if name else ''}]"
        text = f"{note}\n{text}" if text else note
    return text


def _accepted(check: Callable[[str], str], text: str) -> bool:
    try:
        check(text)
    except InvalidInput:
        return False
    return True
