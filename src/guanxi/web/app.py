"""create_app: the ASGI application, its routes and its lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from guanxi import __version__
from guanxi.services import Services, build_services
from guanxi.settings import Settings
from guanxi.web import socket
from guanxi.web.errors import install_error_handlers
from guanxi.web.limits import BodyDeadline, BodyLimitMiddleware
from guanxi.web.proxies import trust_proxies
from guanxi.web.rate_limits import RateLimitMiddleware
from guanxi.web.routes import (
    accounts,
    api_docs,
    client,
    conversations,
    exports,
    imports,
    insight,
    insight_reports,
    invitations,
    ledger,
    media,
    messages,
    moments,
    relationships,
    search,
)
from guanxi.web.send_path import SendPath

API = "/api/v1"
MULTIPART_SLACK = 64 * 1024  # room for the multipart headers around an upload


class GuanxiApp(FastAPI):
    """FastAPI, except that a message send goes straight to `SendPath` (web/send_path.py),
    and the events WebSocket straight to `events_socket` (web/socket.py)."""

    send_path: SendPath | None = None
    entry: ASGIApp | None = None  # `dispatch`, behind trusted proxies' headers (web/proxies.py)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (self.entry or self.dispatch)(scope, receive, send)

    async def dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == socket.EVENTS_PATH:
            await socket.events_socket(WebSocket(scope, receive, send), self.state.services)
            return
        if self.send_path is not None:
            conversation_id = self.send_path.conversation_of(scope)
            if conversation_id is not None:
                await self.send_path.send_message(conversation_id, scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(
    settings: Settings | None = None, services: Services | None = None, *, send_path: bool = True
) -> FastAPI:
    """The app; it builds its services from settings unless given them. Without `send_path`
    a send is answered by its FastAPI route like any call (the tests run both entrances)."""
    settings = settings or Settings()
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await services.start()
        try:
            yield
        finally:
            await services.stop()

    app = GuanxiApp(
        title="guanxi",
        version=__version__,
        description="A self-hostable social network service. All calls live under /api/v1.",
        lifespan=lifespan,
        docs_url="/docs/swagger" if settings.api_docs else None,  # /docs: api_docs.py
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.state.services = services
    hottest_first = (
        messages,
        conversations,
        relationships,
        accounts,
        moments,
        search,
        invitations,
        ledger,
    )
    for module in hottest_first:
        app.include_router(module.router, prefix=API)
    app.include_router(media.router, prefix=API)
    app.include_router(exports.router, prefix=API)
    app.include_router(imports.router, prefix=API)
    app.include_router(insight.router, prefix=API)
    app.include_router(insight_reports.router, prefix=API)
    app.include_router(client.router)  # the web client at /
    app.include_router(api_docs.router)  # /docs: a plain page, no script
    install_error_handlers(app)
    upload_limit = max(settings.media_image_max_bytes, settings.media_max_bytes) + MULTIPART_SLACK
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_limits={
            API + media.UPLOAD_PATH: upload_limit,
            API + imports.UPLOAD_PATH: settings.import_max_bytes + MULTIPART_SLACK,
        },
    )
    app.add_middleware(RateLimitMiddleware, services=services)
    app.send_path = SendPath(services, settings.max_body_bytes) if send_path else None
    timed = BodyDeadline(
        app.dispatch, settings.request_body_timeout, settings.request_body_min_rate
    )
    app.entry = trust_proxies(timed, settings)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
