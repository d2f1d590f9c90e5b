"""Imports on the wire."""

from __future__ import annotations

from pydantic import BaseModel


class ImportStarted(BaseModel):
    id: int
    state: str


class ImportProgressOut(BaseModel):
    done: int
    total: int


class ImportCountsOut(BaseModel):
    conversations: int
    messages: int
    media: int
    media_skipped: int
    contacts: int
    moments: int


class ImportErrorOut(BaseModel):
    code: str
    message: str
    file: str
    record: str


class ImportOut(BaseModel):
    id: int
    state: str
    progress: ImportProgressOut
    counts: ImportCountsOut | None
    error: ImportErrorOut | None
