"""`guanxi db`: the database schema, and which worker holds each lease."""

from __future__ import annotations

import asyncio

import typer

from guanxi.cli.database import open_database, where
from guanxi.cli.options import DataDir, settings_with
from guanxi.db.dialects import is_sqlite
from guanxi.leases.service import list_held

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@app.command()
def upgrade(data_dir: DataDir = None) -> None:
    """Apply every migration not yet applied (creates the database if needed)."""
    settings = settings_with(data_dir=data_dir)
    if open_database(settings):
        typer.echo(f"created the database {where(settings)}")
    else:
        typer.echo("database is up to date")


@app.command()
def leases(data_dir: DataDir = None) -> None:
    """Which worker runs each piece of background work now (the insight follower, export and
    import jobs, pruning, media collection): name, holder (host:pid:random), seconds left."""
    settings = settings_with(data_dir=data_dir)
    url = settings.effective_database_url()
    if is_sqlite(url):
        typer.echo("SQLite: the one server process runs all background work")
        return
    for held in asyncio.run(list_held(url)):
        typer.echo(f"{held.name}\t{held.holder}\t{held.seconds_left:.1f}")
