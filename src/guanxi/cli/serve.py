"""`guanxi serve`: upgrade the schema, then serve the API, WebSocket and web client."""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import os
import socket
from typing import Annotated, Any, NoReturn

import typer
import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from guanxi.accounts.passwords import below_production_cost
from guanxi.cli.connections import connection_limits
from guanxi.cli.database import open_database
from guanxi.cli.demo import PASSWORD, PEOPLE, seed_if_empty
from guanxi.cli.options import DataDir, settings_with
from guanxi.cli.user import with_services
from guanxi.clock import Clock
from guanxi.errors import NotFound
from guanxi.services import Services
from guanxi.settings import Settings
from guanxi.web.app import create_app
from guanxi.web.proxies import UVICORN_PROXY_HEADERS

GC_THRESHOLDS = (100_000, 50, 1_000)  # young, middle, old: see tune_collector
WORKERS_MAX = 64
WORKER_APP = "guanxi.cli.serve:worker_app"  # what each worker of --workers N imports


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (GUANXI_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port to listen on (GUANXI_PORT).")
    ] = None,
    data_dir: DataDir = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="On an empty database, first make a small demo community to look around in.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=WORKERS_MAX,
            help="Worker processes sharing the port; more than 1 needs GUANXI_DATABASE_URL"
            " (PostgreSQL) and GUANXI_REDIS_URL.",
        ),
    ] = 1,
) -> None:
    """Run the server: one process, SQLite in the data folder unless GUANXI_DATABASE_URL is set
    (with PostgreSQL and Redis, `--workers N` processes share the port)."""
    settings = settings_with(host=host, port=port, data_dir=data_dir)
    if weak := below_production_cost(settings):
        typer.echo(f"error: {', '.join(weak)} is below the production cost.", err=True)
        raise typer.Exit(2)
    if workers > 1:
        _check_workers(settings, workers)
    open_database(settings)
    if demo:
        _demo(settings)
    listening = listen(settings.host, settings.port)  # a busy port is said before "serving"
    where = "PostgreSQL" if settings.database_url else f"SQLite in {settings.data_dir}"
    typer.echo(f"guanxi serving on http://{settings.host}:{settings.port}/ ({where})")
    typer.echo(f"API docs: http://{settings.host}:{settings.port}/docs")
    if workers > 1:
        _run_workers(settings, workers, listening)
        return
    app = create_app(settings)
    log_to_stderr()
    tune_collector()
    uvicorn.Server(_config(settings, app)).run(sockets=[listening])


def _config(settings: Settings, app: FastAPI | str, **more: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        ws_max_size=settings.max_body_bytes,
        ws_per_message_deflate=False,  # frames are small: compressing costs more than it saves
        proxy_headers=UVICORN_PROXY_HEADERS,
        **connection_limits(settings),
        **more,
    )


def _check_workers(settings: Settings, workers: int) -> None:
    """Several workers need a database every process may write to and a broker between them."""
    if not settings.database_url:
        typer.echo(
            f"error: --workers {workers} needs PostgreSQL (GUANXI_DATABASE_URL): SQLite takes"
            " one writer at a time and one process already serves it fully, so one process"
            " is the rule on SQLite.",
            err=True,
        )
        raise typer.Exit(2)
    if not settings.redis_url:
        typer.echo(
            f"error: --workers {workers} needs Redis (GUANXI_REDIS_URL): without it an event"
            " reaches only the devices connected to the worker that wrote it.",
            err=True,
        )
        raise typer.Exit(2)


def _run_workers(settings: Settings, workers: int, listening: socket.socket) -> None:
    """N processes accepting on the one socket; uvicorn's supervisor starts each (it imports
    `worker_app`), stops them all on SIGTERM or SIGINT and starts a new one for one that
    dies. The options given reach the workers through the environment."""
    os.environ["GUANXI_DATA_DIR"] = str(settings.data_dir)
    os.environ["GUANXI_HOST"] = settings.host
    os.environ["GUANXI_PORT"] = str(settings.port)
    log_to_stderr()
    config = _config(settings, WORKER_APP, factory=True, workers=workers)
    Multiprocess(config, sockets=[listening]).run()


def worker_app() -> FastAPI:
    """The app of one worker of `--workers N`, from the settings in the environment."""
    log_to_stderr()
    app = create_app(Settings())
    tune_collector()
    return app


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound before anything is announced (uvicorn serves on it): a port
    in use or an address not this machine's is one line and exit status 2."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        bound = socket.socket(family, kind, proto)
    except OSError as error:
        _cannot_listen(host, port, error)
    try:
        bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        bound.bind(address)
    except OSError as error:
        bound.close()
        _cannot_listen(host, port, error)
    return bound


def _cannot_listen(host: str, port: int, error: OSError) -> NoReturn:
    why = error.strerror or str(error)
    if error.errno == errno.EADDRINUSE:
        why = "the port is in use by another program (choose another with --port or GUANXI_PORT)"
    typer.echo(f"error: cannot listen on {host}:{port}: {why}", err=True)
    raise typer.Exit(2)


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
        if not with_services(settings.data_dir, _has_demo_people):
            typer.echo("Log in with one of its own accounts (`guanxi user create` makes one).")
            return
        typer.echo("It holds the demo community of an earlier --demo (unless its passwords")
        typer.echo("were changed since):")
    typer.echo(f"log in as mei (林美) with the password {PASSWORD!r};")
    others = ", ".join(h for h in PEOPLE if h != "mei")
    typer.echo(f"everyone else ({others}) has the same password.")


async def _has_demo_people(services: Services) -> bool:
    """Whether the demo's people are accounts here (the database was made by --demo)."""
    try:
        for handle in PEOPLE:
            await services.accounts.get_user_by_handle(handle)
    except NotFound:
        return False
    return True
