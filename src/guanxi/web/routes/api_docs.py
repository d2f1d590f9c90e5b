"""`/docs`: a plain page of the API's calls, built from the OpenAPI schema on the server.

FastAPI's Swagger UI and ReDoc load their scripts from a CDN: on an offline or self-hosted
install `/docs` was a blank page, and online it ran a third party's script in the origin that
holds the login token. This page has no script and loads nothing: every call with its summary,
grouped by tag, a link to `/openapi.json` for any OpenAPI viewer, and the meaning of each call
in docs/api.md. (The interactive viewers stay behind GUANXI_API_DOCS, for development.)
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
METHODS = ("get", "post", "put", "patch", "delete")


@router.api_route("/docs", methods=["GET", "HEAD"])
async def api_docs(request: Request) -> HTMLResponse:
    return HTMLResponse(docs_page(request.app.openapi()), headers=HEADERS)


def docs_page(schema: dict[str, Any]) -> str:
    info = schema.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    sections = "".join(_section(tag, calls) for tag, calls in _by_tag(schema).items())
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{title} API</title></head><body><h1>{title} API</h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        '<p>The machine-readable description: <a href="/openapi.json">/openapi.json</a> '
        "(OpenAPI; open it in any OpenAPI viewer). What each call means, its errors and "
        "limits: <code>docs/api.md</code> in the source. Calls take "
        "<code>Authorization: Bearer &lt;token&gt;</code> from <code>POST /api/v1/sessions"
        "</code>.</p>"
        f"{sections}</body></html>"
    )


def _by_tag(schema: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """(method, path, summary) of every call, grouped by its first tag, in path order."""
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                call = item[method]
                tag = (call.get("tags") or ["other"])[0]
                groups.setdefault(tag, []).append((method.upper(), path, call.get("summary", "")))
    return groups


def _section(tag: str, calls: list[tuple[str, str, str]]) -> str:
    rows = "".join(
        f"<li><code>{escape(method)} {escape(path)}</code> — {escape(summary)}</li>"
        for method, path, summary in calls
    )
    return f"<h2>{escape(tag)}</h2><ul>{rows}</ul>"
