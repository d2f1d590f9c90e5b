"""The events of direct chats and groups: their messages, reactions, read markers, members and
invitations. "Members" are the conversation's current members, on every device; an event
addressed to the conversation (stored with `conversation_id`) replays to a member only inside
their window `(joined_event, left_event]`. An event naming a message is stored without it
(`Ref("message", id)`) and replays with the message as it is then (`replay.py`)."""

from __future__ import annotations

from typing import Any, TypedDict

from guanxi.eventlog.event_type import EventType

Wire = dict[str, Any]  # a model's to_wire()


class MessagePayload(TypedDict):
    message: Wire  # Message.to_wire(), as every member sees it


class ReactionPayload(TypedDict):
    conversation_id: int
    message_id: int
    seq: int
    emoji: str
    handle: str  # who reacted or took the reaction back


class ConversationRead(TypedDict):
    conversation_id: int
    handle: str
    seq: int
    from_seq: int  # the marker before (at least where the reader joined): in a group each
    # message in (from_seq, seq] that the reader did not send has one reader more


class ConversationMute(TypedDict):
    conversation_id: int
    muted: bool


class ConversationPin(TypedDict):
    conversation_id: int
    pinned: bool


class ConversationArchive(TypedDict):
    conversation_id: int
    archived: bool


class ConversationCleared(TypedDict):
    conversation_id: int
    seq: int  # the member's history now starts after this seq


class MessagesHidden(TypedDict):
    conversation_id: int
    seqs: list[int]  # the messages deleted for the member


class ConversationCreated(TypedDict):
    conversation: Wire  # Conversation.to_wire(), seen by nobody in particular


class ConversationUpdated(TypedDict):
    conversation: Wire
    by: str


class MemberJoined(TypedDict):
    conversation_id: int
    members: list[Wire]  # User.to_wire() of each who joined
    by: str
    conversation: Wire


class MemberLeft(TypedDict):
    conversation_id: int
    handle: str  # who left
    by: str  # who did it (the same handle when they left on their own)


class InvitationReceived(TypedDict):
    invitation: Wire  # GroupInvitation.to_wire()


class InvitationAnswered(TypedDict):
    invitation_id: int
    conversation_id: int


MEMBERS = "the conversation's members"

MESSAGE_CREATED = EventType(
    "message.created", MessagePayload, to=f"{MEMBERS}, the sender's devices included"
)
MESSAGE_EDITED = EventType("message.edited", MessagePayload, to=MEMBERS)
MESSAGE_RECALLED = EventType("message.recalled", MessagePayload, to=MEMBERS)
REACTION_ADDED = EventType("reaction.added", ReactionPayload, to=MEMBERS)
REACTION_REMOVED = EventType("reaction.removed", ReactionPayload, to=MEMBERS)
CONVERSATION_READ = EventType(
    "conversation.read",
    ConversationRead,
    to="in a direct chat both people while they may reach each other (a read receipt), "
    "else only the reader's own devices; in a group the reader's devices and, live, the "
    "senders of the messages it passes (their read counts change), none across a block with "
    "the reader; a group's members replay it, less those across a block",
)
CONVERSATION_MUTED = EventType(
    "conversation.muted", ConversationMute, to="the member's own devices only"
)
CONVERSATION_UNMUTED = EventType(
    "conversation.unmuted", ConversationMute, to="the member's own devices only"
)
OWN = "the member's own devices only"
CONVERSATION_PINNED = EventType("conversation.pinned", ConversationPin, to=OWN)
CONVERSATION_UNPINNED = EventType("conversation.unpinned", ConversationPin, to=OWN)
CONVERSATION_ARCHIVED = EventType("conversation.archived", ConversationArchive, to=OWN)
CONVERSATION_UNARCHIVED = EventType("conversation.unarchived", ConversationArchive, to=OWN)
CONVERSATION_CLEARED = EventType("conversation.cleared", ConversationCleared, to=OWN)
MESSAGE_HIDDEN = EventType("message.hidden", MessagesHidden, to=OWN)
CONVERSATION_CREATED = EventType(
    "conversation.created", ConversationCreated, to=f"{MEMBERS}, the creator included"
)
CONVERSATION_UPDATED = EventType("conversation.updated", ConversationUpdated, to=MEMBERS)
MEMBER_JOINED = EventType("member.joined", MemberJoined, to=f"{MEMBERS}, the new ones included")
MEMBER_LEFT = EventType(
    "member.left", MemberLeft, to=f"{MEMBERS} before the change, the one leaving included"
)
GROUP_INVITATION_RECEIVED = EventType(
    "group_invitation.received", InvitationReceived, to="the invitee only"
)
GROUP_INVITATION_ACCEPTED = EventType(
    "group_invitation.accepted", InvitationAnswered, to="the invitee's own devices"
)
GROUP_INVITATION_DECLINED = EventType(
    "group_invitation.declined", InvitationAnswered, to="the invitee's own devices"
)


class TypingStarted(TypedDict):
    conversation_id: int
    handle: str  # who is typing


TYPING_STARTED = EventType(
    "typing.started",
    TypingStarted,
    to="the other member of a direct chat, if they are friends and neither blocks the other;"
    " live sockets only",
    logged=False,
    framed=True,
)

EVENTS: tuple[EventType[Any], ...] = (
    MESSAGE_CREATED,
    MESSAGE_EDITED,
    MESSAGE_RECALLED,
    REACTION_ADDED,
    REACTION_REMOVED,
    CONVERSATION_READ,
    CONVERSATION_MUTED,
    CONVERSATION_UNMUTED,
    CONVERSATION_PINNED,
    CONVERSATION_UNPINNED,
    CONVERSATION_ARCHIVED,
    CONVERSATION_UNARCHIVED,
    CONVERSATION_CLEARED,
    MESSAGE_HIDDEN,
    CONVERSATION_CREATED,
    CONVERSATION_UPDATED,
    MEMBER_JOINED,
    MEMBER_LEFT,
    GROUP_INVITATION_RECEIVED,
    GROUP_INVITATION_ACCEPTED,
    GROUP_INVITATION_DECLINED,
    TYPING_STARTED,
)
