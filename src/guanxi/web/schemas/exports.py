"""Exports on the wire: what `Job.to_wire()` of an export holds."""

from __future__ import annotations

from pydantic import BaseModel


class ProgressOut(BaseModel):
    done: int
    total: int


class JobErrorOut(BaseModel):
    """Why a job failed: a code, a sentence, and (for an import) the file and record."""

    code: str
    message: str
    file: str
    record: str


class ExportStartedOut(BaseModel):
    id: int
    state: str


class ExportOut(BaseModel):
    id: int
    state: str  # queued | running | done | failed
    progress: ProgressOut
    size: int | None  # the archive's bytes, once done
    error: JobErrorOut | None
