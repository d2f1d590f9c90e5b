"""Search my conversations and the moments I may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.schemas.search import SearchOut

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut)
async def search(
    me: Me,
    svc: Svc,
    q: Annotated[str, Query(max_length=1000, description="Text to find, 1 to 100 characters.")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> JSONOut:
    results = await svc.search.search(me, q, limit=limit, cursor=cursor)
    return JSONOut(results.to_wire())
