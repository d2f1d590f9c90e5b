"""Search results on the wire."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class MessageHitOut(BaseModel):
    conversation_id: int
    seq: int
    sender: str
    kind: str
    snippet: str
    created_at: str


class SearchOut(BaseModel):
    messages: list[MessageHitOut]
    moments: list[dict[str, Any]]
    next_cursor: str | None
