"""Who is calling: the bearer token, turned into a Principal by the accounts service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from guanxi.accounts.models import Principal
from guanxi.errors import Unauthorized
from guanxi.services import Services
from guanxi.web.rate_limits import PRINCIPAL

bearer = HTTPBearer(auto_error=False, description="The token from registering or logging in.")


async def get_services(request: Request) -> Services:
    """Async on purpose: FastAPI runs a plain `def` dependency in a thread pool."""
    services: Services = request.app.state.services
    return services


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Log in first: send Authorization: Bearer <token>.")
    known: Principal | None = getattr(request.state, PRINCIPAL, None)
    if known is not None:  # the rate-limit middleware checked this request's token already
        return known
    services: Services = request.app.state.services
    return await services.accounts.authenticate(credentials.credentials)


Me = Annotated[Principal, Depends(current_principal)]
Svc = Annotated[Services, Depends(get_services)]
