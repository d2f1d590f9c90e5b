"""Reading a zip's members without trusting them: how many the zip declares (read from its end
records before anything else), and one member's bytes — its local header checked against the
directory, its data inflated a bounded chunk at a time, and its end checked: more or fewer bytes
than the directory declares, a broken deflate stream or a wrong CRC is a BadArchive."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from guanxi.assets.bundle import BadArchive

CHUNK = 1 << 16
_EOCD = struct.Struct("<4s4H2LH")  # signature, disks, entries here, entries, size, offset, comment
_EOCD_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # …, entries here, entries, size, offset
_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes…


def declared_members(path: Path) -> tuple[int, int]:
    """(members, bytes of the central directory) as the zip's end records declare them. Found
    the way zipfile finds them, so a limit checked on these holds for what zipfile then parses."""
    with path.open("rb") as file:
        size = file.seek(0, io.SEEK_END)
        span = min(size, _EOCD.size + 0xFFFF)
        file.seek(size - span)
        tail = file.read(span)
        at = _end_record(tail)
        _, _, _, _, count, directory, _, _ = _EOCD.unpack_from(tail, at)
        if count != 0xFFFF and directory != 0xFFFFFFFF:
            return count, directory
        return _zip64_members(file, size - span + at)


def _end_record(tail: bytes) -> int:
    last = len(tail) - _EOCD.size
    if last >= 0 and tail[last : last + 4] == _EOCD_SIGNATURE and tail[-2:] == b"\0\0":
        return last  # no comment: the record ends the file
    at = tail.rfind(_EOCD_SIGNATURE)
    if at < 0 or at > last:
        raise BadArchive("not a zip (no end of central directory)", "not_a_zip")
    return at


def _zip64_members(file: BinaryIO, end_record: int) -> tuple[int, int]:
    start = end_record - _ZIP64_LOCATOR.size - _ZIP64_EOCD.size
    if start < 0:
        raise BadArchive("not a zip (no zip64 end of central directory)", "not_a_zip")
    file.seek(start)
    data = file.read(_ZIP64_EOCD.size + _ZIP64_LOCATOR.size)
    record = _ZIP64_EOCD.unpack_from(data, 0)
    locator = _ZIP64_LOCATOR.unpack_from(data, _ZIP64_EOCD.size)
    if record[0] != b"PK\x06\x06" or locator[0] != b"PK\x06\x07":
        raise BadArchive("not a zip (no zip64 end of central directory)", "not_a_zip")
    return record[7], record[8]


class MemberReader(io.RawIOBase):
    """One member's unpacked bytes, never more than the directory declares."""

    @classmethod
    def open(cls, path: Path, info: zipfile.ZipInfo, name: str) -> BinaryIO:
        file = path.open("rb")
        try:
            file.seek(_data_start(file, info, name))
        except BaseException:
            file.close()
            raise
        return io.BufferedReader(cls(file, info, name), CHUNK)

    def __init__(self, file: BinaryIO, info: zipfile.ZipInfo, name: str) -> None:
        super().__init__()
        self._file = file
        self._info = info
        self._name = name
        self._packed_left = info.compress_size
        self._left = info.file_size
        self._crc = 0
        self._ended = False
        self._inflate = zlib.decompressobj(-15) if info.compress_type else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()

    def _chunk(self, want: int) -> bytes:
        """Up to `want` unpacked bytes; b"" at the end, once the end has been checked."""
        while not self._ended:
            try:
                data = self._unpack(max(1, want))
            except zlib.error as error:
                raise self._bad(f"the packed data is broken: {error}", "corrupt") from error
            if data:
                return self._count(data)
            if self._at_end():
                self._check_end()
        return b""

    def _unpack(self, want: int) -> bytes:
        if self._inflate is None:
            return self._read_packed(min(want, CHUNK))
        packed = self._inflate.unconsumed_tail or self._read_packed(CHUNK)
        return self._inflate.decompress(packed, min(want, CHUNK))

    def _read_packed(self, want: int) -> bytes:
        data = self._file.read(min(want, self._packed_left))
        self._packed_left -= len(data)
        if not data and self._packed_left:
            raise self._bad("the zip ends inside this file", "corrupt")
        return data

    def _at_end(self) -> bool:
        if self._inflate is None:
            return self._packed_left == 0
        return self._inflate.eof or (self._packed_left == 0 and not self._inflate.unconsumed_tail)

    def _count(self, data: bytes) -> bytes:
        self._left -= len(data)
        if self._left < 0:
            raise self._bad(
                f"the file unpacks to more than the {self._info.file_size} bytes it declares",
                "size_mismatch",
            )
        self._crc = zlib.crc32(data, self._crc)
        return data

    def _check_end(self) -> None:
        self._ended = True
        if self._inflate is not None and not self._inflate.eof:
            raise self._bad("the packed data ends early", "corrupt")
        if self._left:
            raise self._bad(
                f"the file unpacks to fewer than the {self._info.file_size} bytes it declares",
                "size_mismatch",
            )
        if self._crc != self._info.CRC:
            raise self._bad("the file's CRC does not match", "corrupt")

    def _bad(self, message: str, code: str) -> BadArchive:
        return BadArchive(message, code, file=self._name)


def _data_start(file: BinaryIO, info: zipfile.ZipInfo, name: str) -> int:
    """Where the member's packed data starts, after a local header that agrees with the
    directory (same name, method and encryption)."""
    file.seek(info.header_offset)
    header = file.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise BadArchive("the file's local header is missing", "corrupt", file=name)
    fields = _LOCAL.unpack(header)
    flags, method, name_length, extra_length = fields[2], fields[3], fields[9], fields[10]
    encoding = "utf-8" if flags & 0x800 else "cp437"
    local_name = file.read(name_length).decode(encoding, errors="replace")
    if local_name != info.orig_filename or method != info.compress_type or flags & 0x1:
        raise BadArchive(
            "the file's local header disagrees with the directory", "corrupt", file=name
        )
    start: int = info.header_offset + _LOCAL.size + name_length + extra_length
    if start + info.compress_size > file.seek(0, io.SEEK_END):
        raise BadArchive("the zip ends inside this file", "corrupt", file=name)
    return start
