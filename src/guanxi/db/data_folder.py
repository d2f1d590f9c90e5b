"""The data folder (the SQLite database, its journal and search index, media) is the
server's alone: the folder 0700, the files in it 0600, whatever the umask."""

from __future__ import annotations

import contextlib
from pathlib import Path

FOLDER_MODE, FILE_MODE = 0o700, 0o600


def secure_data_folder(folder: Path) -> None:
    """Make the folder if missing and close it and its top-level files to other users."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    for path in folder.iterdir():
        if path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):  # a journal that just went away
                path.chmod(FILE_MODE)
