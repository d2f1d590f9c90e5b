"""Moments: post, feed, one person's page, one moment; likes and comments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from guanxi.moments.service import MomentDraft
from guanxi.web.auth import Me, Svc
from guanxi.web.routes.params import PAGE_DEFAULT, HandlePath, IdPath
from guanxi.web.schemas.moments import CommentIn, CommentOut, MomentIn, MomentOut, MomentPage

router = APIRouter(tags=["moments"])
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]


@router.post("/moments", status_code=201, response_model=MomentOut)
async def post_moment(body: MomentIn, me: Me, svc: Svc) -> dict[str, Any]:
    draft = MomentDraft(
        body.text, body.media_ids, body.place, body.audience.kind, body.audience.tags
    )
    return (await svc.moments.post_moment(me, draft)).to_wire()


@router.get("/moments/feed", response_model=MomentPage)
async def feed(me: Me, svc: Svc, cursor: Cursor = None, limit: Limit = 20) -> dict[str, Any]:
    return (await svc.moments.feed(me, cursor, limit)).to_wire()


@router.get("/users/{handle}/moments", response_model=MomentPage)
async def user_moments(
    handle: HandlePath, me: Me, svc: Svc, cursor: Cursor = None, limit: Limit = PAGE_DEFAULT
) -> dict[str, Any]:
    return (await svc.moments.user_moments(me, handle, cursor, limit)).to_wire()


@router.get("/moments/{moment_id}", response_model=MomentOut)
async def get_moment(moment_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.moments.get_moment(me, moment_id)).to_wire()


@router.delete("/moments/{moment_id}", status_code=204)
async def delete_moment(moment_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.moments.delete_moment(me, moment_id)
    return Response(status_code=204)


@router.put("/moments/{moment_id}/like", response_model=MomentOut)
async def like(moment_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.moment_reactions.like(me, moment_id)).to_wire()


@router.delete("/moments/{moment_id}/like", response_model=MomentOut)
async def unlike(moment_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.moment_reactions.unlike(me, moment_id)).to_wire()


@router.post("/moments/{moment_id}/comments", status_code=201, response_model=CommentOut)
async def comment(moment_id: IdPath, body: CommentIn, me: Me, svc: Svc) -> dict[str, Any]:
    made = await svc.moment_reactions.comment(me, moment_id, body.text, body.reply_to)
    return made.to_wire()


@router.delete("/moments/{moment_id}/comments/{comment_id}", status_code=204)
async def delete_comment(moment_id: IdPath, comment_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.moment_reactions.delete_comment(me, moment_id, comment_id)
    return Response(status_code=204)
