"""What a search query and a search cursor must look like, and how a snippet is cut. Pure."""

from __future__ import annotations

import base64
import binascii

from guanxi.accounts.rules import check_text
from guanxi.errors import InvalidInput

QUERY_MAX = 100
SNIPPET_BEFORE = 30
SNIPPET_LENGTH = 120
ELLIPSIS = "…"


def check_query(q: str) -> str:
    """One line of 1 to 100 characters (after trimming spaces), any script."""
    q = q.strip()
    check_text(q, field="q", max_chars=QUERY_MAX, allow_empty=False)
    if "\n" in q or "\t" in q:
        raise InvalidInput("q is one line.", "invalid_text")
    return q


def encode_cursor(created_at: int, message_id: int) -> str:
    raw = f"{created_at}:{message_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    """(created_at, id) of the last message of the previous page."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, message_id = (int(part) for part in raw.split(":"))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput("cursor is not one this server gave out.", "bad_cursor") from exc
    if not (0 <= created_at < 2**63 and 0 < message_id < 2**63):
        raise InvalidInput("cursor is not one this server gave out.", "bad_cursor")
    return created_at, message_id


def snippet(text: str, q: str) -> str:
    """At most SNIPPET_LENGTH characters of `text` around the first match of `q`."""
    if len(text) <= SNIPPET_LENGTH:
        return text
    at = max(text.lower().find(q.lower()), 0)
    start = max(0, min(at - SNIPPET_BEFORE, len(text) - SNIPPET_LENGTH))
    end = start + SNIPPET_LENGTH
    head = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    return head + text[start:end] + tail
