"""Conversation values handed between layers, with their wire form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from guanxi.accounts.models import User
from guanxi.clock import iso
from guanxi.conversations.window import MembershipWindow
from guanxi.media.models import MediaRef

DIRECT = "direct"
GROUP = "group"
MEDIA_KINDS = ("image", "voice", "video", "file")
MESSAGE_KINDS = ("text", "emoji", "link", *MEDIA_KINDS)


class LeftView(TypedDict):
    """A group as a member saw it when they left (stored with the membership, as JSON)."""

    name: str
    announcement: str
    owner_id: int | None
    updated_at: int
    members: list[tuple[int, str]]  # (user id, role) of the others; JSON keeps them as lists


@dataclass(frozen=True, kw_only=True)
class Member:
    user_id: int
    role: str
    joined_seq: int
    joined_event: int
    left_seq: int | None
    left_event: int | None
    last_read_seq: int
    left_at: int | None = None  # when they left (ms), for what changed after

    @property
    def active(self) -> bool:
        return self.left_seq is None

    @property
    def window(self) -> MembershipWindow:
        """The member's window of history, (joined_seq, left_seq]."""
        return MembershipWindow(self.joined_seq, self.left_seq)

    @property
    def event_window(self) -> MembershipWindow:
        """The same window over the event log, (joined_event, left_event]: what replay sends."""
        return MembershipWindow(self.joined_event, self.left_event)

    def sees(self, seq: int) -> bool:
        """Whether a message with this seq lies in the member's window of history."""
        return self.window.covers(seq)


@dataclass(frozen=True, kw_only=True)
class Reaction:
    emoji: str
    handles: list[str]

    def to_wire(self) -> dict[str, Any]:
        return {"emoji": self.emoji, "count": len(self.handles), "handles": self.handles}


@dataclass(frozen=True, kw_only=True)
class Quote:
    """What a reply shows of the message it answers."""

    seq: int
    sender: str
    kind: str
    text: str
    recalled: bool

    def without_text(self) -> Quote:
        """The quote for someone who may not read the quoted message."""
        return replace(self, text="")

    def to_wire(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "sender": self.sender,
            "kind": self.kind,
            "text": self.text,
            "recalled": self.recalled,
        }


@dataclass(frozen=True, kw_only=True)
class Message:
    id: int
    conversation_id: int
    seq: int
    sender: str
    client_id: str | None
    kind: str
    text: str
    reply_to: Quote | None
    mentions: list[str]
    edited_at: int | None
    recalled_at: int | None
    created_at: int
    reactions: list[Reaction] = field(default_factory=list)
    media: MediaRef | None = None  # for media kinds

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation_id": self.conversation_id,
            "seq": self.seq,
            "sender": self.sender,
            "client_id": self.client_id,
            "kind": self.kind,
            "text": self.text,
            "reply_to": self.reply_to.to_wire() if self.reply_to else None,
            "mentions": self.mentions,
            "media": self.media.to_wire() if self.media else None,
            "reactions": [r.to_wire() for r in self.reactions],
            "edited": self.edited_at is not None,
            "edited_at": iso(self.edited_at),
            "recalled": self.recalled_at is not None,
            "recalled_at": iso(self.recalled_at),
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, kw_only=True)
class Conversation:
    id: int
    kind: str
    name: str
    announcement: str
    owner: str | None
    last_seq: int
    created_at: int
    updated_at: int
    member_count: int = 0
    members: list[tuple[User, str]] = field(default_factory=list)
    last_message: Message | None = None
    unread: int = 0
    last_read_seq: int = 0
    peer: User | None = None

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "announcement": self.announcement,
            "owner": self.owner,
            "last_seq": self.last_seq,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "members": [{"user": u.to_wire(), "role": role} for u, role in self.members],
            "member_count": self.member_count,
            "peer": self.peer.to_wire() if self.peer else None,
            "last_message": self.last_message.to_wire() if self.last_message else None,
            "unread": self.unread,
            "last_read_seq": self.last_read_seq,
        }


@dataclass(frozen=True, kw_only=True)
class ConversationPatch:
    """What a group's owner or an admin changes; None leaves a field as it is."""

    name: str | None = None
    announcement: str | None = None


@dataclass(frozen=True, kw_only=True)
class GroupInvitation:
    """An invitation into a group, as its invitee sees it."""

    id: int
    conversation_id: int
    group_name: str
    member_count: int
    inviter: User
    created_at: int
    expires_at: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "conversation": {
                "id": self.conversation_id,
                "name": self.group_name,
                "member_count": self.member_count,
            },
            "inviter": self.inviter.to_wire(),
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
        }
