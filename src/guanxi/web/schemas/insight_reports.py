"""The operator's insight on the wire (`GET /api/v1/admin/insight`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FeedbackShare(BaseModel):
    model_config = {"populate_by_name": True}

    within_1h: float | None = Field(alias="1h")
    within_24h: float | None = Field(alias="24h")
    within_7d: float | None = Field(alias="7d")
    ever: float | None


class FunnelStep(BaseModel):
    step: str
    pairs: int
    conversion: float | None
    median_ms: int | None


class StabilityWindow(BaseModel):
    window_days: int
    windows: int
    median_ego_jaccard: float | None
    mean_ego_jaccard: float | None
    mean_tie_survival: float | None
    median_self_jsd: float | None
    median_reference_jsd: float | None


class Stability(BaseModel):
    windows: list[StabilityWindow]


class SizeBin(BaseModel):
    sizes: str
    egos: int


class CircleSizes(BaseModel):
    name: str
    egos: int
    mean: float | None
    median: float | None
    histogram: list[SizeBin]


class RetentionLevel(BaseModel):
    level: str
    users: int
    active_share: float | None
    median_active_days: float | None


class OperatorInsightOut(BaseModel):
    computed_at: int
    messages: int
    feedback_share: FeedbackShare
    funnel: list[FunnelStep]
    stability: Stability
    circles: list[CircleSizes]
    retention: list[RetentionLevel]
