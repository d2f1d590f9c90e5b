"""Friend requests, friends, blocks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import (
    PAGE_DEFAULT,
    CursorQuery,
    HandlePath,
    IdPath,
    LimitQuery,
)
from guanxi.web.schemas.relationships import (
    AcceptIn,
    BlockPage,
    FriendIn,
    FriendOut,
    FriendPage,
    FriendRequestIn,
    FriendRequestOut,
    FriendRequestPage,
)

router = APIRouter(tags=["relationships"])


@router.post("/friend-requests", status_code=201, response_model=FriendRequestOut)
async def send_friend_request(body: FriendRequestIn, me: Me, svc: Svc) -> dict[str, Any]:
    request = await svc.relationships.send_friend_request(me, body.to, body.greeting, body.role)
    return request.to_wire()


@router.get("/friend-requests", response_model=FriendRequestPage)
async def list_friend_requests(
    me: Me,
    svc: Svc,
    cursor: CursorQuery = None,
    limit: LimitQuery = PAGE_DEFAULT,
    direction: Annotated[
        Literal["incoming", "outgoing"] | None,
        Query(description="Only requests sent to you, or only those you sent; default both."),
    ] = None,
) -> JSONOut:
    page = await svc.relationships.list_friend_requests(me, cursor, limit, direction)
    return JSONOut(
        {
            "incoming": [r.to_wire() for r in page.items if r.recipient.id == me.user.id],
            "outgoing": [r.to_wire() for r in page.items if r.sender.id == me.user.id],
            "next_cursor": page.next_cursor,
        }
    )


@router.post("/friend-requests/{request_id}/accept", response_model=FriendOut)
async def accept(request_id: IdPath, body: AcceptIn, me: Me, svc: Svc) -> dict[str, Any]:
    friend = await svc.relationships.accept(me, request_id, body.role, body.remark, body.tags)
    return friend.to_wire()


@router.post("/friend-requests/{request_id}/decline", status_code=204)
async def decline(request_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.relationships.decline(me, request_id)
    return Response(status_code=204)


@router.get("/friends", response_model=FriendPage)
async def list_friends(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    page = await svc.relationships.list_friends(me, cursor, limit)
    return JSONOut({"friends": [f.to_wire() for f in page.items], "next_cursor": page.next_cursor})


@router.patch("/friends/{handle}", response_model=FriendOut)
async def update_friend(handle: HandlePath, body: FriendIn, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.relationships.update_friend(me, handle, body.patch())).to_wire()


@router.delete("/friends/{handle}", status_code=204)
async def remove_friend(handle: HandlePath, me: Me, svc: Svc) -> Response:
    await svc.relationships.remove_friend(me, handle)
    return Response(status_code=204)


@router.get("/blocks", response_model=BlockPage)
async def list_blocks(
    me: Me, svc: Svc, cursor: CursorQuery = None, limit: LimitQuery = PAGE_DEFAULT
) -> JSONOut:
    page = await svc.relationships.list_blocked(me, cursor, limit)
    return JSONOut({"blocked": [u.to_wire() for u in page.items], "next_cursor": page.next_cursor})


@router.put("/blocks/{handle}", status_code=204)
async def block(handle: HandlePath, me: Me, svc: Svc) -> Response:
    await svc.relationships.block(me, handle)
    return Response(status_code=204)


@router.delete("/blocks/{handle}", status_code=204)
async def unblock(handle: HandlePath, me: Me, svc: Svc) -> Response:
    await svc.relationships.unblock(me, handle)
    return Response(status_code=204)
