"""Group invitations: the caller's waiting ones; accept; decline."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.routes.params import IdPath
from guanxi.web.schemas.conversations import ConversationOut
from guanxi.web.schemas.invitations import GroupInvitationPage

router = APIRouter(tags=["conversations"])
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.get("/group-invitations", response_model=GroupInvitationPage)
async def list_invitations(
    me: Me, svc: Svc, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, Any]:
    page = await svc.group_invitations.list_invitations(me, cursor, limit)
    return {
        "invitations": [i.to_wire() for i in page.invitations],
        "next_cursor": page.next_cursor,
    }


@router.post("/group-invitations/{invitation_id}/accept", response_model=ConversationOut)
async def accept_invitation(invitation_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.group_invitations.accept(me, invitation_id)).to_wire()


@router.post("/group-invitations/{invitation_id}/decline", status_code=204)
async def decline_invitation(invitation_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.group_invitations.decline(me, invitation_id)
    return Response(status_code=204)
