"""Moments, likes and comments on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from guanxi.web.schemas.accounts import UserOut
from guanxi.web.schemas.fields import In, Text
from guanxi.web.schemas.media import MediaRefOut


class AudienceIn(In):
    kind: Literal["all", "only", "except", "private"] = "all"
    tags: list[Text] = Field(default_factory=list, max_length=100)


class MomentIn(In):
    text: Text = Field("", max_length=20000, examples=["春天来了 🌸"])
    media_ids: list[Text] = Field(default_factory=list, max_length=100)
    place: Text = Field("", max_length=1000, examples=["西湖"])
    audience: AudienceIn = Field(default_factory=AudienceIn)


class CommentIn(In):
    text: Text = Field(max_length=5000)
    reply_to: int | None = Field(None, ge=1, le=2**53, description="A comment id to answer.")


class AudienceOut(BaseModel):
    kind: str
    tags: list[str]


class LikeOut(BaseModel):
    user: UserOut
    created_at: str


class ReplyToOut(BaseModel):
    id: int | None
    user: UserOut


class CommentOut(BaseModel):
    id: int
    moment_id: int
    user: UserOut
    text: str
    reply_to: ReplyToOut | None
    created_at: str


class MomentOut(BaseModel):
    id: int
    author: UserOut
    text: str
    place: str
    media_ids: list[str]
    media: list[MediaRefOut] = Field(
        description="The uploads of media_ids, in the same order, with kind, size and dimensions."
    )
    audience: AudienceOut | None = Field(description="Shown to the author only.")
    created_at: str
    likes: list[LikeOut]
    comments: list[CommentOut]
    liked_by_me: bool


class MomentPage(BaseModel):
    moments: list[MomentOut]
    next_cursor: str | None
