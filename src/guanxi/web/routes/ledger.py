"""The ledger (what I hold) and my placeholder contacts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import PAGE_DEFAULT, CursorQuery, IdPath, LimitQuery
from guanxi.web.schemas.ledger import LedgerOut, LinkIn, PlaceholderOut, PlaceholderPage

router = APIRouter(tags=["assets"])


@router.get("/me/assets", response_model=LedgerOut)
async def ledger(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    return JSONOut((await svc.ledger.ledger(me, cursor, limit)).to_wire())


@router.get("/me/placeholders", response_model=PlaceholderPage)
async def list_placeholders(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    page = await svc.placeholders.list_placeholders(me, cursor, limit)
    return JSONOut(
        {"placeholders": [p.to_wire() for p in page.items], "next_cursor": page.next_cursor}
    )


@router.post("/me/placeholders/{placeholder_id}/link", response_model=PlaceholderOut)
async def link_placeholder(
    placeholder_id: IdPath, body: LinkIn, me: Me, svc: Svc
) -> dict[str, Any]:
    contact = await svc.placeholders.link(me, placeholder_id, body.handle)
    return contact.to_wire()
