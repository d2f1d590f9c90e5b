"""A JSON response rendered by orjson, for the hot paths that skip response validation."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JSONOut(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
