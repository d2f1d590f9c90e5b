"""A user's insight about themselves: their network, their contacts, one relationship."""

from __future__ import annotations

from fastapi import APIRouter

from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import PAGE_DEFAULT, CursorQuery, HandlePath, LimitQuery
from guanxi.web.schemas.insight import ContactDetailOut, ContactPage, InsightOut

router = APIRouter(tags=["insight"])


@router.get("/me/insight", response_model=InsightOut)
async def overview(me: Me, svc: Svc) -> JSONOut:
    return JSONOut(await svc.insight.overview(me))


@router.get("/me/insight/contacts", response_model=ContactPage)
async def contacts(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    page = await svc.insight.contacts(me, cursor, limit)
    return JSONOut(
        {"contacts": [c.to_wire() for c in page.contacts], "next_cursor": page.next_cursor}
    )


@router.get("/me/insight/contacts/{handle}", response_model=ContactDetailOut)
async def contact(handle: HandlePath, me: Me, svc: Svc) -> JSONOut:
    return JSONOut(await svc.insight.contact(me, handle))
