"""Friend requests, friends and blocks on the wire."""

from __future__ import annotations

from pydantic import BaseModel, Field

from guanxi.relationships.models import FriendPatch
from guanxi.web.schemas.accounts import UserOut
from guanxi.web.schemas.fields import In, Text


class FriendRequestIn(In):
    to: Text = Field(max_length=64)
    greeting: Text = Field("", max_length=1000)
    role: Text = Field("acquaintance", max_length=32)


class AcceptIn(In):
    role: Text = Field("acquaintance", max_length=32)
    remark: Text = Field("", max_length=200)
    tags: list[Text] = Field(default_factory=list, max_length=100)


class FriendIn(In):
    role: Text | None = Field(None, max_length=32)
    remark: Text | None = Field(None, max_length=200)
    tags: list[Text] | None = Field(None, max_length=100)
    hide_my_moments: bool | None = None
    hide_their_moments: bool | None = None

    def patch(self) -> FriendPatch:
        return FriendPatch(
            role=self.role,
            remark=self.remark,
            tags=self.tags,
            hide_my_moments=self.hide_my_moments,
            hide_their_moments=self.hide_their_moments,
        )


class FriendRequestOut(BaseModel):
    id: int
    from_: UserOut = Field(alias="from")
    to: UserOut
    greeting: str
    role: str
    status: str
    created_at: str


class FriendRequestPage(BaseModel):
    incoming: list[FriendRequestOut]
    outgoing: list[FriendRequestOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class FriendOut(BaseModel):
    user: UserOut
    role: str
    remark: str
    tags: list[str]
    hide_my_moments: bool
    hide_their_moments: bool
    since: str


class FriendPage(BaseModel):
    friends: list[FriendOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class ProfileOut(BaseModel):
    user: UserOut
    is_friend: bool
    friend: FriendOut | None
    is_blocked: bool


class BlockPage(BaseModel):
    blocked: list[UserOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")
