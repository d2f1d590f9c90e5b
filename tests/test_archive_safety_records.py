"""Bad archives are untrusted input: a guanxi archive whose manifest, files or records are wrong
(a future version, a hash that differs, a file not listed or missing, a 2 MB line, nesting
100,000 deep, a wrong type, a missing field, a name of no one) is refused with its own code,
naming the file and the line — before anything of it is written (the import validates first)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from guanxi.assets.guanxi_reader import detect_guanxi, read_guanxi, read_guanxi_bundle
from guanxi.assets.source_zip import ZipLimits, ZipSource
from tests.guanxi_archive import IMAGE_SHA, encode, manifest_of, refused, sample, write_zip

LIMITS = ZipLimits()

Records = dict[str, Any]
Files = dict[str, bytes]


def guanxi_zip(
    tmp_path: Path,
    records: Callable[[Records], object] | None = None,
    before: Callable[[Files], object] | None = None,
    after: Callable[[Files], object] | None = None,
    **manifest: Any,
) -> Path:
    """The sample archive, its records changed, then its files (`before` the manifest lists
    their hashes, or `after`, which makes them differ), and its manifest's keys."""
    content = sample()
    if records is not None:
        records(content)
    files = encode(content)
    if before is not None:
        before(files)
    listed = manifest_of(files, **manifest)
    if after is not None:
        after(files)
    return write_zip(tmp_path / "archive.zip", files, listed)


def read_whole(path: Path) -> None:
    read_guanxi(ZipSource(path, LIMITS)).validate()


def first_message(change: Callable[[Records], object]) -> Callable[[Records], object]:
    return lambda records: change(records["messages.jsonl"][0])


def test_a_future_version_is_refused_saying_which_version_is_read(tmp_path: Path) -> None:
    path = guanxi_zip(tmp_path, version=2, new_key="from the future")
    error = refused(lambda: read_whole(path), "unsupported_version", "manifest.json")
    assert "version 2" in error.message and "reads version 1 only" in error.message


@pytest.mark.parametrize(
    ("manifest", "code", "says"),
    [
        ({"format": "tar"}, "not_guanxi_archive", "format is 'tar'"),
        ({"version": "1"}, "bad_record", "'version' must be an integer"),
        ({"version": 0}, "unsupported_version", "version 0"),
        ({"user": {"handle": "ana"}}, "bad_record", "'user.display_name' is missing"),
        ({"files": {"../x": "0" * 64}}, "bad_record", "'files key' must match"),
    ],
)
def test_a_manifest_that_is_not_version_1_is_refused(
    tmp_path: Path, manifest: dict[str, Any], code: str, says: str
) -> None:
    error = refused(lambda: read_whole(guanxi_zip(tmp_path, **manifest)), code, "manifest.json")
    assert says in error.message


def test_an_archive_without_a_manifest_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", encode(sample()), None)
    assert not detect_guanxi(ZipSource(path, LIMITS))
    refused(lambda: read_whole(path), "missing_file", "manifest.json")


def test_a_manifest_nested_too_deep_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.zip", {}, None)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", b"[" * 100_000 + b"]" * 100_000)
    refused(lambda: read_whole(path), "too_deep", "manifest.json")


def test_a_file_not_in_the_manifest_is_refused(tmp_path: Path) -> None:
    path = guanxi_zip(tmp_path, after=lambda files: files.update({"viewer/x.js": b"alert(1)"}))
    refused(lambda: read_whole(path), "unlisted_file", "viewer/x.js")


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_missing_file_is_refused(tmp_path: Path, when: str) -> None:
    path = guanxi_zip(tmp_path, **{when: lambda files: files.pop("blocks.jsonl")})
    refused(lambda: read_whole(path), "missing_file", "blocks.jsonl")


def test_a_media_file_must_be_named_by_its_hash(tmp_path: Path) -> None:
    def rename(files: Files) -> None:
        files[f"media/{'0' * 64}"] = files.pop(f"media/{IMAGE_SHA}")

    path = guanxi_zip(tmp_path, before=rename)
    refused(lambda: read_whole(path), "hash_mismatch", f"media/{'0' * 64}")


def test_a_record_that_does_not_match_its_hash_is_refused_at_the_end_of_its_file(
    tmp_path: Path,
) -> None:
    def tamper(files: Files) -> None:
        files["messages.jsonl"] = files["messages.jsonl"].replace(b"hi bo", b"hi yo")

    archive = read_guanxi(ZipSource(guanxi_zip(tmp_path, after=tamper), LIMITS))
    chats = archive.chats()
    assert next(next(chats).entries).text == "hi yo"  # given out before the file's end…
    error = refused(lambda: list(chats), "hash_mismatch", "messages.jsonl")  # …refused at it
    assert "SHA-256" in error.message
    refused(archive.validate, "hash_mismatch", "messages.jsonl")


@pytest.mark.parametrize("target", [f"media/{IMAGE_SHA}", "index.html"])
def test_a_media_or_viewer_file_that_does_not_match_its_hash_is_refused(
    tmp_path: Path, target: str
) -> None:
    path = guanxi_zip(tmp_path, after=lambda files: files.update({target: files[target][::-1]}))
    archive = read_guanxi(ZipSource(path, LIMITS))
    if target.startswith("media/"):
        with archive.open_media(IMAGE_SHA) as stream:
            refused(stream.read, "hash_mismatch", target)
    refused(archive.validate, "hash_mismatch", target)
    refused(lambda: list(read_guanxi_bundle(archive.source)), "hash_mismatch", target)


