"""Conversations and messages on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from guanxi.conversations.models import ConversationPatch
from guanxi.conversations.service_messages import Draft
from guanxi.web.schemas.accounts import UserOut
from guanxi.web.schemas.fields import In, Text
from guanxi.web.schemas.media import MediaRefOut


class ConversationIn(In):
    kind: Literal["direct", "group"]
    with_: Text | None = Field(None, alias="with", max_length=64)
    name: Text | None = Field(None, max_length=200)
    members: list[Text] = Field(default_factory=list, max_length=1000)


class ConversationPatchIn(In):
    name: Text | None = Field(None, max_length=200)
    announcement: Text | None = Field(None, max_length=5000)

    def patch(self) -> ConversationPatch:
        return ConversationPatch(name=self.name, announcement=self.announcement)


class MembersIn(In):
    handles: list[Text] = Field(min_length=1, max_length=1000)


class MemberRoleIn(In):
    role: Literal["admin", "member"]


class SendMessageIn(In):
    client_id: Text | None = Field(None, max_length=64)
    kind: Text = Field("text", max_length=16)
    text: Text = Field("", max_length=20000)
    media_id: Text | None = Field(None, max_length=100)
    reply_to: int | None = Field(None, ge=1, le=2**53)

    def draft(self) -> Draft:
        """What the messages service sends; both entrances of a send (the route and
        web/send_path.py) make it here."""
        return Draft(self.client_id, self.kind, self.text, self.reply_to, self.media_id)


class EditMessageIn(In):
    text: Text = Field(max_length=20000)


class ReadIn(In):
    seq: int = Field(ge=0, le=2**53)


class ReactionOut(BaseModel):
    emoji: str
    count: int
    handles: list[str]


class QuoteOut(BaseModel):
    seq: int
    sender: str
    kind: str
    text: str
    recalled: bool


class MessageOut(BaseModel):
    id: int
    conversation_id: int
    seq: int
    sender: str
    client_id: str | None
    kind: str
    text: str
    reply_to: QuoteOut | None
    mentions: list[str]
    media: MediaRefOut | None = None
    reactions: list[ReactionOut]
    edited: bool
    edited_at: str | None
    recalled: bool
    recalled_at: str | None
    created_at: str


class MessagePage(BaseModel):
    messages: list[MessageOut]
    has_more: bool


class MemberOut(BaseModel):
    user: UserOut
    role: str


class ConversationOut(BaseModel):
    id: int
    kind: str
    name: str
    announcement: str
    owner: str | None
    last_seq: int
    created_at: str
    updated_at: str
    members: list[MemberOut]
    member_count: int
    peer: UserOut | None
    last_message: MessageOut | None
    unread: int
    last_read_seq: int


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class MemberPage(BaseModel):
    members: list[MemberOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class ReadOut(BaseModel):
    conversation_id: int
    seq: int
