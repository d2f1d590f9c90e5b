"""A user's insight about themselves on the wire (docs/api.md, "Insight")."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FeedbackShare(BaseModel):
    """The share of the user's messages that got feedback within 1 h, 24 h, 7 d, ever (null:
    they sent none)."""

    one_hour: float | None = Field(alias="1h")
    one_day: float | None = Field(alias="24h")
    one_week: float | None = Field(alias="7d")
    ever: float | None


class CircleOut(BaseModel):
    name: str
    size: int
    handles: list[str]


class StabilityWindow(BaseModel):
    window_days: int
    jaccard: float | None = Field(
        description="Overlap of the alters active in the latest window and the one before;"
        " null when both are empty."
    )


class Stability(BaseModel):
    windows: list[StabilityWindow]


class StageCounts(BaseModel):
    contacts: int
    relationships: int = Field(description="Relationships, the close ones included.")
    close: int
    fading: int


class StageRules(BaseModel):
    """When a contact is a relationship on this server (its settings, docs/insight.md)."""

    relationship_min_weeks: int = Field(
        description="Distinct ISO weeks with an interaction that a relationship needs."
    )
    relationship_min_span_days: float = Field(
        description="Days from the first interaction to the latest that it needs."
    )


class InsightOut(BaseModel):
    feedback_share: FeedbackShare
    circles: list[CircleOut] = Field(description="Innermost first, cumulative.")
    stability: Stability
    counts: StageCounts
    rules: StageRules


class ContactOut(BaseModel):
    handle: str
    display_name: str
    role: str | None
    stage: str = Field(description="contact, relationship or close.")
    strength: float = Field(ge=0, le=1)
    circle: str | None
    last_interaction_at: int | None = Field(description="Milliseconds since the epoch.")
    fading: bool
    silent_days: int | None


class ContactPage(BaseModel):
    contacts: list[ContactOut]
    next_cursor: str | None


class MonthOut(BaseModel):
    month: str = Field(examples=["2026-05"])
    sent: int
    received: int


class WhoStarts(BaseModel):
    me: int
    them: int


class ResponseTimes(BaseModel):
    me: int | None = Field(description="Median delay of my answers (ms, a bucket's upper edge).")
    them: int | None


class ContactDetailOut(BaseModel):
    handle: str
    display_name: str
    role: str | None
    stage: str
    strength: float
    circle: str | None
    since: int | None
    months: list[MonthOut]
    kinds: dict[str, int]
    starts: WhoStarts
    response_ms: ResponseTimes
    last_interaction_at: int | None
    fading: bool
