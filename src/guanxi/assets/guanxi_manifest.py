"""A guanxi archive's manifest, checked before anything else is read: its format, a version this
reader knows (a newer or older one is refused, never guessed at), its shape, and the files it
lists against the files the upload holds — a file not listed, or a listed file missing, makes
the archive unreadable. A media file's name is its SHA-256, so its listed hash must be its name."""

from __future__ import annotations

from typing import Any

from guanxi.assets.bundle import BadArchive, Source
from guanxi.assets.guanxi_checks import Wrong
from guanxi.assets.guanxi_lines import read_json
from guanxi.assets.guanxi_records import FORMAT, MANIFEST, VERSION, Manifest

MANIFEST_NAME = "manifest.json"
REQUIRED = frozenset(
    {
        "profile.json",
        "people.jsonl",
        "friends.jsonl",
        "blocks.jsonl",
        "conversations.jsonl",
        "messages.jsonl",
        "media.jsonl",
        "moments.jsonl",
        "interactions.jsonl",
    }
)


def read_manifest(source: Source) -> Manifest:
    names = source.names()
    if MANIFEST_NAME not in names:
        raise BadArchive("the archive has no manifest.json", "missing_file", MANIFEST_NAME)
    record = read_json(source, MANIFEST_NAME, None, _an_object)
    _check_version(record)
    try:
        MANIFEST(record, "")
    except Wrong as wrong:
        raise BadArchive(str(wrong), "bad_record", MANIFEST_NAME) from None
    manifest = Manifest(
        version=record["version"],
        exported_at=record["exported_at"],
        handle=record["user"]["handle"],
        display_name=record["user"]["display_name"],
        counts=record["counts"],
        files=record["files"],
    )
    _check_files(names, manifest.files)
    return manifest


def _an_object(value: Any, path: str) -> None:
    if type(value) is not dict:
        raise Wrong("manifest", "must be an object")


def _check_version(record: dict[str, Any]) -> None:
    if record.get("format") != FORMAT:
        raise BadArchive(
            f"the manifest's format is {record.get('format')!r}, not {FORMAT!r}",
            "not_guanxi_archive",
            MANIFEST_NAME,
        )
    version = record.get("version")
    if type(version) is not int:
        raise BadArchive("'version' must be an integer", "bad_record", MANIFEST_NAME)
    if version != VERSION:
        raise BadArchive(
            f"the archive is version {version}; this server reads version {VERSION} only"
            + (" (it was made by a newer guanxi)" if version > VERSION else ""),
            "unsupported_version",
            MANIFEST_NAME,
        )


def _check_files(names: list[str], files: dict[str, str]) -> None:
    for name in names:
        if name != MANIFEST_NAME and name not in files:
            raise BadArchive("the file is not listed in the manifest", "unlisted_file", name)
    held = set(names)
    for name in sorted(REQUIRED - files.keys()):
        raise BadArchive("the manifest does not list this file of the format", "missing_file", name)
    for name, sha256 in files.items():
        if name not in held:
            raise BadArchive(
                "the manifest lists this file; the archive lacks it", "missing_file", name
            )
        if name.startswith("media/") and name != f"media/{sha256}":
            raise BadArchive(
                "a media file's name must be its SHA-256, as the manifest lists it",
                "hash_mismatch",
                name,
            )
