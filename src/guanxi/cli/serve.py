"""`guanxi serve`: upgrade the schema, then serve the API, WebSocket and web client."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
import uvicorn

from guanxi.cli.demo import PASSWORD, PEOPLE, seed_if_empty
from guanxi.cli.options import DataDir, settings_with
from guanxi.clock import Clock
from guanxi.db.migrate import upgrade
from guanxi.settings import Settings
from guanxi.web.app import create_app


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (GUANXI_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (GUANXI_PORT).")] = None,
    data_dir: DataDir = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="On an empty database, first make a small demo community to look around in.",
        ),
    ] = False,
) -> None:
    """Run the server: one process, SQLite in the data folder unless GUANXI_DATABASE_URL is set."""
    settings = settings_with(host=host, port=port, data_dir=data_dir)
    upgrade(settings)
    if demo:
        _demo(settings)
    where = "PostgreSQL" if settings.database_url else f"SQLite in {settings.data_dir}"
    typer.echo(f"guanxi serving on http://{settings.host}:{settings.port}/ ({where})")
    typer.echo(f"API docs: http://{settings.host}:{settings.port}/docs")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_max_size=settings.max_body_bytes,
        ws_per_message_deflate=False,  # frames are small: compressing costs more than it saves
    )


def _demo(settings: Settings) -> None:
    made = asyncio.run(seed_if_empty(settings, Clock().now_ms()))
    if made:
        typer.echo("Made the demo community: a family, classmates and colleagues.")
    else:
        typer.echo("The database has users already; no demo community was added.")
    typer.echo(f"Log in as mei (林美) with the password {PASSWORD!r};")
    others = ", ".join(h for h in PEOPLE if h != "mei")
    typer.echo(f"everyone else ({others}) has the same password.")
