"""Real components: a migrated database per test (SQLite file, or PostgreSQL when
GUANXI_TEST_DATABASE_URL is set), a real server on a real socket, the real client."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.db.migrate import upgrade
from guanxi.ratelimit.rates import KINDS, setting_name
from guanxi.services import build_services
from guanxi.settings import Settings
from guanxi.web.app import create_app
from guanxi.web.proxies import UVICORN_PROXY_HEADERS

PG_URL = os.environ.get("GUANXI_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("GUANXI_TEST_REDIS_URL")
PASSWORD = "correct horse battery"
# Argon2 at its lowest cost: a test suite registers hundreds of users. Production keeps the
# default cost (`guanxi serve` refuses a lower one).
FAST_HASHING = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 8,
    "password_hash_parallelism": 1,
}
RATE_LIMITS_OFF: dict[str, Any] = {setting_name(kind.name): "off" for kind in KINDS}


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database to copy for each test: a file, or a PostgreSQL template."""
    if PG_URL is None:
        folder = tmp_path_factory.mktemp("template")
        upgrade(Settings(data_dir=folder))
        yield str(folder / "guanxi.db")
        return
    name = f"gx_template_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    upgrade(Settings(database_url=_pg_url(name)))
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_url(name: str) -> str:
    assert PG_URL is not None
    return PG_URL.rsplit("/", 1)[0] + "/" + name


def _pg_admin(statement: str) -> None:
    import asyncio as aio

    import asyncpg

    async def run() -> None:
        assert PG_URL is not None
        conn = await asyncpg.connect(_pg_url("postgres"))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    aio.run(run())


@pytest.fixture
def settings(template: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    limits = RATE_LIMITS_OFF if request.node.get_closest_marker("rate_limits_off") else {}
    if PG_URL is None:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(template + suffix):
                shutil.copy(template + suffix, data_dir / ("guanxi.db" + suffix))
        yield _changed(
            Settings(
                data_dir=data_dir,
                redis_url=REDIS_URL,
                redis_channel=_channel(),
                **FAST_HASHING,
                **limits,
            ),
            request,
        )
        return
    name = f"gx_test_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _changed(
        Settings(
            data_dir=data_dir,
            database_url=_pg_url(name),
            redis_url=REDIS_URL,
            redis_channel=_channel(),
            **FAST_HASHING,
            **limits,
        ),
        request,
    )
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _changed(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The changes a test asks for by indirect parametrisation
    (`@pytest.mark.parametrize("settings", [{...}], indirect=True)`, or `tests.configured`)."""
    changes: dict[str, Any] = getattr(request, "param", {})
    return settings.model_copy(update=changes) if changes else settings


def _channel() -> str:
    """A Redis channel of the test's own: suites running side by side must not cross-talk."""
    return f"guanxi:test:{uuid.uuid4().hex}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningServer:
    def __init__(
        self, settings: Settings, clock: Clock, entrance: str = "send_path", **options: Any
    ) -> None:
        """`entrance`: what answers a send (see the fixture); `options`: more of uvicorn's
        settings (`guanxi serve` sets some)."""
        self.services = build_services(settings, clock)
        self.app = create_app(settings, self.services, send_path=entrance == "send_path")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            proxy_headers=UVICORN_PROXY_HEADERS,  # as `guanxi serve` runs it
            **options,
        )
        self.server = uvicorn.Server(config)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        for _ in range(1000):
            if self.server.started:
                return
            await asyncio.sleep(0.01)
        raise RuntimeError("server did not start")

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def entrance() -> str:
    """What answers `POST …/messages`: "send_path" (web/send_path.py, as in production) or
    "route" (its FastAPI route). `entrance = configured.entrance` runs a module on both."""
    return "send_path"


@pytest.fixture
async def server(settings: Settings, clock: Clock, entrance: str) -> AsyncIterator[RunningServer]:
    running = RunningServer(settings, clock, entrance)
    await running.start()
    yield running
    await running.stop()


UserFactory = Callable[..., Awaitable[GuanxiClient]]


@pytest.fixture
async def make_user(server: RunningServer) -> AsyncIterator[UserFactory]:
    """Registers users and hands back a logged-in client for each."""
    clients: list[GuanxiClient] = []

    async def make(handle: str, display_name: str | None = None) -> GuanxiClient:
        client = GuanxiClient(server.url)
        clients.append(client)
        await client.register(handle, PASSWORD, display_name or handle.title())
        return client

    yield make
    for client in clients:
        await client.close()


async def befriend(
    a: GuanxiClient, b: GuanxiClient, role_a: str = "classmate", role_b: str = "classmate"
) -> None:
    """a asks b with role_a; b accepts with role_b."""
    assert b.user is not None
    request = await a.request_friend(b.user["handle"], "hi", role_a)
    await b.accept(request["id"], role_b)


async def befriend_all(a: GuanxiClient, *others: GuanxiClient) -> None:
    """a becomes friends with each of the others (so a can add them to groups at once)."""
    for other in others:
        await befriend(a, other)
