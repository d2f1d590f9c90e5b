"""Direct chats and groups, their settings and members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from guanxi.accounts.models import User
from guanxi.conversations.models import Conversation
from guanxi.errors import InvalidInput
from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import (
    PAGE_DEFAULT,
    CursorQuery,
    HandlePath,
    IdPath,
    LimitQuery,
)
from guanxi.web.schemas.conversations import (
    ConversationIn,
    ConversationOut,
    ConversationPage,
    ConversationPatchIn,
    MemberPage,
    MemberRoleIn,
    MembersIn,
)
from guanxi.web.schemas.invitations import GroupChangeOut

router = APIRouter(tags=["conversations"])


@router.post(
    "/conversations",
    status_code=201,
    response_model=GroupChangeOut,
    responses={200: {"model": ConversationOut, "description": "The direct chat existed."}},
)
async def open_conversation(body: ConversationIn, me: Me, svc: Svc) -> JSONOut:
    if body.kind == "direct":
        if not body.with_:
            raise InvalidInput("A direct chat needs `with`: the friend's handle.", "missing_with")
        conversation, created = await svc.conversations.open_direct(me, body.with_)
        return JSONOut(_with_invited(conversation, []), status_code=201 if created else 200)
    if body.name is None:
        raise InvalidInput("A group needs a name.", "missing_name")
    group, invited = await svc.conversations.create_group(me, body.name, body.members)
    return JSONOut(_with_invited(group, invited), status_code=201)


@router.get("/conversations", response_model=ConversationPage)
async def list_conversations(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    page = await svc.conversations.list_conversations(me, cursor, limit)
    wire = [c.to_wire() for c in page.items]
    return JSONOut({"conversations": wire, "next_cursor": page.next_cursor})


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
async def get_conversation(conversation_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.conversations.get_conversation(me, conversation_id)).to_wire()


@router.patch("/conversations/{conversation_id}", response_model=ConversationOut)
async def update_conversation(
    conversation_id: IdPath, body: ConversationPatchIn, me: Me, svc: Svc
) -> dict[str, Any]:
    patch = body.patch()
    return (await svc.conversations.update_conversation(me, conversation_id, patch)).to_wire()


@router.delete("/conversations/{conversation_id}", status_code=204)
async def delete_for_me(conversation_id: IdPath, me: Me, svc: Svc) -> Response:
    """Delete the chat for yourself: it leaves your list, and its history up to now your
    view, on all your devices, until something new is said in it. Nobody else's changes; a
    group is not left."""
    await svc.conversations.delete_for_me(me, conversation_id)
    return Response(status_code=204)


@router.get("/conversations/{conversation_id}/members", response_model=MemberPage)
async def list_members(
    conversation_id: IdPath,
    me: Me,
    svc: Svc,
    cursor: CursorQuery = None,
    limit: LimitQuery = PAGE_DEFAULT,
) -> JSONOut:
    page = await svc.conversations.list_members(me, conversation_id, cursor, limit)
    members = [{"user": user.to_wire(), "role": role} for user, role in page.items]
    return JSONOut({"members": members, "next_cursor": page.next_cursor})


@router.post("/conversations/{conversation_id}/members", response_model=GroupChangeOut)
async def add_members(conversation_id: IdPath, body: MembersIn, me: Me, svc: Svc) -> dict[str, Any]:
    group, invited = await svc.conversations.add_members(me, conversation_id, body.handles)
    return _with_invited(group, invited)


def _with_invited(conversation: Conversation, invited: list[User]) -> dict[str, Any]:
    """The conversation, and who was invited rather than added (friends only join at once)."""
    return {**conversation.to_wire(), "invited": [u.to_wire() for u in invited]}


@router.patch("/conversations/{conversation_id}/members/{handle}", response_model=ConversationOut)
async def set_member_role(
    conversation_id: IdPath, handle: HandlePath, body: MemberRoleIn, me: Me, svc: Svc
) -> dict[str, Any]:
    view = await svc.conversations.set_member_role(me, conversation_id, handle, body.role)
    return view.to_wire()


@router.delete("/conversations/{conversation_id}/members/{handle}", status_code=204)
async def remove_member(conversation_id: IdPath, handle: HandlePath, me: Me, svc: Svc) -> Response:
    await svc.conversations.remove_member(me, conversation_id, handle)
    return Response(status_code=204)
