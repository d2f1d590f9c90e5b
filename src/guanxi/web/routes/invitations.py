"""Group invitations: the caller's waiting ones; accept; decline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.routes.params import PAGE_DEFAULT, CursorQuery, IdPath, LimitQuery
from guanxi.web.schemas.conversations import ConversationOut
from guanxi.web.schemas.invitations import GroupInvitationPage

router = APIRouter(tags=["conversations"])


@router.get("/group-invitations", response_model=GroupInvitationPage)
async def list_invitations(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> dict[str, Any]:
    page = await svc.group_invitations.list_invitations(me, cursor, limit)
    return {
        "invitations": [i.to_wire() for i in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("/group-invitations/{invitation_id}/accept", response_model=ConversationOut)
async def accept_invitation(invitation_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.group_invitations.accept(me, invitation_id)).to_wire()


@router.post("/group-invitations/{invitation_id}/decline", status_code=204)
async def decline_invitation(invitation_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.group_invitations.decline(me, invitation_id)
    return Response(status_code=204)
