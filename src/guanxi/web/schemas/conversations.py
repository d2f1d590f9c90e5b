"""Conversations and messages on the wire."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictBool

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
    muted: StrictBool | None = Field(
        None, description="Mute the chat for yourself on every device (any member)."
    )
    pinned: StrictBool | None = Field(
        None, description="Pin the chat to the top of your list, on every device (any member)."
    )
    archived: StrictBool | None = Field(
        None, description="Move the chat into your archive, on every device (any member)."
    )

    def patch(self) -> ConversationPatch:
        return ConversationPatch(
            name=self.name,
            announcement=self.announcement,
            muted=self.muted,
            pinned=self.pinned,
            archived=self.archived,
        )


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


class ForwardIn(In):
    seqs: list[int] = Field(min_length=1, max_length=20, description="Messages of this chat.")
    to: list[int] = Field(min_length=1, max_length=10, description="Chats to forward them to.")
    client_id: Text | None = Field(
        None,
        max_length=64,
        description="Makes a retry safe: the same forward again creates nothing and answers "
        "the same messages.",
    )


class HideIn(In):
    seqs: list[int] = Field(min_length=1, max_length=100, description="Messages of this chat.")


class HiddenOut(BaseModel):
    conversation_id: int
    seqs: list[int] = Field(description="The messages newly deleted for you.")


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


class SystemLineOut(BaseModel):
    type: Literal[
        "created", "added", "joined", "left", "removed", "renamed", "announcement", "admin"
    ]
    by: str = Field(description="Who did it.")
    who: list[str] = Field(description="Whom it concerns (added, joined, left, removed, admin).")
    name: str = Field(description="The group's name (created, renamed); else empty.")
    on: bool = Field(description="False when an admin's role or the announcement was taken away.")


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
    read_count: int | None = Field(
        None,
        description="In a group's history: how many members other than the sender have read"
        " it (null in a direct chat, for a past member, and in events).",
    )
    system: SystemLineOut | None = Field(
        None, description='A group\'s system line as data (kind "system"; null otherwise).'
    )
    forwarded: bool = Field(False, description="Forwarded from another chat by its sender.")
    edited: bool
    edited_at: str | None
    recalled: bool
    recalled_at: str | None
    created_at: str


class MessageList(BaseModel):
    messages: list[MessageOut]


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
    muted: bool = Field(description="Whether you muted this chat (on all your devices).")
    pinned: bool = Field(False, description="Whether you pinned this chat (your list only).")
    archived: bool = Field(False, description="Whether you archived this chat (your list only).")
    peer_last_read_seq: int | None = Field(
        None,
        description="A direct chat's read receipt: the other person's read marker (null in a"
        " group, and when either has blocked the other or they are not friends).",
    )


class ReaderPage(BaseModel):
    readers: list[UserOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class ConversationPage(BaseModel):
    conversations: list[ConversationOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class MemberPage(BaseModel):
    members: list[MemberOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class ReadOut(BaseModel):
    conversation_id: int
    seq: int
