"""Options every command shares, and the settings they make."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from guanxi.settings import Settings

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Folder for the SQLite database and media (GUANXI_DATA_DIR)."),
]


def settings_with(**overrides: Any) -> Settings:
    """Settings from the environment, with the options actually given on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)
    except ValidationError as error:  # a GUANXI_* variable out of range: one line each
        for problem in error.errors():
            name = "GUANXI_" + "_".join(str(part) for part in problem["loc"]).upper()
            typer.echo(f"error: {name}: {problem['msg']}", err=True)
        raise typer.Exit(2) from None
