"""Registering, sessions, one's own profile, others' profiles."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.routes.params import HandlePath
from guanxi.web.schemas.accounts import LoginIn, MeOut, ProfileIn, RegisterIn, SessionOut
from guanxi.web.schemas.relationships import ProfileOut

router = APIRouter(tags=["accounts"])


@router.post("/accounts", status_code=201, response_model=SessionOut)
async def register(body: RegisterIn, svc: Svc) -> dict[str, Any]:
    user, token = await svc.accounts.register(
        body.handle, body.password, body.display_name, body.device
    )
    return {"user": user.to_wire(), "token": token}


@router.post("/sessions", status_code=201, response_model=SessionOut)
async def login(body: LoginIn, request: Request, svc: Svc) -> dict[str, Any]:
    address = request.client.host if request.client else "unknown"
    user, token = await svc.accounts.login(body.handle, body.password, address, body.device)
    return {"user": user.to_wire(), "token": token}


@router.delete("/sessions/current", status_code=204)
async def logout(me: Me, svc: Svc) -> Response:
    await svc.accounts.logout(me)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
async def get_me(me: Me) -> dict[str, Any]:
    return me.user.to_own_wire()


@router.patch("/me", response_model=MeOut)
async def update_me(body: ProfileIn, me: Me, svc: Svc) -> dict[str, Any]:
    user = await svc.accounts.update_profile(me, body.display_name, body.bio, body.moments_visible)
    return user.to_own_wire()


@router.get("/users/{handle}", response_model=ProfileOut)
async def get_user(handle: HandlePath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.relationships.view_profile(me, handle)).to_wire()
