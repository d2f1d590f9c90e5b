"""Search results on the wire."""

from __future__ import annotations

from pydantic import BaseModel

from guanxi.web.schemas.moments import MomentOut


class MessageHitOut(BaseModel):
    conversation_id: int
    seq: int
    sender: str
    kind: str
    snippet: str
    created_at: str


class SearchOut(BaseModel):
    messages: list[MessageHitOut]
    moments: list[MomentOut]
    next_cursor: str | None
