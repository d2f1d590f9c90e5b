"""Media values handed between layers, with their wire form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.clock import iso

IMAGE, VOICE, VIDEO, FILE = "image", "voice", "video", "file"
KINDS = (IMAGE, VOICE, VIDEO, FILE)
VARIANTS = ("original", "preview", "thumbnail")
DERIVED_MIME = "image/webp"  # thumbnails and previews


@dataclass(frozen=True, kw_only=True)
class Probe:
    """What the content says it is."""

    kind: str
    mime: str
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None


@dataclass(frozen=True, kw_only=True)
class MediaRef:
    """What a message (or a moment) shows of an upload."""

    id: str
    kind: str
    mime: str
    size: int
    width: int | None
    height: int | None
    duration_ms: int | None
    filename: str = ""  # a file's name; "" for the other kinds (names.py)

    def to_wire(self) -> dict[str, Any]:
        duration = None if self.duration_ms is None else self.duration_ms / 1000
        return {
            "id": self.id,
            "kind": self.kind,
            "mime": self.mime,
            "size": self.size,
            "width": self.width,
            "height": self.height,
            "duration": duration,
            "filename": self.filename,
        }


@dataclass(frozen=True, kw_only=True)
class Media:
    id: str
    owner_id: int
    sha256: str
    kind: str
    mime: str
    size: int
    filename: str
    width: int | None
    height: int | None
    duration_ms: int | None
    served_sha256: str
    served_size: int
    thumbnail_sha256: str | None
    preview_sha256: str | None
    created_at: int

    def reference(self) -> MediaRef:
        """What a message (or a moment) shows of the item."""
        return MediaRef(
            id=self.id,
            kind=self.kind,
            mime=self.mime,
            size=self.size,
            width=self.width,
            height=self.height,
            duration_ms=self.duration_ms,
            filename=self.filename if self.kind == FILE else "",
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            **self.reference().to_wire(),
            "sha256": self.sha256,
            "filename": self.filename,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, kw_only=True)
class Blob:
    """One servable variant of an item: which stored bytes, how to label them."""

    sha256: str
    size: int
    mime: str
    filename: str
    attachment: bool
