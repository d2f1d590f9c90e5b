"""A small guanxi archive (version 1, docs/export-format.md) written by hand, for tests that read
archives — good ones and tampered ones. `sample()` gives every file's records; `encode()` turns
them into bytes; `manifest_of()` lists those bytes' hashes and counts; `write_zip()` zips files
and manifest (the manifest first, as the exporter writes it). Tamper between the steps: change
a file after its hash was taken, add a file the manifest does not list, drop one it does.
`refused(make, code, file, record)` asserts what a refusal says."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guanxi.assets.bundle import BadArchive

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
VOICE = b"OggS" + bytes(500)
IMAGE_SHA = hashlib.sha256(IMAGE).hexdigest()
VOICE_SHA = hashlib.sha256(VOICE).hexdigest()
T = 1_767_225_600_000  # 2026-01-01, in ms


def message(conversation: int, seq: int, sender: str, **fields: Any) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "seq": seq,
        "sender": sender,
        "kind": "text",
        "text": "",
        "created_at": T + seq * 1000,
        "reply_to_seq": None,
        "mentions": [],
        "media": None,
        "edited_at": None,
        "edit_count": 0,
        "recalled_at": None,
        "reactions": [],
    } | fields


def member(handle: str, role: str = "member", **fields: Any) -> dict[str, Any]:
    return {"handle": handle, "role": role, "joined_at": T, "left_at": None} | (
        {"last_read_seq": None} | fields
    )


def person(handle: str, name: str, **flags: bool) -> dict[str, Any]:
    return {
        "handle": handle,
        "display_name": name,
        "is_placeholder": False,
        "is_deleted": False,
    } | (flags)


def media_line(sha: str, kind: str, mime: str, data: bytes, filename: str = "") -> dict[str, Any]:
    return {
        "sha256": sha,
        "kind": kind,
        "mime": mime,
        "size": len(data),
        "filename": filename,
        "width": 32 if kind == "image" else None,
        "height": 32 if kind == "image" else None,
        "duration_ms": 1500 if kind == "voice" else None,
        "path": f"media/{sha}",
    }


def sample() -> dict[str, Any]:
    """Ana's archive: a direct chat with Bo (a photo, a reply, a reaction, a recall, an edit),
    a group she owns whose history she sees from seq 3 (a mention, a system line, a voice note
    from a deleted account, a placeholder member), a moment with a like and a comment thread,
    a friend, a block and a like on Bo's moment."""
    return {
        "profile.json": {
            "handle": "ana",
            "display_name": "Ana",
            "bio": "hi",
            "created_at": T - 1000,
            "moments_visible": "all",
        },
        "people.jsonl": [
            person("ana", "Ana"),
            person("bo", "Bo"),
            person("cy", "Cy", is_placeholder=True),
            person("deleted.1", "Deleted account", is_deleted=True),
            person("eve", ""),
        ],
        "friends.jsonl": [
            {"handle": "bo", "role": "classmate", "remark": "Bobo", "tags": ["x"], "since": T}
        ],
        "blocks.jsonl": [{"handle": "eve", "blocked_at": T + 5}],
        "conversations.jsonl": [
            {
                "id": 7,
                "kind": "direct",
                "name": "",
                "announcement": "",
                "created_at": T,
                "owner": None,
                "members": [member("ana", last_read_seq=4), member("bo", last_read_seq=2)],
                "window": {"after_seq": 0, "through_seq": None},
            },
            {
                "id": 9,
                "kind": "group",
                "name": "Hiking",
                "announcement": "Sunday 8:00",
                "created_at": T + 10,
                "owner": "ana",
                "members": [member("ana", "owner", last_read_seq=5), member("cy", "admin")],
                "window": {"after_seq": 2, "through_seq": None},
            },
            {
                "id": 11,
                "kind": "group",
                "name": "Quiet",
                "announcement": "",
                "created_at": T + 20,
                "owner": "bo",
                "members": [member("ana", left_at=T + 30), member("bo", "owner")],
                "window": {"after_seq": 0, "through_seq": 0},
            },
        ],
        "messages.jsonl": [
            message(7, 1, "ana", text="hi bo", mentions=["bo"]),
            message(
                7,
                2,
                "bo",
                kind="image",
                media=IMAGE_SHA,
                reply_to_seq=1,
                reactions=[{"handle": "ana", "emoji": "👍", "created_at": T + 3000}],
            ),
            message(7, 3, "ana", recalled_at=T + 3500),
            message(7, 4, "bo", text="see you", edited_at=T + 4500, edit_count=2),
            message(9, 3, "cy", text="@Ana ready?", mentions=["ana"]),
            message(9, 4, "ana", kind="system", text="Ana changed the name to Hiking"),
            message(9, 5, "deleted.1", kind="voice", media=VOICE_SHA),
        ],
        "media.jsonl": [
            media_line(IMAGE_SHA, "image", "image/png", IMAGE, "summit.png"),
            media_line(VOICE_SHA, "voice", "audio/ogg", VOICE),
        ],
        "moments.jsonl": [
            {
                "id": 3,
                "text": "Summit!",
                "place": "Huangshan",
                "created_at": T + 50,
                "audience": {"kind": "only", "tags": ["hiking"]},
                "media": [IMAGE_SHA],
                "likes": [{"handle": "bo", "created_at": T + 60}],
                "comments": [
                    {
                        "id": 9,
                        "handle": "bo",
                        "text": "Wow",
                        "created_at": T + 70,
                        "reply_to": None,
                    },
                    {"id": 10, "handle": "ana", "text": ":)", "created_at": T + 80, "reply_to": 9},
                ],
            }
        ],
        "interactions.jsonl": [
            {
                "kind": "like",
                "moment": {"author": "bo", "created_at": T + 40, "text": "Lunch"},
                "text": "",
                "created_at": T + 45,
            }
        ],
    }


def encode(records: dict[str, Any]) -> dict[str, bytes]:
    """Every file's bytes: JSON for .json, a line per record for .jsonl, and the media."""
    files: dict[str, bytes] = {}
    for name, value in records.items():
        if name.endswith(".jsonl"):
            files[name] = b"".join(line(record) for record in value)
        else:
            files[name] = json.dumps(value, ensure_ascii=False).encode()
    files[f"media/{IMAGE_SHA}"] = IMAGE
    files[f"media/{VOICE_SHA}"] = VOICE
    files["index.html"] = b"<!doctype html><title>Ana</title>"
    return files


def line(record: Any) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def manifest_of(files: dict[str, bytes], /, **changes: Any) -> dict[str, Any]:
    def lines(name: str) -> int:
        return files.get(name, b"").count(b"\n")

    counted = ("conversations", "messages", "media", "moments", "friends", "people")
    return {
        "format": "guanxi-archive",
        "version": 1,
        "exported_at": T + 100_000,
        "user": {"handle": "ana", "display_name": "Ana"},
        "counts": {name: lines(f"{name}.jsonl") for name in counted},
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    } | changes


def write_zip(path: Path, files: dict[str, bytes], manifest: dict[str, Any] | None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest is not None:
            archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def good_archive(path: Path) -> Path:
    files = encode(sample())
    return write_zip(path, files, manifest_of(files))


def refused(make: Callable[[], object], code: str, file: str = "", record: str = "") -> BadArchive:
    with pytest.raises(BadArchive) as caught:
        make()
    error = caught.value
    assert (error.code, error.file, error.record) == (code, file, record), error.message
    return error
