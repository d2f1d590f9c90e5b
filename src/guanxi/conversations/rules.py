"""What a message, a group name, an emoji and a client_id must look like. Pure functions."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import emoji

from guanxi.accounts.rules import check_line, check_text
from guanxi.conversations.models import MEDIA_KINDS, MESSAGE_KINDS
from guanxi.errors import InvalidInput

GROUP_NAME_MAX = 64
ANNOUNCEMENT_MAX = 2000
EMOJI_MAX = 16
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
MENTION = re.compile(r"@([a-z0-9_.]{3,32})")


def check_message(kind: str, text: str, max_chars: int) -> str:
    if kind not in MESSAGE_KINDS:
        raise InvalidInput(f"A message kind is one of: {', '.join(MESSAGE_KINDS)}.", "bad_kind")
    caption = kind in MEDIA_KINDS  # optional for media kinds
    text = check_text(text, field="text", max_chars=max_chars, allow_empty=caption)
    if kind == "emoji":
        check_emoji(text)
    if kind == "link":
        check_link(text)
    return text


def check_media_id(kind: str, media_id: str | None) -> None:
    """Media kinds carry an upload; the other kinds carry none."""
    if kind in MEDIA_KINDS and media_id is None:
        raise InvalidInput(f"A {kind} message needs a media_id (upload it first).", "no_media")
    if kind not in MEDIA_KINDS and media_id is not None:
        raise InvalidInput(
            f"Only {', '.join(MEDIA_KINDS)} messages carry a media_id.", "unexpected_media"
        )


NOT_A_REACTION = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def check_emoji(value: str) -> str:
    """An emoji message: emoji sequences only (Unicode's emoji data, through `emoji`)."""
    if not 1 <= len(value) <= EMOJI_MAX or not emoji.purely_emoji(value):
        raise InvalidInput("An emoji message is 1 to 16 code points of emoji.", "bad_emoji")
    return value


def check_reaction(value: str) -> str:
    """A reaction: exactly one emoji sequence of Unicode's emoji data (`👍`, `👍🏽`, `🇨🇳`,
    `👨‍👩‍👧`); a lone component (a skin tone, a hair style) is none."""
    data = emoji.EMOJI_DATA.get(value) if len(value) <= EMOJI_MAX else None
    if data is None or data["status"] == emoji.STATUS["component"]:
        raise InvalidInput("A reaction is one emoji.", "bad_emoji")
    return value


def check_reaction_to_remove(value: str) -> str:
    """Looser than `check_reaction` (older rules let more in), but never text no database
    can hold or no rule ever stored: control characters and lone surrogates."""
    if not 1 <= len(value) <= EMOJI_MAX or NOT_A_REACTION.search(value):
        raise InvalidInput("A reaction is one emoji.", "bad_emoji")
    return value


def check_link(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text.strip():
        raise InvalidInput("A link message is one http(s) URL.", "bad_link")
    return text


def check_client_id(client_id: str) -> str:
    if not CLIENT_ID.fullmatch(client_id):
        raise InvalidInput(
            "client_id is 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', ':' and '-'.",
            "bad_client_id",
        )
    return client_id


def check_group_name(name: str) -> str:
    return check_line(name, field="name", max_chars=GROUP_NAME_MAX, allow_empty=False)


def check_announcement(text: str) -> str:
    return check_text(text, field="announcement", max_chars=ANNOUNCEMENT_MAX)


def mentioned_handles(text: str) -> list[str]:
    """Handles written as @handle in the text, in order, once each."""
    found: list[str] = []
    for handle in MENTION.findall(text):
        if handle not in found:
            found.append(handle)
    return found


def direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def direct_peer(key: str, user_id: int) -> int:
    """The other side of a direct chat, from its key (a chat with oneself is one's own)."""
    low, _, high = key.partition(":")
    return int(high) if int(low) == user_id else int(low)
