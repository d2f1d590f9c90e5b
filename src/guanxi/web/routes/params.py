"""Path and query parameters with their bounds, so bad values answer 422, not 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

HandlePath = Annotated[str, Path(pattern=r"^[a-z0-9_.]{3,32}$", examples=["mei.lin"])]
IdPath = Annotated[int, Path(ge=1, le=2**53)]
SeqPath = Annotated[int, Path(ge=1, le=2**53)]
EmojiPath = Annotated[str, Path(min_length=1, max_length=64)]

# Lists paged by cursor: `?cursor=&limit=` in, `next_cursor` out (docs/api.md, "Pagination").
PAGE_DEFAULT = 50
PAGE_MAX = 100
CursorQuery = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` of the page before.")
]
LimitQuery = Annotated[int, Query(ge=1, le=PAGE_MAX, description="Items per page.")]
