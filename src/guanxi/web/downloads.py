"""Serving stored bytes: ETag (the SHA-256) and If-None-Match, single HTTP ranges."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from guanxi.media.models import Blob
from guanxi.media.storage import MediaStorage
from guanxi.web.errors import error_response

RANGE = re.compile(r"bytes=(\d*)-(\d*)")
CACHE = "private, max-age=31536000, immutable"


def blob_response(request: Request, blob: Blob, storage: MediaStorage) -> Response:
    etag = f'"{blob.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": _disposition(blob),
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if wanted is None or (if_range is not None and if_range != etag):
        return _body(storage, blob, 0, blob.size, 200, headers)
    span = parse_range(wanted, blob.size)
    if span is None:  # not a single byte range we understand: the whole body
        return _body(storage, blob, 0, blob.size, 200, headers)
    start, end = span
    if start >= blob.size or start > end:
        answer = error_response(416, "range_not_satisfiable", "The range is outside the file.")
        answer.headers["Content-Range"] = f"bytes */{blob.size}"
        return answer
    headers["Content-Range"] = f"bytes {start}-{end}/{blob.size}"
    return _body(storage, blob, start, end + 1 - start, 206, headers)


def parse_range(value: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of `bytes=a-b`, `bytes=a-` or `bytes=-n`; None if malformed or
    several ranges. A first byte at or past the end comes back as is (416)."""
    found = RANGE.fullmatch(value.strip())
    if found is None or found.group(1) == found.group(2) == "":
        return None
    first, last = found.group(1), found.group(2)
    if first == "":
        suffix = int(last)
        return (max(0, size - suffix), size - 1) if suffix else (size, size)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    return start, end


def _matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


def _disposition(blob: Blob) -> str:
    kind = "attachment" if blob.attachment else "inline"
    if not blob.filename:
        return kind
    return f"{kind}; filename*=UTF-8''{quote(blob.filename, safe='')}"


def _body(
    storage: MediaStorage, blob: Blob, start: int, length: int, status: int, headers: dict[str, str]
) -> StreamingResponse:
    headers = {**headers, "Content-Length": str(length)}
    return StreamingResponse(
        storage.read(blob.sha256, start, length),
        status_code=status,
        headers=headers,
        media_type=blob.mime,
    )
