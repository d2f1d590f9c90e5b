"""The web client: index.html at `/` and its files under `/static/`, with strict headers.

The client is plain HTML, CSS and JavaScript modules shipped inside the package
(`guanxi/web/static/`); it talks to the server only through the public API and WebSocket.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, Response

STATIC = Path(__file__).resolve().parent.parent / "static"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",  # sw.js, the service worker (never caches the API)
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(self)",
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}

router = APIRouter(include_in_schema=False)


def static_file(name: str) -> Path | None:
    """The file `name` names inside the static folder, or None (also for `..` tricks and
    names the file system cannot hold, such as one with a NUL byte)."""
    if "\x00" in name:
        return None
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file() or path.suffix not in TYPES:
        return None
    return path


def serve(path: Path, cache: str) -> Response:
    headers = {**HEADERS, "Cache-Control": cache}
    return FileResponse(path, media_type=TYPES[path.suffix], headers=headers)


@router.api_route("/", methods=["GET", "HEAD"])
async def index() -> Response:
    return serve(STATIC / "index.html", "no-cache")


@router.api_route("/sw.js", methods=["GET", "HEAD"])
async def service_worker() -> Response:
    """The service worker, served at the root so that its scope is the whole client."""
    return serve(STATIC / "sw.js", "no-cache")


@router.api_route("/static/{name:path}", methods=["GET", "HEAD"])
async def asset(name: str) -> Response:
    path = static_file(name)
    if path is None:
        return Response(
            '{"error": {"code": "not_found", "message": "No such file."}}',
            status_code=404,
            media_type="application/json",
            headers={"X-Content-Type-Options": "nosniff"},
        )
    return serve(path, "no-cache")
