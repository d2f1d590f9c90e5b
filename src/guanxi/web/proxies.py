"""Whose address a request comes from: the peer's, or — only from a trusted reverse proxy —
the one that proxy names in X-Forwarded-For.

uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so behind a proxy on the same host
(or with no proxy at all, for anyone connecting from the host) the caller chose the address
that login throttling counts. `guanxi serve` turns uvicorn's own handling off, and the app
believes the headers only from `GUANXI_TRUSTED_PROXIES` (empty by default: nobody).
"""

from __future__ import annotations

from typing import Any, cast

from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from guanxi.settings import Settings

UVICORN_PROXY_HEADERS = False  # uvicorn's own handling is off: the app decides (below)


def trust_proxies(app: ASGIApp, settings: Settings) -> ASGIApp:
    """`app`, reading the client's address from the headers of trusted proxies, if any."""
    trusted = [host.strip() for host in settings.trusted_proxies.split(",") if host.strip()]
    if not trusted:
        return app
    return cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts=trusted))
