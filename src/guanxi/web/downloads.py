"""Serving stored bytes: ETag (the SHA-256) and If-None-Match, single HTTP ranges."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from guanxi.media.models import Blob
from guanxi.media.storage import MediaStorage
from guanxi.web.errors import error_response

RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSAFE_ASCII = re.compile(r'[^\x20-\x7e]|["\\%]')
CACHE = "private, max-age=31536000, immutable"


Reader = Callable[[int, int], AsyncIterator[bytes]]  # (start, length) → the bytes, in chunks


def blob_response(request: Request, blob: Blob, storage: MediaStorage) -> Response:
    def read(start: int, length: int) -> AsyncIterator[bytes]:
        return storage.read(blob.sha256, start, length)

    return ranged_response(
        request,
        etag=blob.sha256,
        size=blob.size,
        mime=blob.mime,
        disposition=_disposition(blob),
        read=read,
    )


def ranged_response(
    request: Request, *, etag: str, size: int, mime: str, disposition: str, read: Reader
) -> Response:
    """Bytes that never change under `etag`: 304 for If-None-Match, one range (206, 416)."""
    etag = f'"{etag}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": disposition,
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    wanted = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if wanted is None or (if_range is not None and if_range != etag):
        return _body(read, mime, 0, size, 200, headers)
    span = parse_range(wanted, size)
    if span is None:  # not a single byte range we understand: the whole body
        return _body(read, mime, 0, size, 200, headers)
    start, end = span
    if start >= size or start > end:
        answer = error_response(416, "range_not_satisfiable", "The range is outside the file.")
        answer.headers["Content-Range"] = f"bytes */{size}"
        return answer
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _body(read, mime, start, end + 1 - start, 206, headers)


def attachment(filename: str) -> str:
    """A Content-Disposition that saves the bytes under this name."""
    return disposition("attachment", filename)


def disposition(kind: str, filename: str) -> str:
    """`kind` ("attachment" or "inline") with the name twice: RFC 6266's `filename*` in
    RFC 5987 form (UTF-8, percent-encoded: nothing in it can end the header or the value),
    and a plain ASCII `filename` for the few clients that do not read the first (non-ASCII
    characters, quotes, backslashes and anything outside printable ASCII become "_")."""
    if not filename:
        return kind
    fallback = UNSAFE_ASCII.sub("_", filename)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


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
    return disposition("attachment" if blob.attachment else "inline", blob.filename)


def _body(
    read: Reader, mime: str, start: int, length: int, status: int, headers: dict[str, str]
) -> StreamingResponse:
    headers = {**headers, "Content-Length": str(length)}
    return StreamingResponse(
        read(start, length), status_code=status, headers=headers, media_type=mime
    )
