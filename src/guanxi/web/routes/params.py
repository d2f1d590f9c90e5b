"""Path and query parameters with their bounds, so bad values answer 422, not 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

HandlePath = Annotated[str, Path(pattern=r"^[a-z0-9_.]{3,32}$", examples=["mei.lin"])]
IdPath = Annotated[int, Path(ge=1, le=2**53)]
SeqPath = Annotated[int, Path(ge=1, le=2**53)]
EmojiPath = Annotated[str, Path(min_length=1, max_length=64)]
