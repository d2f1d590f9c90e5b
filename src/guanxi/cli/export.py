"""`guanxi export`: one user's archive, written by the server's own exporter straight from the
data folder (no job, no limit, no expiry), with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from guanxi.assets.export_run import ExportResult
from guanxi.cli.options import DataDir
from guanxi.cli.progress import progress_bar
from guanxi.cli.user import with_services
from guanxi.services import Services


def export(
    user: Annotated[str, typer.Option("--user", help="Handle of the account to export.")],
    out: Annotated[
        Path,
        typer.Option("--out", help="The zip to write (guanxi-archive, docs/export-format.md)."),
    ],
    data_dir: DataDir = None,
) -> None:
    """Export everything an account may see that is theirs to one zip, as
    `POST /api/v1/me/exports` does (it may run while the server serves)."""
    target = out.resolve()
    if target.exists():
        typer.echo(f"error: {out} exists; choose another --out", err=True)
        raise typer.Exit(2)
    if not target.parent.is_dir():
        typer.echo(f"error: no folder {target.parent}", err=True)
        raise typer.Exit(2)
    with progress_bar(f"exporting {user}") as report:

        async def run(services: Services) -> ExportResult:
            return await services.exports.export_to(user, target, report)

        result = with_services(data_dir, run)
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    typer.echo(f"wrote {out} ({result.size:,} bytes): {counts}")
