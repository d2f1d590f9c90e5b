"""Moment values handed between layers; `to_wire()` is what HTTP answers and events carry."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from guanxi.accounts.models import User
from guanxi.clock import iso
from guanxi.errors import InvalidInput
from guanxi.media.models import MediaRef


@dataclass(frozen=True, kw_only=True)
class Like:
    user: User
    created_at: int

    def to_wire(self) -> dict[str, Any]:
        return {"user": self.user.to_wire(), "created_at": iso(self.created_at)}


@dataclass(frozen=True, kw_only=True)
class Comment:
    id: int
    moment_id: int
    user: User
    text: str
    reply_to_id: int | None
    reply_to_user: User | None
    created_at: int

    def to_wire(self) -> dict[str, Any]:
        reply = None
        if self.reply_to_user is not None:
            reply = {"id": self.reply_to_id, "user": self.reply_to_user.to_wire()}
        return {
            "id": self.id,
            "moment_id": self.moment_id,
            "user": self.user.to_wire(),
            "text": self.text,
            "reply_to": reply,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, kw_only=True)
class Moment:
    """A moment as one viewer sees it: only the likes and comments that viewer may see."""

    id: int
    author: User
    text: str
    place: str
    media_ids: list[str]
    media: list[MediaRef]  # each upload as a message shows it, in media_ids order
    audience: str
    audience_tags: list[str]
    created_at: int
    likes: list[Like]
    comments: list[Comment]
    liked_by_me: bool
    is_mine: bool

    def to_wire(self) -> dict[str, Any]:
        audience = {"kind": self.audience, "tags": self.audience_tags} if self.is_mine else None
        return {
            "id": self.id,
            "author": self.author.to_wire(),
            "text": self.text,
            "place": self.place,
            "media_ids": self.media_ids,
            "media": [item.to_wire() for item in self.media],
            "audience": audience,
            "created_at": iso(self.created_at),
            "likes": [like.to_wire() for like in self.likes],
            "comments": [comment.to_wire() for comment in self.comments],
            "liked_by_me": self.liked_by_me,
        }


@dataclass(frozen=True, kw_only=True)
class Position:
    """Where a page of moments (newest first) stops: the last moment's time and id."""

    created_at: int
    id: int

    def encode(self) -> str:
        raw = f"{self.created_at}.{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            created_at, moment_id = (int(part) for part in raw.split("."))
        except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
            raise InvalidInput("cursor is not one this server gave out.", "bad_cursor") from exc
        if not (0 <= created_at < 2**62 and 0 < moment_id < 2**62):
            raise InvalidInput("cursor is not one this server gave out.", "bad_cursor")
        return cls(created_at=created_at, id=moment_id)


@dataclass(frozen=True, kw_only=True)
class MomentPage:
    moments: list[Moment]
    next_cursor: str | None

    def to_wire(self) -> dict[str, Any]:
        return {
            "moments": [m.to_wire() for m in self.moments],
            "next_cursor": self.next_cursor,
        }
