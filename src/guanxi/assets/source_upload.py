"""The Source over an import upload saved to disk: a zip (known by its first bytes, whatever it
is called) is read as a ZipSource, checked whole first; anything else is one file, named by the
last part of the name the uploader gave it (a WhatsApp `.txt`, a Telegram `result.json`)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from guanxi.assets.bundle import BadArchive, Source
from guanxi.assets.source_zip import ZipLimits, ZipSource

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first member, or the end of an empty zip
DEFAULT_NAME = "upload"


def open_upload(path: Path, limits: ZipLimits, name_hint: str = "") -> Source:
    """The upload at `path` as a Source; BadArchive when it is a zip that fails a check."""
    with path.open("rb") as file:
        magic = file.read(4)
    if magic in ZIP_MAGIC:
        return ZipSource(path, limits, upload_name(name_hint))
    return FileSource(path, upload_name(name_hint))


def upload_name(hint: str) -> str:
    """The last part of a name given with an upload (browsers may send `C:\\fakepath\\x.txt`)."""
    name = hint.replace("\\", "/").rsplit("/", 1)[-1].replace("\0", "").strip()
    return name if name not in ("", ".", "..") else DEFAULT_NAME


class FileSource:
    """One file on its own, under the name it was uploaded with."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name

    def names(self) -> list[str]:
        return [self.name]

    def open(self, name: str) -> BinaryIO:
        self._check(name)
        return self.path.open("rb")

    def size(self, name: str) -> int:
        self._check(name)
        return self.path.stat().st_size

    def _check(self, name: str) -> None:
        if name != self.name:
            raise BadArchive("no such file in the upload", "missing_file", file=name)
