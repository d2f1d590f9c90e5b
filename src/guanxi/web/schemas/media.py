"""Media on the wire."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MediaRefOut(BaseModel):
    """What a message shows of its media."""

    id: str
    kind: str
    mime: str
    size: int
    width: int | None
    height: int | None
    duration: float | None
    filename: str = Field(
        "",
        description="A file's name, cleaned of control and bidi characters; empty for a"
        " photo, voice note or video (its own name is the uploader's alone).",
    )


class MediaOut(MediaRefOut):
    sha256: str
    filename: str
    created_at: str
