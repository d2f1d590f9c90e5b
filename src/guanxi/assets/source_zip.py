"""A Source over a zip uploaded for import, checked whole before one byte of a member is read.

Refused, each with its own BadArchive code: a zip whose directory declares more members than
the limit (`too_many_members`, checked before the directory is parsed), a member name that is
absolute, climbs out (`..`), uses backslashes, a drive letter or a NUL (`unsafe_path`), two
members with one name (`duplicate_name`), a symbolic link (`symlink`) or other non-file
(`not_a_file`), an encrypted member (`encrypted`), a compression other than stored or deflated
(`unsupported_compression`), a member over the size limit (`member_too_large`), members
unpacking to more than the total limit (`too_large`), a member or the whole zip compressed more
than the ratio limit (`zip_bomb`), members whose data overlap (`zip_bomb`), and, while reading,
a member that unpacks to more or fewer bytes than it declares (`size_mismatch`) or fails its
CRC (`corrupt`). Members are read by source_zip_member.py, never by extracting to disk."""

from __future__ import annotations

import itertools
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from guanxi.assets.bundle import BadArchive
from guanxi.assets.source_zip_member import MemberReader, declared_members
from guanxi.settings import Settings

RATIO_FLOOR_BYTES = 1_048_576  # a member this small may be compressed any amount
_DRIVE = re.compile(r"^[A-Za-z]:")
_SUPPORTED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True, kw_only=True)
class ZipLimits:
    max_members: int = 200_000
    max_unpacked_bytes: int = 20_000_000_000
    max_member_bytes: int = 5_000_000_000
    max_ratio: float = 100
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES

    @classmethod
    def from_settings(cls, settings: Settings) -> ZipLimits:
        return cls(
            max_members=settings.import_max_members,
            max_unpacked_bytes=settings.import_max_unpacked_bytes,
            max_member_bytes=settings.import_max_member_bytes,
            max_ratio=settings.import_max_ratio,
        )


class ZipSource:
    """The files of a zip on disk (folders left out), by their normalised names."""

    def __init__(self, path: Path, limits: ZipLimits, name: str = "") -> None:
        self.path = path
        self.name = name  # the name it was uploaded with (a WhatsApp zip's names the chat)
        archive_bytes = path.stat().st_size
        count, directory_bytes = declared_members(path)
        if count > limits.max_members or directory_bytes > limits.max_members * 1024:
            raise BadArchive(
                f"the zip holds more than {limits.max_members} files", "too_many_members"
            )
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as error:
            raise BadArchive(f"not a readable zip: {error}", "not_a_zip") from error
        self._members = _check(infos, limits, archive_bytes)

    def names(self) -> list[str]:
        return list(self._members)

    def size(self, name: str) -> int:
        return self._info(name).file_size

    def open(self, name: str) -> BinaryIO:
        return MemberReader.open(self.path, self._info(name), name)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self._members.get(name)
        if info is None:
            raise BadArchive("no such file in the zip", "missing_file", file=name)
        return info


def _check(
    infos: list[zipfile.ZipInfo], limits: ZipLimits, archive_bytes: int
) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > limits.max_members:
        raise BadArchive(f"the zip holds more than {limits.max_members} files", "too_many_members")
    members: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = safe_name(info.orig_filename)
        if name in seen:
            raise BadArchive("the zip holds two files of this name", "duplicate_name", file=name)
        seen.add(name)
        _check_kind(info, name)
        if info.is_dir():
            continue
        _check_size(info, name, limits)
        total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise BadArchive(
                f"the zip unpacks to more than {limits.max_unpacked_bytes} bytes", "too_large"
            )
        members[name] = info
    if total > limits.ratio_floor_bytes and total > limits.max_ratio * archive_bytes:
        raise BadArchive(
            f"the zip unpacks to more than {limits.max_ratio:g} times its size", "zip_bomb"
        )
    _check_no_overlap(infos, archive_bytes)
    return members


def safe_name(raw: str) -> str:
    """A member's name as a '/'-separated relative path ('./' and '//' dropped), or BadArchive
    when it could reach outside the folder it would be unpacked to."""
    shown = raw.replace("\0", "\\0")
    if "\0" in raw or "\\" in raw or raw.startswith("/") or _DRIVE.match(raw):
        raise BadArchive("the file's path is not a safe relative path", "unsafe_path", file=shown)
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts or not parts:
        raise BadArchive("the file's path is not a safe relative path", "unsafe_path", file=shown)
    return "/".join(parts) + ("/" if raw.endswith("/") else "")


def _check_kind(info: zipfile.ZipInfo, name: str) -> None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BadArchive("the file is a symbolic link", "symlink", file=name)
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise BadArchive("the file is not a regular file", "not_a_file", file=name)
    if info.flag_bits & 0x1:
        raise BadArchive("the file is encrypted", "encrypted", file=name)


def _check_size(info: zipfile.ZipInfo, name: str, limits: ZipLimits) -> None:
    if info.compress_type not in _SUPPORTED:
        raise BadArchive(
            f"compression method {info.compress_type} is not supported (stored or deflated are)",
            "unsupported_compression",
            file=name,
        )
    if info.file_size > limits.max_member_bytes:
        raise BadArchive(
            f"the file unpacks to more than {limits.max_member_bytes} bytes",
            "member_too_large",
            file=name,
        )
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise BadArchive("a stored file's sizes differ", "size_mismatch", file=name)
    packed = max(info.compress_size, 1)
    if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * packed:
        raise BadArchive(
            f"the file unpacks to more than {limits.max_ratio:g} times its packed size",
            "zip_bomb",
            file=name,
        )


def _check_no_overlap(infos: list[zipfile.ZipInfo], archive_bytes: int) -> None:
    """Members whose data share bytes (a zip bomb built without nesting) are refused. Each member
    needs at least its local header, its name and its packed data before the next one starts,
    and inside the zip."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for info in ordered[:1] + ordered[-1:]:
        least = 30 + _raw_name_length(info) + info.compress_size
        if info.header_offset < 0 or info.header_offset + least > archive_bytes:
            name = safe_name(info.orig_filename)
            raise BadArchive("the file lies outside the zip", "corrupt", file=name)
    for info, after in itertools.pairwise(ordered):
        least = 30 + _raw_name_length(info) + info.compress_size
        if info.header_offset + least > after.header_offset:
            raise BadArchive(
                "files in the zip overlap", "zip_bomb", file=safe_name(after.orig_filename)
            )


def _raw_name_length(info: zipfile.ZipInfo) -> int:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        return len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:  # a name zipfile read some other way: no lower bound from it
        return 0
