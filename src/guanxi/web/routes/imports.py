"""Imports: upload a guanxi archive, a Telegram or a WhatsApp export (multipart, streamed to
disk), follow the job."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from guanxi.assets.models import IMPORT_FORMATS
from guanxi.web.auth import Me, Svc
from guanxi.web.schemas.imports import ImportOut, ImportStarted
from guanxi.web.uploads import MultipartUpload, openapi_body

router = APIRouter(tags=["imports"])
UPLOAD_PATH = "/me/imports"
ImportId = Annotated[int, Path(ge=1, le=2**62)]
UPLOAD_BODY = openapi_body(
    format={"type": "string", "enum": list(IMPORT_FORMATS), "default": "auto"},
    me={
        "type": "string",
        "description": "The sender name that is you, where the export does not say (WhatsApp).",
    },
)


@router.post(UPLOAD_PATH, status_code=202, response_model=ImportStarted, openapi_extra=UPLOAD_BODY)
async def start_import(request: Request, me: Me, svc: Svc) -> dict[str, Any]:
    await svc.imports.check_may_start(me)
    upload = MultipartUpload(request)
    path = await svc.imports.receive(upload)
    job = await svc.imports.start_import(
        me,
        path,
        format=upload.fields.get("format") or "auto",
        me_name=(upload.fields.get("me") or "").strip() or None,
        filename=upload.filename,
    )
    return {"id": job.id, "state": job.state}


@router.get("/me/imports/{import_id}", response_model=ImportOut)
async def get_import(import_id: ImportId, me: Me, svc: Svc) -> dict[str, Any]:
    job = await svc.imports.get_import(me, import_id)
    return job.to_wire()
