"""The ledger and placeholder contacts on the wire."""

from __future__ import annotations

from pydantic import BaseModel, Field

from guanxi.web.schemas.fields import In, Text


class MessageKinds(BaseModel):
    text: int
    emoji: int
    link: int
    image: int
    voice: int
    video: int
    file: int


class MessageCount(BaseModel):
    total: int
    by_kind: MessageKinds


class MessageDirections(BaseModel):
    sent: MessageCount
    received: MessageCount


class MediaCount(BaseModel):
    items: int = Field(description="Media items (one per message carrying one).")
    bytes: int = Field(description="Their size as uploaded (the originals).")


class MediaKinds(BaseModel):
    image: MediaCount
    voice: MediaCount
    video: MediaCount
    file: MediaCount


class MediaDirection(MediaCount):
    by_kind: MediaKinds


class MediaDirections(BaseModel):
    sent: MediaDirection
    received: MediaDirection


class GivenReceived(BaseModel):
    given: int = Field(description="By the user on others' moments.")
    received: int = Field(description="By others on the user's moments.")


class HistoryOut(BaseModel):
    messages: MessageDirections
    media: MediaDirections
    likes: GivenReceived
    comments: GivenReceived
    first_day: str | None = Field(description="UTC day of the earliest item held (YYYY-MM-DD).")
    last_day: str | None = Field(description="UTC day of the latest item held.")


class MomentsCount(MediaCount):
    count: int = Field(description="The user's own moments.")


class ConversationKinds(BaseModel):
    direct: int
    group: int


class FriendsCount(BaseModel):
    total: int
    by_role: dict[str, int] = Field(description="Every role, zero where none.")


class ValueOut(BaseModel):
    value: float = Field(description="Every person's asset value added up (hundredths).")
    units: float = Field(description="Their units before weighting, added up.")
    people: int = Field(description="How many people the per-person list holds in all.")


class TotalsOut(HistoryOut):
    moments: MomentsCount
    conversations: ConversationKinds
    friends: FriendsCount
    value: ValueOut


class TieOut(BaseModel):
    strength: float = Field(description="The user's own tie strength of the pair, 0-1.")
    stage: str = Field(description="contact, relationship or close.")
    circle: str | None = Field(description="The innermost circle the person is in, if any.")
    fading: bool


class FriendShareOut(HistoryOut):
    handle: str
    display_name: str
    remark: str
    role: str | None = Field(description="The friend's role; null for someone not a friend.")
    friend: bool
    placeholder_id: int | None = Field(
        description="An imported contact linked to nobody: its id in /me/placeholders."
    )
    linked_placeholders: int = Field(description="Placeholders the user linked to this friend.")
    units: float = Field(description="What is shared with them, in units (docs/api.md).")
    weight: float = Field(description="0.1 + 0.9 x the tie's strength (0.1 with no insight).")
    value: float = Field(description="units x weight, in hundredths.")
    insight: TieOut | None = Field(description="The user's own insight of the tie; null if none.")


class LedgerOut(BaseModel):
    totals: TotalsOut
    by_friend: list[FriendShareOut] = Field(
        description="A page of everyone the user shares history with or is friends with, "
        "the highest value first."
    )
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class PlaceholderOut(BaseModel):
    id: int = Field(description="The placeholder's user id.")
    display_name: str
    handle: str = Field(description="The handle the person had in the source ('' if none).")
    source: str = Field(description="guanxi, telegram or whatsapp.")
    linked_to: str | None = Field(description="The handle of the friend it is linked to.")
    created_at: str
    conversations: int = Field(description="The user's conversations it is in.")
    messages: int = Field(description="Messages it sent that the user holds.")
    first_day: str | None
    last_day: str | None


class PlaceholderPage(BaseModel):
    placeholders: list[PlaceholderOut]
    next_cursor: str | None = Field(description="The next page's cursor; null on the last.")


class LinkIn(In):
    handle: Text | None = Field(max_length=64, description="A friend's handle; null unlinks.")
