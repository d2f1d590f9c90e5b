"""`guanxi import`: bring an export (a guanxi archive, a Telegram or WhatsApp export; a file or
an unpacked folder) into an account, as `POST /api/v1/me/imports` does, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guanxi.assets.models import DONE, IMPORT_FORMATS, Job
from guanxi.cli.options import DataDir
from guanxi.cli.progress import progress_bar
from guanxi.cli.user import with_services
from guanxi.services import Services


def import_(
    source: Annotated[
        Path, typer.Argument(help="The export: a zip, a file, or an unpacked folder.")
    ],
    user: Annotated[str, typer.Option("--user", help="Handle of the account to import into.")],
    format: Annotated[
        str,
        typer.Option(
            "--format", help=f"One of: {', '.join(IMPORT_FORMATS)} (recognised by default)."
        ),
    ] = "auto",
    me: Annotated[
        str | None,
        typer.Option(
            "--me", help="The sender name that is the user, where the export does not say."
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import an export into an account: all of it, or (on any error) nothing."""
    if not source.exists():
        typer.echo(f"error: no such file or folder: {source}", err=True)
        raise typer.Exit(2)
    with progress_bar(f"importing into {user}") as report:

        async def run(services: Services) -> Job:
            return await services.imports.import_file(user, source.resolve(), format, me, report)

        job = with_services(data_dir, run)
    if job.state != DONE:
        error = job.error or {}
        where = " ".join(p for p in (error.get("file"), error.get("record")) if p)
        typer.echo(f"error: {error.get('message', 'the import failed')} {where}".rstrip(), err=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{n} {name}" for name, n in (job.counts or {}).items())
    typer.echo(f"imported {source} into {user}: {counts}")
