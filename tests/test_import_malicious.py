"""Malicious uploads through the public API: each is refused with the file and record named,
and the account — its chats, messages and the database's rows — is as it was before.

The kinds: a path that leaves the folder (zip slip), a symbolic link, a zip bomb, a file whose
hash is not the manifest's, a future version, JSON nested past any sense, a record of the wrong
shape, and an upload over the size limit (413, never stored)."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from guanxi.client import GuanxiClient
from tests import guanxi_archive
from tests.configured import configured
from tests.conftest import RunningServer, UserFactory, code_of
from tests.test_import import group_chat, row_counts

MB = 1 << 20


def archive(
    change: Callable[[dict[str, Any]], None] | None = None,
    *,
    raw: Callable[[dict[str, bytes]], None] | None = None,
    files: Callable[[dict[str, bytes]], None] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    extra: Callable[[zipfile.ZipFile], None] | None = None,
) -> bytes:
    """ana's sample archive (tests/guanxi_archive.py), changed: its records (`change`), its
    files' bytes before their hashes are taken (`raw`) or after (`files`), its manifest, or a
    member added outside the manifest (`extra`)."""
    records = guanxi_archive.sample()
    if change is not None:
        change(records)
    encoded = guanxi_archive.encode(records)
    if raw is not None:
        raw(encoded)
    listed = guanxi_archive.manifest_of(encoded)
    if files is not None:
        files(encoded)
    if manifest is not None:
        manifest(listed)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("manifest.json", json.dumps(listed))
        for name, data in encoded.items():
            zipped.writestr(name, data)
        if extra is not None:
            extra(zipped)
    return out.getvalue()


def slip(zipped: zipfile.ZipFile) -> None:
    zipped.writestr("../../evil.txt", b"evil")


def link(zipped: zipfile.ZipFile) -> None:
    info = zipfile.ZipInfo("media/link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zipped.writestr(info, b"/etc/passwd")


def bomb(zipped: zipfile.ZipFile) -> None:
    with zipped.open("zeros", "w") as stream:
        for _ in range(20):
            stream.write(bytes(MB))


def tampered(files: dict[str, bytes]) -> None:
    files["messages.jsonl"] = files["messages.jsonl"].replace(b"hi", b"ho", 1)


def future(listed: dict[str, Any]) -> None:
    listed["version"] = 2


def nested(files: dict[str, bytes]) -> None:
    """The first message's text, 10,000 lists deep (written by hand: json cannot)."""
    first, rest = files["messages.jsonl"].split(b"\n", 1)
    record = json.loads(first)
    record["text"] = "HERE"
    deep = b"[" * 10_000 + b'"x"' + b"]" * 10_000
    files["messages.jsonl"] = json.dumps(record).encode().replace(b'"HERE"', deep) + b"\n" + rest


def wrong_type(records: dict[str, Any]) -> None:
    records["messages.jsonl"][1]["created_at"] = "yesterday"


MALICIOUS = {
    "zip slip": (lambda: archive(extra=slip), "unsafe_path", "../../evil.txt", ""),
    "symbolic link": (lambda: archive(extra=link), "symlink", "media/link", ""),
    "zip bomb": (lambda: archive(extra=bomb), "zip_bomb", "zeros", ""),
    "hash mismatch": (lambda: archive(files=tampered), None, "messages.jsonl", None),
    "future version": (lambda: archive(manifest=future), None, "manifest.json", None),
    "deep nesting": (lambda: archive(raw=nested), None, "messages.jsonl", "1"),
    "wrong type": (lambda: archive(wrong_type), None, "messages.jsonl", "2"),
}


@pytest.mark.parametrize("kind", list(MALICIOUS))
async def test_a_malicious_archive_is_refused_naming_where_and_changes_nothing(
    make_user: UserFactory, server: RunningServer, kind: str
) -> None:
    make, code, file, record = MALICIOUS[kind]
    me = await make_user("ana")
    await _import(me, _group(), "tests.zip")  # something there already
    chats = await me.conversations()
    before = await row_counts(server)
    started = await me.start_import(make(), "ana.zip")
    job = await me.wait_import(started["id"])
    assert job["state"] == "failed", job
    error = job["error"]
    if code is not None:
        assert error["code"] == code, error
    assert error["file"] == file, error
    if record is not None:
        assert error["record"] == record, error
    assert error["message"]
    assert await me.conversations() == chats
    assert await row_counts(server) == before
    assert not list((server.services.settings.data_dir / "imports").iterdir())


@configured(import_max_bytes=100_000)
async def test_an_upload_over_the_limit_is_refused_at_once(
    make_user: UserFactory, server: RunningServer
) -> None:
    me = await make_user("ana")
    big = bytes(100_001)  # past the limit by one byte: refused while it streams in
    assert await code_of(me.start_import(big, "big.zip")) == (413, "too_large")
    assert not list((server.services.settings.data_dir / "imports").iterdir())


def _group() -> bytes:
    from tests import bundle_format

    return bundle_format.pack({"chats": [group_chat()]})


async def _import(client: GuanxiClient, body: bytes, name: str) -> None:
    from guanxi.assets import formats
    from tests import bundle_format

    formats.FORMATS.setdefault("tests", bundle_format.FORMAT)
    started = await client.start_import(body, name)
    assert (await client.wait_import(started["id"]))["state"] == "done"
