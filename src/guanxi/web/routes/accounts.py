"""Registering, sessions, one's own profile, others' profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.downloads import blob_response
from guanxi.web.routes.media import DOWNLOAD, UPLOAD_BODY
from guanxi.web.routes.params import HandlePath, IdPath
from guanxi.web.schemas.accounts import (
    DeleteAccountIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    ProfileIn,
    RegisterIn,
    SessionListOut,
    SessionOut,
)
from guanxi.web.schemas.relationships import ProfileOut
from guanxi.web.uploads import MultipartUpload

router = APIRouter(tags=["accounts"])


def client_address(request: Request) -> str:
    """The peer's address, or the one a trusted proxy names (web/proxies.py)."""
    return request.client.host if request.client else "unknown"


@router.post("/accounts", status_code=201, response_model=SessionOut)
async def register(body: RegisterIn, request: Request, svc: Svc) -> dict[str, Any]:
    user, token = await svc.accounts.register(
        body.handle,
        body.password,
        body.display_name,
        body.device,
        address=client_address(request),
        invite=body.invite,
    )
    return {"user": user.to_wire(), "token": token}


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def login(body: LoginIn, request: Request, svc: Svc) -> dict[str, Any]:
    address = client_address(request)
    user, token = await svc.accounts.login(body.handle, body.password, address, body.device)
    return {"user": user.to_wire(), "token": token}


@router.get("/sessions", response_model=SessionListOut)
async def list_sessions(me: Me, svc: Svc) -> dict[str, Any]:
    sessions = await svc.lifecycle.list_sessions(me)
    return {"sessions": [s.to_wire(me.session_id) for s in sessions]}


@router.delete("/sessions/current", status_code=204)
async def logout(me: Me, svc: Svc) -> Response:
    await svc.accounts.logout(me)
    return Response(status_code=204)


@router.delete("/sessions/{session_id}", status_code=204)
async def end_session(session_id: IdPath, me: Me, svc: Svc) -> Response:
    await svc.lifecycle.end_session(me, session_id)
    return Response(status_code=204)


@router.delete("/me", status_code=204)
async def delete_me(body: DeleteAccountIn, request: Request, me: Me, svc: Svc) -> Response:
    """Delete your account (docs/api.md says what goes and what stays)."""
    await svc.deletion.delete_account(me, body.password, client_address(request))
    return Response(status_code=204)


@router.post("/me/password", status_code=204)
async def change_password(body: PasswordChangeIn, request: Request, me: Me, svc: Svc) -> Response:
    await svc.lifecycle.change_password(
        me, body.current_password, body.new_password, client_address(request)
    )
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
async def get_me(me: Me) -> dict[str, Any]:
    return me.user.to_own_wire()


@router.patch("/me", response_model=MeOut)
async def update_me(body: ProfileIn, me: Me, svc: Svc) -> dict[str, Any]:
    user = await svc.accounts.update_profile(me, body.display_name, body.bio, body.moments_visible)
    return user.to_own_wire()


@router.put("/me/avatar", response_model=MeOut, openapi_extra=UPLOAD_BODY)
async def set_avatar(request: Request, me: Me, svc: Svc) -> dict[str, Any]:
    """A new profile picture (multipart, field `file`: an image; the image size limit, the
    upload quota). Served as a thumbnail without metadata; the old one is deleted."""
    user = await svc.avatars.set_avatar(me, MultipartUpload(request))
    return user.to_own_wire()


@router.delete("/me/avatar", response_model=MeOut)
async def remove_avatar(me: Me, svc: Svc) -> dict[str, Any]:
    """Back to the initials; the old picture is deleted."""
    return (await svc.avatars.remove_avatar(me)).to_own_wire()


@router.get("/users/{handle}/avatar", responses=DOWNLOAD, response_class=Response)
async def get_avatar(handle: HandlePath, request: Request, me: Me, svc: Svc) -> Response:
    """The user's profile picture (a WebP thumbnail), to whoever may see their profile."""
    blob = await svc.avatars.open_avatar(me, handle)
    return blob_response(request, blob, svc.media.storage)


@router.get("/users/{handle}", response_model=ProfileOut)
async def get_user(handle: HandlePath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.relationships.view_profile(me, handle)).to_wire()
