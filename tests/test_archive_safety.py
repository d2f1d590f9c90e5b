"""Bad archives are untrusted input: each kind of malicious zip is refused with its own code,
naming the file, before anything of it is trusted (test_archive_safety_records.py: the records).

The zips are built here with `zipfile`, then patched byte by byte where zipfile will not write
what an attacker would (a NUL in a name, a size that lies, members that overlap)."""

from __future__ import annotations

import contextlib
import io
import os
import random
import stat
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from guanxi.assets.bundle import BadArchive
from guanxi.assets.guanxi_reader import read_guanxi
from guanxi.assets.source_upload import FileSource, open_upload, upload_name
from guanxi.assets.source_zip import ZipLimits, ZipSource
from guanxi.settings import Settings
from tests.guanxi_archive import good_archive, refused

LIMITS = ZipLimits()
MB = 1_048_576


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def patch_member(path: Path, name: str, **fields: int) -> None:
    """Overwrite fields of a member's local header and directory entry, in place: `flags`,
    `crc`, `packed`, `size` (unpacked), `offset` (directory only)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    local = {"flags": 6, "crc": 14, "packed": 18, "size": 22}
    central = {"flags": 8, "crc": 16, "packed": 20, "size": 24, "offset": 42}
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    for key, value in fields.items():
        form = "<H" if key == "flags" else "<L"
        if key in local:
            struct.pack_into(form, data, info.header_offset + local[key], value)
        struct.pack_into(form, data, entry + central[key], value)
    path.write_bytes(bytes(data))


def rename_raw(path: Path, old: bytes, new: bytes) -> None:
    assert len(old) == len(new)
    path.write_bytes(path.read_bytes().replace(old, new))


def read_all(source: ZipSource, name: str) -> bytes:
    with source.open(name) as stream:
        return stream.read()


# -- a good zip reads back exactly ---------------------------------------------------------------


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_good_zip_reads_back_byte_for_byte(tmp_path: Path, method: int) -> None:
    big = os.urandom(300_000) + b"\0" * 200_000
    members = {"manifest.json": b"{}", "media/ab": big, "empty": b"", "dir/./x.txt": b"x"}
    path = make_zip(tmp_path / "a.zip", members, method)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(zipfile.ZipInfo("folder/"), b"")
    source = ZipSource(path, LIMITS)
    assert source.names() == ["manifest.json", "media/ab", "empty", "dir/x.txt"]
    assert source.size("media/ab") == len(big)
    assert read_all(source, "media/ab") == big
    assert read_all(source, "empty") == b""
    with source.open("media/ab") as stream:  # small reads and lines work as on any file
        assert stream.read(7) == big[:7]
        assert stream.read(100_000) == big[7:100_007]
    refused(lambda: source.open("nothing"), "missing_file", "nothing")


@pytest.mark.parametrize("size", [1, 65_535, 65_536, 65_537, 3 * 65_536 + 7, 900_000])
def test_members_of_any_size_read_back_in_any_pieces(tmp_path: Path, size: int) -> None:
    zeros, noise = bytes(size), os.urandom(size)
    source = ZipSource(make_zip(tmp_path / "a.zip", {"zeros": zeros, "noise": noise}), LIMITS)
    assert (read_all(source, "zeros"), read_all(source, "noise")) == (zeros, noise)
    with source.open("zeros") as stream:
        pieces = iter(lambda: stream.read(size // 3 + 1), b"")
        assert sum(len(piece) for piece in pieces) == size


class Unseekable(io.RawIOBase):
    def __init__(self, file: io.BufferedWriter) -> None:
        self.file = file

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self.file.write(data)


def test_a_zip_written_as_a_stream_reads_back(tmp_path: Path) -> None:
    """Written without seeking (sizes after the data, in data descriptors) and with zip64
    extras, as a streaming exporter may write it."""
    data = os.urandom(100_000)
    with (tmp_path / "a.zip").open("wb") as file, zipfile.ZipFile(Unseekable(file), "w") as out:
        with out.open("a", "w", force_zip64=True) as stream:
            stream.write(data)
        out.writestr("b", b"hello")
    source = ZipSource(tmp_path / "a.zip", LIMITS)
    assert (read_all(source, "a"), read_all(source, "b")) == (data, b"hello")


def test_two_members_stream_side_by_side(tmp_path: Path) -> None:
    lines = {
        name: b"".join(b"%s %d\n" % (name.encode(), i) for i in range(20_000)) for name in "ab"
    }
    source = ZipSource(make_zip(tmp_path / "a.zip", lines), LIMITS)
    with source.open("a") as a, source.open("b") as b:
        for i in range(20_000):
            assert (a.readline(), b.readline()) == (b"a %d\n" % i, b"b %d\n" % i)


# -- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../evil", "a/../../evil", "/etc/x", "C:\\x", "C:/x", "c:x", "a\\..\\evil", "..", "./"],
)
def test_a_path_that_could_leave_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "a.zip", {"good.txt": b"x", name: b"evil"})
    with zipfile.ZipFile(path) as archive:  # zipfile keeps the name as written
        assert archive.infolist()[1].orig_filename == name
    error = refused(lambda: ZipSource(path, LIMITS), "unsafe_path", name)
    assert "safe relative path" in error.message


def test_a_nul_in_a_name_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"good.txt": b"x", "evil.txt": b"evil"})
    rename_raw(path, b"evil.txt", b"ev\0l.txt")
    refused(lambda: ZipSource(path, LIMITS), "unsafe_path", "ev\\0l.txt")


@pytest.mark.parametrize("twin", ["a.txt", "./a.txt", "b//a.txt"])
def test_two_members_of_one_name_are_refused(tmp_path: Path, twin: str) -> None:
    first = "b/a.txt" if twin.startswith("b/") else "a.txt"
    path = make_zip(tmp_path / "a.zip", {first: b"one", "x" * len(twin): b"two"})
    rename_raw(path, b"x" * len(twin), twin.encode())
    refused(lambda: ZipSource(path, LIMITS), "duplicate_name", first)


# -- kinds of member -----------------------------------------------------------------------------


def member(path: Path, info: zipfile.ZipInfo, data: bytes = b"data") -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("good.txt", b"x")
        archive.writestr(info, data)
    return path


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = member(tmp_path / "a.zip", info, b"/etc/passwd")
    refused(lambda: ZipSource(path, LIMITS), "symlink", "link")


def test_a_device_or_pipe_is_refused(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("pipe")
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    refused(lambda: ZipSource(member(tmp_path / "a.zip", info), LIMITS), "not_a_file", "pipe")


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"good.txt": b"x", "secret.txt": b"data"})
    patch_member(path, "secret.txt", flags=0x1)  # zipfile writes no encrypted member
    refused(lambda: ZipSource(path, LIMITS), "encrypted", "secret.txt")


def test_a_compression_other_than_deflate_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.txt": b"x" * 100}, zipfile.ZIP_BZIP2)
    refused(lambda: ZipSource(path, LIMITS), "unsupported_compression", "a.txt")


# -- sizes, ratios and lies ----------------------------------------------------------------------


def test_too_many_members_are_refused_before_the_directory_is_read(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {f"{i}.txt": b"" for i in range(11)})
    error = refused(lambda: ZipSource(path, ZipLimits(max_members=10)), "too_many_members")
    assert "10" in error.message
    assert ZipSource(path, ZipLimits(max_members=11)).names()[-1] == "10.txt"


def declare_members(path: Path, count: int, zip64: bool = False) -> None:
    """Make the zip's end record declare `count` members (in a zip64 end record if asked),
    whatever its directory holds."""
    data = path.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    fields = list(struct.unpack_from("<4s4H2LH", data, end))
    if not zip64:
        fields[3] = fields[4] = count
        path.write_bytes(data[:end] + struct.pack("<4s4H2LH", *fields) + data[end + 22 :])
        return
    size, offset = fields[5], fields[6]
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    fields[3] = fields[4] = 0xFFFF
    ending = struct.pack("<4s4H2LH", *fields)
    path.write_bytes(data[:end] + record + locator + ending + data[end + 22 :])


@pytest.mark.parametrize("zip64", [False, True])
def test_the_declared_member_count_is_checked_before_the_directory_is_parsed(
    tmp_path: Path, zip64: bool
) -> None:
    path = make_zip(tmp_path / "a.zip", {f"{i}.txt": b"" for i in range(3)})
    declare_members(path, 3, zip64)
    assert ZipSource(path, ZipLimits(max_members=3)).names() == ["0.txt", "1.txt", "2.txt"]
    declare_members(path, 60_000, zip64)
    refused(lambda: ZipSource(path, ZipLimits(max_members=1000)), "too_many_members")


def test_a_member_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"small": b"x" * 100, "big": b"x" * 1001})
    refused(lambda: ZipSource(path, ZipLimits(max_member_bytes=1000)), "member_too_large", "big")


def test_members_over_the_total_limit_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {f"{i}": os.urandom(400) for i in range(3)})
    refused(lambda: ZipSource(path, ZipLimits(max_unpacked_bytes=1000)), "too_large")


def test_a_member_compressed_like_a_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ok.txt", b"\0" * 1000)  # under 1 MB: may be compressed any amount
        with archive.open("zeros", "w") as stream:  # 20 MB of zeros deflate to ~20 KB
            for _ in range(20):
                stream.write(bytes(MB))
    assert path.stat().st_size < 100_000
    error = refused(lambda: ZipSource(path, LIMITS), "zip_bomb", "zeros")
    assert "100 times" in error.message
    assert ZipSource(path, ZipLimits(max_ratio=2000)).size("zeros") == 20 * MB


def test_a_declared_gigabyte_of_zeros_is_refused_before_reading(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"zeros": bytes(10_000)})
    patch_member(path, "zeros", size=1 << 30)
    refused(lambda: ZipSource(path, LIMITS), "zip_bomb", "zeros")


def test_many_small_members_compressed_like_a_bomb_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {f"{i}": bytes(MB // 2) for i in range(30)})
    refused(lambda: ZipSource(path, LIMITS), "zip_bomb")


def test_members_that_share_their_data_are_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a": os.urandom(5000), "b": os.urandom(5000)})
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("a").header_offset
    patch_member(path, "b", offset=offset)
    refused(lambda: ZipSource(path, LIMITS), "zip_bomb", "b")


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_member_that_unpacks_to_more_than_it_declares_is_refused(
    tmp_path: Path, method: int
) -> None:
    path = make_zip(tmp_path / "a.zip", {"lies.txt": b"a" * 10_000}, method)
    patch_member(path, "lies.txt", size=100)
    if method == zipfile.ZIP_STORED:  # a stored member's two sizes must agree
        refused(lambda: ZipSource(path, LIMITS), "size_mismatch", "lies.txt")
        patch_member(path, "lies.txt", packed=100)
        refused(lambda: read_all(ZipSource(path, LIMITS), "lies.txt"), "corrupt", "lies.txt")
        return
    source = ZipSource(path, LIMITS)
    assert source.size("lies.txt") == 100
    error = refused(lambda: read_all(source, "lies.txt"), "size_mismatch", "lies.txt")
    assert "more than the 100 bytes" in error.message


def test_a_member_that_unpacks_to_less_than_it_declares_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"short.txt": b"a" * 10_000})
    patch_member(path, "short.txt", size=20_000)
    error = refused(
        lambda: read_all(ZipSource(path, LIMITS), "short.txt"), "size_mismatch", "short.txt"
    )
    assert "fewer than" in error.message


def test_a_member_with_a_wrong_crc_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.txt": b"a" * 10_000})
    patch_member(path, "a.txt", crc=12345)
    refused(lambda: read_all(ZipSource(path, LIMITS), "a.txt"), "corrupt", "a.txt")


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.txt": os.urandom(10_000)})
    path.write_bytes(path.read_bytes()[:5000])
    refused(lambda: ZipSource(path, LIMITS), "not_a_zip")


# -- uploads: a zip by its bytes, else one file --------------------------------------------------


def test_an_upload_is_a_zip_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "upload-1", {"chat.txt": b"hi"})
    source = open_upload(zipped, LIMITS, "WhatsApp Chat.txt")
    assert isinstance(source, ZipSource) and source.names() == ["chat.txt"]
    plain = tmp_path / "upload-2"
    plain.write_bytes(b"PK but not a zip")
    single = open_upload(plain, LIMITS, "C:\\fakepath\\export.zip")
    assert isinstance(single, FileSource) and single.names() == ["export.zip"]
    with single.open("export.zip") as stream:
        assert stream.read() == b"PK but not a zip"
    assert single.size("export.zip") == 16
    refused(lambda: single.open("other"), "missing_file", "other")


def test_an_upload_that_starts_like_a_zip_but_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"PK\x03\x04" + os.urandom(100))
    refused(lambda: open_upload(path, LIMITS, "x.zip"), "not_a_zip")


@pytest.mark.parametrize(
    ("hint", "name"),
    [("result.json", "result.json"), ("a/b/c.txt", "c.txt"), ("", "upload"), ("..", "upload")],
)
def test_an_uploads_name_is_its_last_part(hint: str, name: str) -> None:
    assert upload_name(hint) == name


def test_the_limits_come_from_the_settings() -> None:
    settings = Settings(import_max_members=5, import_max_ratio=7, import_max_unpacked_bytes=9)
    limits = ZipLimits.from_settings(settings)
    assert (limits.max_members, limits.max_ratio, limits.max_unpacked_bytes) == (5, 7, 9)
    assert Settings().import_max_bytes == 2_000_000_000


def test_a_zip_with_random_bytes_changed_is_read_or_refused_never_a_crash(tmp_path: Path) -> None:
    """Seeded: a few bytes of a good archive changed anywhere (headers, directory, data) give a
    BadArchive or a readable zip, never another exception (a negative offset and an unknown zip
    version had escaped as OSError and NotImplementedError)."""
    base = good_archive(tmp_path / "good.zip").read_bytes()
    rng = random.Random(10)
    path = tmp_path / "changed.zip"
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(data)
        with contextlib.suppress(BadArchive):
            source = ZipSource(path, LIMITS)
            for name in source.names():
                read_all(source, name)
            read_guanxi(source).validate()
