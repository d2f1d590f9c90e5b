"""Real components: a migrated database per test (SQLite file, or PostgreSQL when
GUANXI_TEST_DATABASE_URL is set), a real server on a real socket, the real client."""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import shutil
import socket
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from guanxi.client import ApiError, EventStream, GuanxiClient
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


class Copies:
    """Fresh copies of the PostgreSQL template, made ahead on one thread and dropped on
    another: CREATE DATABASE … TEMPLATE takes ~0.8 s here and DROP DATABASE waits for a
    checkpoint (0.2–1.5 s), which a test waits for only when the threads fall behind. Every
    test still gets a database no other test has touched."""

    AHEAD = 2  # copies made before they are asked for
    BEHIND = 4  # copies waiting to be dropped before a test's end waits (and the disk fills)

    def __init__(self, template: str) -> None:
        self.template = template
        self.ready: queue.Queue[str] = queue.Queue(maxsize=self.AHEAD)
        self.done: queue.Queue[str | None] = queue.Queue(maxsize=self.BEHIND)
        self.closing = threading.Event()
        self.threads = [
            threading.Thread(target=target, name=f"databases{target.__name__}", daemon=True)
            for target in (self._make, self._drop)
        ]
        for thread in self.threads:
            thread.start()

    def take(self) -> str:
        return self.ready.get(timeout=120)

    def give_back(self, name: str) -> None:
        self.done.put(name)

    def close(self) -> None:
        """Returns once every copy, used or not, is dropped."""
        self.closing.set()
        self.threads[0].join()
        while not self.ready.empty():
            self.done.put(self.ready.get())
        self.done.put(None)
        self.threads[1].join()

    def _make(self) -> None:
        while not self.closing.is_set():
            name = f"gx_test_{uuid.uuid4().hex[:10]}"
            _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            while True:
                try:
                    self.ready.put(name, timeout=0.05)
                    break
                except queue.Full:
                    if self.closing.is_set():
                        self.done.put(name)
                        return

    def _drop(self) -> None:
        while (name := self.done.get()) is not None:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def copies(template: str) -> Iterator[Copies | None]:
    """None on SQLite (a test copies the template file into its tmp_path)."""
    if PG_URL is None:
        yield None
        return
    copies = Copies(template)
    yield copies
    copies.close()


@pytest.fixture
def settings(
    template: str, copies: Copies | None, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Settings]:
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
    assert copies is not None
    name = copies.take()
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
    copies.give_back(name)


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


class Server(uvicorn.Server):
    """uvicorn's server, stopped without its pauses: its main loop looks at `should_exit`
    every 0.1 s and its shutdown sleeps 0.1 s more before waiting for connections to close,
    ~0.2 s that each of ~500 tests would wait out twice a run (SQLite, PostgreSQL)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.stopping = asyncio.Event()

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):  # the Date header, once a second, as uvicorn
            counter = (counter + 10) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), 1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        await self._wait_tasks_to_complete()  # in 0.1 s steps while any connection is open
        await self.lifespan.shutdown()


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
            # a test's client may pause longer than uvicorn's 5 s on a loaded machine; a
            # connection the server closes just as the client reuses it fails the call
            **{"timeout_keep_alive": 60, **options},
        )
        self.server = Server(config)
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
        self.server.stopping.set()
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


async def run_guanxi(settings: Settings, *args: str) -> tuple[int, str, str]:
    """Run the `guanxi` command line in a process of its own on the test's data folder and
    database: its exit status, standard output and standard error."""
    env = {**os.environ, "GUANXI_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["GUANXI_DATABASE_URL"] = settings.database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "guanxi",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def status_of(call: Awaitable[Any]) -> int:
    """The HTTP status an awaited client call fails with."""
    with pytest.raises(ApiError) as caught:
        await call
    return caught.value.status


async def code_of(call: Awaitable[Any]) -> tuple[int, str]:
    """The HTTP status and error code an awaited client call fails with."""
    with pytest.raises(ApiError) as caught:
        await call
    return caught.value.status, caught.value.code


async def ready(stream: EventStream) -> int:
    """The stream's first frame is `ready`; its cursor."""
    event = await stream.next()
    assert event["type"] == "ready", event
    cursor: int = event["cursor"]
    return cursor


async def nothing_more(stream: EventStream) -> None:
    """No further event arrives (after everything before it has been delivered)."""
    with pytest.raises(TimeoutError):
        await stream.next(timeout=0.3)


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


def said(page: dict[str, Any]) -> list[str]:
    """The texts of a history page (newest first), without the group's system lines."""
    return [m["text"] for m in page["messages"] if m["kind"] != "system"]


@contextlib.asynccontextmanager
async def another_device(server: RunningServer, handle: str) -> AsyncIterator[GuanxiClient]:
    """A second session of the same user (their laptop), logged out at the end."""
    device = GuanxiClient(server.url)
    await device.login(handle, PASSWORD, device="laptop")
    try:
        yield device
    finally:
        await device.close()
