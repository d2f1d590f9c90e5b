"""Media: upload (multipart, streamed), download the original, a preview or a thumbnail."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from guanxi.web.auth import Me, Svc
from guanxi.web.downloads import blob_response
from guanxi.web.schemas.media import MediaOut
from guanxi.web.uploads import MultipartUpload, openapi_body

router = APIRouter(tags=["media"])
UPLOAD_PATH = "/media"
MediaIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
UPLOAD_BODY = openapi_body()
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The bytes, with the item's own type (image/jpeg, audio/ogg, …; previews"
        " and thumbnails image/webp).",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    },
    206: {
        "description": "The requested range.",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)."},
    416: {"description": "The range lies outside the file."},
}


@router.post(UPLOAD_PATH, status_code=201, response_model=MediaOut, openapi_extra=UPLOAD_BODY)
async def upload_media(request: Request, me: Me, svc: Svc) -> dict[str, Any]:
    item = await svc.media.upload(me.user.id, MultipartUpload(request))
    return item.to_wire()


@router.get("/media/{media_id}", responses=DOWNLOAD, response_class=Response)
async def download_media(media_id: MediaIdPath, request: Request, me: Me, svc: Svc) -> Response:
    blob = await svc.media.open(me.user.id, media_id, "original")
    return blob_response(request, blob, svc.media.storage)


@router.get("/media/{media_id}/preview", responses=DOWNLOAD, response_class=Response)
async def download_preview(media_id: MediaIdPath, request: Request, me: Me, svc: Svc) -> Response:
    blob = await svc.media.open(me.user.id, media_id, "preview")
    return blob_response(request, blob, svc.media.storage)


@router.get("/media/{media_id}/thumbnail", responses=DOWNLOAD, response_class=Response)
async def download_thumbnail(media_id: MediaIdPath, request: Request, me: Me, svc: Svc) -> Response:
    blob = await svc.media.open(me.user.id, media_id, "thumbnail")
    return blob_response(request, blob, svc.media.storage)
