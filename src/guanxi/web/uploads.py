"""The `file` field of a multipart/form-data request, streamed as it arrives.

python-multipart's push parser is fed the request body chunk by chunk; the bytes of the
`file` part are handed on at once (never gathered whole); other fields, at most 64 KiB of
them together, are kept as text in `fields` (an import's `format` and `me`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from guanxi.errors import InvalidInput

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FIELD = "file"
OTHER_FIELDS_MAX = 64 * 1024
FORM_ESCAPE = re.compile(r"%(0[0-9A-Fa-f]|1[0-9A-Fa-f]|22|7[Ff])")  # C0, DEL and the quote


def openapi_body(**fields: dict[str, Any]) -> dict[str, Any]:
    """A route's `openapi_extra`: a multipart body with the `file`, and these fields."""
    properties = {FIELD: {"type": "string", "format": "binary"}, **fields}
    schema = {"type": "object", "required": [FIELD], "properties": properties}
    content = {"multipart/form-data": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


class MultipartUpload:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.filename = ""
        self.declared_type = ""
        self._headers: dict[bytes, bytes] = {}
        self._name, self._value = b"", b""
        self._in_file = False
        self._state = "waiting"  # → "receiving" → "done"
        self._ready: list[bytes] = []
        self._skipped = 0
        self._field: str | None = None
        self._field_value = b""
        self.fields: dict[str, str] = {}

    async def chunks(self) -> AsyncIterator[bytes]:
        boundary = self._boundary()
        try:  # the parser refuses a boundary of more than 256 bytes
            parser = MultipartParser(boundary, self._callbacks())
            async for body in self.request.stream():
                parser.write(body)
                for piece in self._ready:
                    yield piece
                self._ready.clear()
            parser.finalize()
        except FormParserError as exc:
            raise InvalidInput("The multipart body is malformed.", "bad_multipart") from exc
        if self._state != "done":
            raise InvalidInput("Send the file as the multipart field 'file'.", "no_file")

    def _boundary(self) -> bytes:
        kind, options = parse_options_header(self.request.headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise InvalidInput("Upload as multipart/form-data with a 'file' field.", "bad_upload")
        return boundary

    def _callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._in_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.lower()] = self._value
        self._name, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        if options.get(b"name") != FIELD.encode():
            self._field = options.get(b"name", b"").decode("utf-8", "replace")
            self._field_value = b""
            return
        if self._state != "waiting":
            raise InvalidInput("Send one file per upload.", "bad_upload")
        self._in_file, self._state = True, "receiving"
        self.filename = _form_name(options.get(b"filename", b""))
        self.declared_type = self._headers.get(b"content-type", b"").decode("latin-1")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self._ready.append(data[start:end])
            return
        self._skipped += end - start
        if self._skipped > OTHER_FIELDS_MAX:
            raise InvalidInput("Only the 'file' field is expected.", "bad_upload")
        self._field_value += data[start:end]

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file, self._state = False, "done"
        elif self._field:
            self.fields[self._field] = self._field_value.decode("utf-8", "replace")
            self._field = None


def _form_name(raw: bytes) -> str:
    """A multipart part's file name. Browsers send `"`, CR and LF in it as %22, %0D and %0A
    (the HTML form encoding), and clients such as httpx every control character as %XX: those
    escapes are undone, so a quote comes back as itself and a control character is dropped
    by the cleaning that follows (media/names.py) rather than kept as "%00"."""
    name = raw.decode("utf-8", "replace")
    return FORM_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), name)
