"""How many connections `guanxi serve` holds, and for how long (docs/security.md)."""

from __future__ import annotations

from typing import Any

from guanxi.settings import Settings


def connection_limits(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for idle connections, the cap on connections at once and the
    WebSockets' keep-alive pings.

    uvicorn has no deadline for a request's headers or body: the app has one for the body
    (web/limits.py, BodyDeadline); the headers' is the reverse proxy's job (docs/security.md,
    "Running behind a reverse proxy with TLS")."""
    return {
        "timeout_keep_alive": settings.http_keep_alive_seconds,
        "limit_concurrency": settings.http_max_connections,
        "ws_ping_interval": settings.socket_ping_seconds,
        "ws_ping_timeout": settings.socket_ping_seconds,
    }
