"""The archive's JSON Schemas: valid draft 2020-12, shipped in the package, and strict about
the records docs/export-format.md describes (pure: no server)."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from guanxi.assets.export_format import SCHEMAS, load_schema

SHA = "a" * 64


def valid(name: str, record: dict[str, Any]) -> bool:
    return jsonschema.Draft202012Validator(load_schema(name)).is_valid(record)


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def message(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "conversation": 1,
        "seq": 2,
        "sender": "ana",
        "kind": "text",
        "text": "hi",
        "created_at": 1,
        "reply_to_seq": None,
        "mentions": [],
        "media": None,
        "edited_at": None,
        "edit_count": 0,
        "recalled_at": None,
        "reactions": [{"handle": "bo", "emoji": "👍", "created_at": 2}],
    }
    return {**record, **changes}


def test_a_message_is_strict_and_a_recalled_one_is_a_tombstone() -> None:
    assert valid("message", message())
    assert valid("message", message(media=SHA, kind="image", text=""))
    assert not valid("message", message(extra=1))
    assert not valid("message", message(media="not-a-hash"))
    assert not valid("message", message(kind="sticker"))
    tombstone = message(text="", recalled_at=5, reactions=[])
    assert valid("message", tombstone)
    assert not valid("message", {**tombstone, "text": "taken back"})
    assert not valid("message", {**tombstone, "media": SHA})


def test_a_manifest_names_the_format_and_version_one_and_hashes_safe_paths() -> None:
    manifest = {
        "format": "guanxi-archive",
        "version": 1,
        "exported_at": 1,
        "user": {"handle": "ana", "display_name": "Ana"},
        "counts": dict.fromkeys(
            ("conversations", "messages", "media", "moments", "friends", "people"), 0
        ),
        "files": {"profile.json": SHA, f"media/{SHA}": SHA},
    }
    assert valid("manifest", manifest)
    assert not valid("manifest", {**manifest, "version": 2})
    assert not valid("manifest", {**manifest, "format": "other"})
    for bad in ("../x", "/etc/passwd", "a/../../b", "a\\b"):
        assert not valid("manifest", {**manifest, "files": {bad: SHA}})
    assert not valid("manifest", {**manifest, "files": {"profile.json": "ABC"}})
