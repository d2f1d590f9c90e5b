"""Asset values handed between layers, with their wire form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXPORT = "export"
IMPORT = "import"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)
IMPORT_FORMATS = ("auto", "guanxi", "telegram", "whatsapp")


@dataclass(frozen=True, kw_only=True)
class Job:
    """An export or an import: what it is, how far it got, how it ended."""

    id: int
    user_id: int
    kind: str  # EXPORT | IMPORT
    state: str
    format: str
    options: dict[str, Any]
    done: int
    total: int
    size: int | None
    path: str | None
    counts: dict[str, int] | None
    error: dict[str, str] | None  # {code, message, file, record}
    created_at: int
    started_at: int | None
    finished_at: int | None
    expires_at: int | None

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "id": self.id,
            "state": self.state,
            "progress": {"done": self.done, "total": self.total},
            "error": self.error,
        }
        if self.kind == EXPORT:
            wire["size"] = self.size
        else:
            wire["counts"] = self.counts
        return wire


@dataclass(frozen=True, kw_only=True)
class Placeholder:
    """Someone an import brought who has no account here, as the importer's source knew them."""

    user_id: int
    owner_id: int
    source: str
    external_key: str
    handle: str  # the handle they had, if the source gave one
    display_name: str
    linked_user_id: int | None
    created_at: int
