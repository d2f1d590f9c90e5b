"""A Telegram message's text, flattened: Telegram writes it as a string, or as a list of strings
and `{type, text}` entities (bold, links, mentions, custom emoji…), and from 2023 also as
`text_entities`, a list of entities only. guanxi keeps the plain text: every entity's own text,
in order, with no markup; a `mention_name` entity (a mention of a user by id) also becomes a
mention of that user."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import emoji

from guanxi.assets.bundle import BadArchive

MAX_TEXT_CHARS = 65_536  # Telegram's own limit is 4,096 (a caption's 1,024 to 4,096)
EMOJI_MAX = 16  # as conversations.rules: an emoji message is at most 16 code points


def flatten(data: dict[str, Any], *, file: str, record: str) -> tuple[str, tuple[str, ...]]:
    """The message's plain text and the user ids it mentions ("user123"), from its
    `text_entities` when it has them, else from its `text`."""
    parts = data.get("text_entities")
    if parts is None:
        parts = data.get("text", "")
    if isinstance(parts, str):
        return _capped(parts, file, record), ()
    if not isinstance(parts, list):
        raise BadArchive(
            "a message's text is neither a string nor a list",
            "wrong_type",
            file=file,
            record=record,
        )
    texts: list[str] = []
    mentions: list[str] = []
    for part in parts:
        texts.append(_part_text(part, mentions, file, record))
    return _capped("".join(texts), file, record), tuple(dict.fromkeys(mentions))


def _part_text(part: Any, mentions: list[str], file: str, record: str) -> str:
    if isinstance(part, str):
        return part
    text = part.get("text") if isinstance(part, dict) else None
    if not isinstance(text, str):
        raise BadArchive(
            "a part of a message's text has no text", "wrong_type", file=file, record=record
        )
    if part.get("type") == "mention_name":
        key = _user_key(part.get("user_id"))
        if key is not None:
            mentions.append(key)
    return text


def _user_key(user: Any) -> str | None:
    """A `mention_name`'s user id (a bare number, as an int or a string) as a person key."""
    if isinstance(user, bool) or not isinstance(user, int | str) or not str(user).isdigit():
        return None
    return f"user{int(user)}"


def _capped(text: str, file: str, record: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise BadArchive(
            f"a text is longer than {MAX_TEXT_CHARS} characters",
            "too_large",
            file=file,
            record=record,
        )
    return text


def mention_names(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(user key, name) of each user the text mentions by id; malformed parts are left to
    `flatten`, which refuses them."""
    parts = data.get("text_entities")
    if parts is None:
        parts = data.get("text")
    if not isinstance(parts, list):
        return []
    found: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, dict) and part.get("type") == "mention_name":
            key, name = _user_key(part.get("user_id")), part.get("text")
            if key is not None and isinstance(name, str):
                found.append((key, name.removeprefix("@")))
    return found


def text_kind(text: str) -> str:
    """What a text-only message is in guanxi: "emoji" (nothing but emoji, as an emoji message
    may be), "link" (one http(s) URL and nothing else) or "text"."""
    if not text or any(c.isspace() for c in text):
        return "text"
    if len(text) <= EMOJI_MAX and emoji.purely_emoji(text):
        return "emoji"
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        return "link"
    return "text"
