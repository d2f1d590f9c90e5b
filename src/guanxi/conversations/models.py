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
MESSAGE_KINDS = ("text", "emoji", "link", *MEDIA_KINDS)  # what a send may be
SYSTEM = "system"  # a system entry: an import's (a join, a pin, a call), or a group's line
# what a group's system line says (`Message.system["type"]`), worded by each client
SYSTEM_LINES = ("created", "added", "joined", "left", "removed", "renamed", "announcement", "admin")
FORWARD_TARGETS_MAX = 10  # chats one forward may go to


class SystemLine(TypedDict, total=False):
    """A group's system line as data: `type` (SYSTEM_LINES), `by` (who did it), `who` (whom
    it concerns), `name` (the group's new name), `on` (false: an admin's role or the
    announcement taken away)."""

    type: str
    by: str
    who: list[str]
    name: str
    on: bool


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
    is_muted: bool = False  # no notifications on any of the member's devices
    is_pinned: bool = False
    is_archived: bool = False
    cleared_seq: int = 0  # the chat was deleted for them up to here: their history starts after

    @property
    def active(self) -> bool:
        return self.left_seq is None

    @property
    def window(self) -> MembershipWindow:
        """The member's window of history, (joined_seq, left_seq] — starting after
        `cleared_seq` when they deleted the chat for themselves."""
        return MembershipWindow(max(self.joined_seq, self.cleared_seq), self.left_seq)

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
    read_count: int | None = None  # in a group's history: members other than the sender who read it
    system: SystemLine | None = None  # a group's system line, as data
    forwarded: bool = False

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
            "read_count": self.read_count,
            "system": self.system,
            "forwarded": self.forwarded,
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
    muted: bool = False
    pinned: bool = False
    archived: bool = False
    peer_last_read_seq: int | None = None  # a direct chat's read receipt (receipts.py)

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
            "muted": self.muted,
            "pinned": self.pinned,
            "archived": self.archived,
            "peer_last_read_seq": self.peer_last_read_seq,
        }


@dataclass(frozen=True, kw_only=True)
class ConversationPatch:
    """What a group's owner or an admin changes; None leaves a field as it is."""

    name: str | None = None
    announcement: str | None = None
    muted: bool | None = None  # the caller's own mute, which any member may set
    pinned: bool | None = None  # the caller's own, as muted
    archived: bool | None = None  # the caller's own, as muted

    @property
    def changes_own(self) -> bool:
        """Whether it changes the caller's own state of the chat (any member's business)."""
        return self.muted is not None or self.pinned is not None or self.archived is not None

    @property
    def changes_group(self) -> bool:
        """Whether it changes the group itself (an owner's or admin's business)."""
        return self.name is not None or self.announcement is not None


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
