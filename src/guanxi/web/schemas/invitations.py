"""Group invitations on the wire."""

from __future__ import annotations

from pydantic import BaseModel

from guanxi.web.schemas.accounts import UserOut
from guanxi.web.schemas.conversations import ConversationOut


class InvitedGroupOut(BaseModel):
    id: int
    name: str
    member_count: int


class GroupInvitationOut(BaseModel):
    id: int
    conversation: InvitedGroupOut
    inviter: UserOut
    created_at: str
    expires_at: str


class GroupInvitationPage(BaseModel):
    invitations: list[GroupInvitationOut]
    next_cursor: str | None


class GroupChangeOut(ConversationOut):
    """A group after creating it or adding people: who was invited rather than added."""

    invited: list[UserOut]
