"""Field types shared by every schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _clean(value: str) -> str:
    """Text the database can store: no NUL, no lone surrogate halves."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


Text = Annotated[str, AfterValidator(_clean)]


class In(BaseModel):
    """Base of request bodies: unknown fields and wrong types ("1" or true for a number) are
    errors, not silently dropped or converted."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
