"""`guanxi db`: the database schema."""

from __future__ import annotations

import typer

from guanxi.cli.options import DataDir, settings_with
from guanxi.db.migrate import upgrade as run_upgrade

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@app.command()
def upgrade(data_dir: DataDir = None) -> None:
    """Apply every migration not yet applied (creates the database if needed)."""
    settings = settings_with(data_dir=data_dir)
    run_upgrade(settings)
    typer.echo("database is up to date")
