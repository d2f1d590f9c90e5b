"""A Source over a folder on disk: an unpacked export (`guanxi import --user H FOLDER`), or one
file on its own. Symbolic links are not followed and nothing outside the folder is reachable."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from guanxi.assets.bundle import BadArchive


class FolderSource:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if self.root.is_file():
            self._files = {self.root.name: self.root}
        else:
            self._files = {
                path.relative_to(self.root).as_posix(): path
                for path in sorted(self.root.rglob("*"))
                if path.is_file() and not _linked(path, self.root)
            }

    def names(self) -> list[str]:
        return list(self._files)

    def open(self, name: str) -> BinaryIO:
        return self._path(name).open("rb")

    def size(self, name: str) -> int:
        return self._path(name).stat().st_size

    def _path(self, name: str) -> Path:
        path = self._files.get(name)
        if path is None:
            raise BadArchive("no such file in the export", "missing_file", file=name)
        return path


def _linked(path: Path, root: Path) -> bool:
    """Whether the path, or a folder on the way to it from the root, is a symbolic link."""
    while path != root:
        if path.is_symlink():
            return True
        path = path.parent
    return False
