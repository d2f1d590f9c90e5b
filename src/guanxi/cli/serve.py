"""`guanxi serve`: upgrade the schema, then serve the API, WebSocket and web client."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Annotated

import typer
import uvicorn

from guanxi.accounts.passwords import below_production_cost
from guanxi.cli.connections import connection_limits
from guanxi.cli.demo import PASSWORD, PEOPLE, seed_if_empty
from guanxi.cli.options import DataDir, settings_with
from guanxi.clock import Clock
from guanxi.db.migrate import upgrade
from guanxi.settings import Settings
from guanxi.web.app import create_app
from guanxi.web.proxies import UVICORN_PROXY_HEADERS

GC_THRESHOLDS = (100_000, 50, 1_000)  # young, middle, old: see tune_collector


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
    if weak := below_production_cost(settings):
        typer.echo(f"error: {', '.join(weak)} is below the production cost.", err=True)
        raise typer.Exit(2)
    upgrade(settings)
    if demo:
        _demo(settings)
    where = "PostgreSQL" if settings.database_url else f"SQLite in {settings.data_dir}"
    typer.echo(f"guanxi serving on http://{settings.host}:{settings.port}/ ({where})")
    if settings.api_docs:
        typer.echo(f"API docs: http://{settings.host}:{settings.port}/docs")
    app = create_app(settings)
    log_to_stderr()
    tune_collector()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_max_size=settings.max_body_bytes,
        ws_per_message_deflate=False,  # frames are small: compressing costs more than it saves
        proxy_headers=UVICORN_PROXY_HEADERS,
        **connection_limits(settings),
    )


def log_to_stderr() -> None:
    """Warnings from everything, and guanxi's own notes (logins, failed and successful)."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("guanxi").setLevel(logging.INFO)


def tune_collector() -> None:
    """Python's cyclic garbage collector, set for a server that allocates fast.

    At the default thresholds (700, 10, 10) a full collection walks every object of the
    process — the framework's, the schemas', SQLAlchemy's caches — and stalled the event loop
    ~100 ms at a time under a steady stream of sends: the slowest 1 % of messages waited that
    long (docs/performance.md). The objects that exist once the app is built are frozen (never
    walked again), the youngest generation is collected every 100,000 allocations instead of
    700, and the older ones rarely. Garbage without cycles is freed at once by reference
    counting either way; only cycles wait longer.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _demo(settings: Settings) -> None:
    made = asyncio.run(seed_if_empty(settings, Clock().now_ms()))
    if made:
        typer.echo("Made the demo community: a family, classmates and colleagues.")
    else:
        typer.echo("The database has users already; no demo community was added.")
    typer.echo(f"Log in as mei (林美) with the password {PASSWORD!r};")
    others = ", ".join(h for h in PEOPLE if h != "mei")
    typer.echo(f"everyone else ({others}) has the same password.")
