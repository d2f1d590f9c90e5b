"""Media on the wire."""

from __future__ import annotations

from pydantic import BaseModel


class MediaRefOut(BaseModel):
    """What a message shows of its media."""

    id: str
    kind: str
    mime: str
    size: int
    width: int | None
    height: int | None
    duration: float | None


class MediaOut(MediaRefOut):
    sha256: str
    filename: str
    created_at: str