def test_a_line_over_the_cap_is_refused(tmp_path: Path) -> None:
    text = os.urandom(1_100_000).hex()  # 2.2 MB that a zip cannot squeeze like a bomb
    path = guanxi_zip(tmp_path, records=lambda r: r["messages.jsonl"][1].update(text=text))
    error = refused(lambda: read_whole(path), "record_too_large", "messages.jsonl", "2")
    assert "1048576 bytes" in error.message


def deeply(files: Files) -> None:
    files["messages.jsonl"] += b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"


def test_nesting_a_hundred_thousand_deep_is_refused_without_a_crash(tmp_path: Path) -> None:
    path = guanxi_zip(tmp_path, before=deeply)
    error = refused(lambda: read_whole(path), "too_deep", "messages.jsonl", "8")
    assert "32 levels" in error.message


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path) -> None:
    text = "[{" * 5000
    path = guanxi_zip(tmp_path, records=first_message(lambda m: m.update(text=text)))
    read_whole(path)


@pytest.mark.parametrize(
    ("change", "record", "says"),
    [
        (first_message(lambda m: m.update(seq="1")), "1", "'seq' must be an integer"),
        (first_message(lambda m: m.update(seq=True)), "1", "'seq' must be an integer"),
        (first_message(lambda m: m.update(seq=0)), "1", "'seq' must be from 1 to"),
        (first_message(lambda m: m.update(created_at=2**63)), "1", "'created_at' must be from 0"),
        (first_message(lambda m: m.pop("sender")), "1", "'sender' is missing"),
        (first_message(lambda m: m.update(extra=1)), "1", "'extra' is not a key"),
        (first_message(lambda m: m.update(kind="sticker")), "1", "'kind' must be one of"),
        (first_message(lambda m: m.update(sender="zed")), "1", "'sender' names zed, who is not"),
        (first_message(lambda m: m.update(media="0" * 64)), "1", "'media' names a file that"),
        (first_message(lambda m: m.update(mentions=[1])), "1", "'mentions[0]' must be a string"),
        (first_message(lambda m: m.update(recalled_at=1)), "1", "a recalled message must have no"),
        (first_message(lambda m: m.update(seq=2)), "2", "'seq' 2 is out of order"),
        (lambda r: r["messages.jsonl"][4].update(seq=1), "5", "outside the user's window (2, "),
        (lambda r: r["messages.jsonl"].append(r["messages.jsonl"][0]), "8", "must come together"),
        (
            lambda r: r["messages.jsonl"].append({**r["messages.jsonl"][0], "conversation": 99}),
            "8",
            "'conversation' 99 is not in conversations.jsonl",
        ),
    ],
)
def test_a_message_of_the_wrong_shape_is_refused_naming_its_line(
    tmp_path: Path, change: Callable[[Records], object], record: str, says: str
) -> None:
    path = guanxi_zip(tmp_path, records=change)
    error = refused(lambda: read_whole(path), "bad_record", "messages.jsonl", record)
    assert says in error.message
    assert error.message.startswith(f"messages.jsonl record {record}: ")


@pytest.mark.parametrize(
    ("file", "change", "record", "says"),
    [
        (
            "conversations.jsonl",
            lambda r: r["conversations.jsonl"][1]["members"][1].update(role="king"),
            "2",
            "'members[1].role' must be one of owner, admin, member",
        ),
        (
            "conversations.jsonl",
            lambda r: r["conversations.jsonl"][0].update(members=[]),
            "1",
            "'members' must include ana",
        ),
        ("people.jsonl", lambda r: r["people.jsonl"].append(r["people.jsonl"][1]), "6", "twice"),
        ("moments.jsonl", lambda r: r["moments.jsonl"][0]["likes"].append({}), "1", "is missing"),
        (
            "moments.jsonl",
            lambda r: r["moments.jsonl"][0]["comments"][0].update(reply_to=10),
            "1",
            "'comments[0].reply_to' names no earlier comment",
        ),
        ("media.jsonl", lambda r: r["media.jsonl"][0].update(size=3), "1", "'size' is not"),
        ("friends.jsonl", lambda r: r["friends.jsonl"][0].update(handle="zed"), "1", "zed"),
        ("profile.json", lambda r: r["profile.json"].update(handle="bo"), "", "'handle' is not"),
    ],
)
def test_other_records_of_the_wrong_shape_are_refused(
    tmp_path: Path, file: str, change: Callable[[Records], object], record: str, says: str
) -> None:
    error = refused(
        lambda: read_whole(guanxi_zip(tmp_path, records=change)), "bad_record", file, record
    )
    assert says in error.message


def test_a_line_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = guanxi_zip(tmp_path, before=lambda files: files.update({"blocks.jsonl": b"{no\n"}))
    refused(lambda: read_whole(path), "bad_json", "blocks.jsonl", "1")


def test_a_file_with_more_lines_than_the_manifest_counts_is_refused(tmp_path: Path) -> None:
    counts = {
        "conversations": 3,
        "messages": 6,
        "media": 2,
        "moments": 1,
        "friends": 1,
        "people": 5,
    }
    error = refused(
        lambda: read_whole(guanxi_zip(tmp_path, counts=counts)), "count_mismatch", "messages.jsonl"
    )
    assert "7 lines, where the manifest counts 6" in error.message
