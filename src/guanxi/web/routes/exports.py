"""Exports of one's social assets: start one, follow it, download the archive (with Range)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from guanxi.web.auth import Me, Svc
from guanxi.web.downloads import attachment, ranged_response
from guanxi.web.routes.params import IdPath
from guanxi.web.schemas.exports import ExportOut, ExportStartedOut

router = APIRouter(tags=["exports"])
ZIP = "application/zip"
ARCHIVE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The archive (a guanxi-archive zip, docs/export-format.md).",
        "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {
        "description": "The requested range.",
        "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)."},
    404: {"description": "No such export of yours, not done yet (`archive_not_ready`) or expired."},
    416: {"description": "The range lies outside the file."},
}


@router.post("/me/exports", status_code=202, response_model=ExportStartedOut)
async def start_export(me: Me, svc: Svc) -> dict[str, Any]:
    job = await svc.exports.start_export(me)
    return {"id": job.id, "state": job.state}


@router.get("/me/exports/{export_id}", response_model=ExportOut)
async def get_export(export_id: IdPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.exports.get_export(me, export_id)).to_wire()


@router.get("/me/exports/{export_id}/archive", responses=ARCHIVE, response_class=Response)
async def download_export(export_id: IdPath, request: Request, me: Me, svc: Svc) -> Response:
    archive = await svc.exports.open_archive(me, export_id)

    def read(start: int, length: int) -> Any:
        return svc.exports.read_archive(archive, start, length)

    return ranged_response(
        request,
        etag=archive.etag,
        size=archive.size,
        mime=ZIP,
        disposition=attachment(archive.filename),
        read=read,
    )
