"""Receiving an upload: chunks go straight to a temporary file while being hashed and
counted, so no upload is ever held whole in memory, and one over its limit is stopped at
the first byte past it."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from guanxi.errors import TooLarge
from guanxi.media.probe import HEAD, sniff_image
from guanxi.media.storage import FILE_MODE

SNIFF = 12  # bytes enough to tell an image by its magic


class Spool:
    def __init__(self, folder: Path, image_max: int, other_max: int) -> None:
        self.path = folder / f"upload-{uuid.uuid4().hex}"
        self.image_max = image_max
        self.other_max = other_max
        self.head = b""
        self.size = 0
        self._hash = hashlib.sha256()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        self._file = os.fdopen(descriptor, "wb")

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def limit(self) -> int:
        if len(self.head) < SNIFF:
            return max(self.image_max, self.other_max)
        return self.image_max if sniff_image(self.head) else self.other_max

    def write(self, chunk: bytes) -> None:
        if len(self.head) < HEAD:
            self.head += chunk[: HEAD - len(self.head)]
        self.size += len(chunk)
        if self.size > self.limit():
            what = "An image" if sniff_image(self.head) else "A file"
            raise TooLarge(f"{what} may be at most {self.limit()} bytes.", "too_large")
        self._hash.update(chunk)
        self._file.write(chunk)

    def close(self) -> None:
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
