"""The `guanxi-archive` format's names: its version, its files, and the JSON Schema of each
kind of record (shipped in the package, `assets/schemas/`; docs/export-format.md says it all)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

FORMAT = "guanxi-archive"
VERSION = 1
MANIFEST = "manifest.json"
PROFILE = "profile.json"
MEDIA_FOLDER = "media"

# collection (the file stem, what ViewerPack.add is told) → the schema of its records
COLLECTIONS: dict[str, str] = {
    "profile": "profile",
    "people": "person",
    "friends": "friend",
    "blocks": "block",
    "conversations": "conversation",
    "messages": "message",
    "media": "media",
    "moments": "moment",
    "interactions": "interaction",
}
SCHEMAS = ("manifest", *COLLECTIONS.values())


def path_of(collection: str) -> str:
    """The file a collection is written to: `profile.json`, else `<collection>.jsonl`."""
    return PROFILE if collection == "profile" else f"{collection}.jsonl"


def media_path(sha256: str) -> str:
    return f"{MEDIA_FOLDER}/{sha256}"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of record: one of SCHEMAS."""
    if name not in SCHEMAS:
        raise KeyError(name)
    text = resources.files("guanxi.assets").joinpath("schemas", f"{name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
