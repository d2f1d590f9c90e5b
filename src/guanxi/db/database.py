"""Units of work: parallel reads, and one writer that commits many writes with one fsync.

Every write goes through `Database.write(unit)`. Units queue up; the writer task takes all
that are waiting (up to `batch_max`), runs them all in one transaction, commits once, and
only then answers each caller and runs its after-commit callbacks, in order. If a unit
raises, the whole attempt is rolled back and the batch runs again with a savepoint per unit:
the failing unit is rolled back to its savepoint and its caller gets the error; the others
still commit. So a unit may run more than once before it commits: it must have no effect
except through its `Tx` (statements, and callbacks registered with `on_commit`).

So the database sees one writer (SQLite's own rule) and a burst of sends costs one fsync,
yet nothing is acknowledged before it is on disk. On PostgreSQL every write transaction
first takes one advisory lock (`take_writer_lock`), so that with several workers, too, one
write transaction runs at a time: events are numbered in the order they commit.

Reads take a connection of a small pool, first come first served (`read_slots` at once): a
read that waits longer than `read_wait_seconds` raises `ReadsBusy`, which the web edge answers
with 503 and `Retry-After` (a socket: close code 1013, "try again later") — an overloaded
server says so at once instead of failing with the pool's own timeout, a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from guanxi.db.dialects import (
    STUCK_TRANSACTION_SECONDS,
    create_engine,
    is_sqlite,
    take_writer_lock,
    unreachable,
)
from guanxi.errors import TryLater, Unavailable

T = TypeVar("T")
TRUNCATE_DELAY_SECONDS = 1.0  # at most one WAL truncation a second, however much is erased
TRUNCATE_BUSY_MS = 50  # how long a truncation waits for readers of older snapshots, per try
READ_WAIT_SECONDS = 10.0
BUSY_RETRY_AFTER = 2  # seconds a refused caller is told to wait


class ReadsBusy(TryLater):
    """No read connection came free in time: the server is overloaded, not broken (503
    `busy`, as every `TryLater` is answered; the WebSocket closes with 1013)."""

    code = "busy"

    def __init__(self) -> None:
        super().__init__(
            "The server is busy: try again in a few seconds.", retry_after=BUSY_RETRY_AFTER
        )


UNREACHABLE = "The database cannot be reached just now; try again in a moment."


@dataclass
class Tx:
    """What a write unit gets: the connection, and a list of things to do after commit."""

    conn: AsyncConnection
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    erases: bool = False

    def on_commit(self, callback: Callable[[], None]) -> None:
        self.after_commit.append(callback)

    def erase(self) -> None:
        """This unit removes or overwrites what someone took back (a recall, an edit, a
        deletion). On SQLite the old bytes still sit in the write-ahead log's earlier page
        images after the commit; the writer then soon copies the log into the database and
        truncates it (`secure_delete` zeroes them in the database itself)."""
        self.erases = True


WriteUnit = Callable[[Tx], Awaitable[T]]


@dataclass
class _Pending:
    unit: WriteUnit[Any]
    future: asyncio.Future[Any]
    tx: Tx | None = None
    value: Any = None
    error: BaseException | None = None


class Database:
    def __init__(
        self,
        url: str,
        *,
        batch_max: int = 256,
        attach: tuple[str, str] | None = None,
        read_slots: int | None = None,
        read_wait_seconds: float = READ_WAIT_SECONDS,
        stuck_seconds: float = STUCK_TRANSACTION_SECONDS,
    ) -> None:
        """`attach`: on SQLite, a (file, schema name) every reading connection attaches.
        `read_slots`: reads at once (at most the pool's size, which is the default).
        `stuck_seconds`: on PostgreSQL, how long a transaction of ours may sit idle before
        the server ends it (`create_engine`)."""
        self.url = url
        self.stuck_seconds = stuck_seconds
        self.read_wait_seconds = read_wait_seconds
        self._read_slots_wanted = read_slots
        self._read_slots: asyncio.Semaphore | None = None
        self.attach = attach
        self.is_sqlite = is_sqlite(url)
        self.batch_max = batch_max
        self._reader: AsyncEngine | None = None
        self._writer: AsyncEngine | None = None
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()  # None: truncate the WAL
        self._truncation: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._commit_listeners: list[Callable[[], None]] = []

    def add_commit_listener(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every batch that committed something."""
        self._commit_listeners.append(callback)

    async def start(self) -> None:
        self._reader = create_engine(
            self.url, writer=False, attach=self.attach, stuck_seconds=self.stuck_seconds
        )
        pool: Any = self._reader.pool
        capacity = pool.size() + max(0, getattr(pool, "_max_overflow", 0))
        wanted = self._read_slots_wanted or capacity
        self._read_slots = asyncio.Semaphore(max(1, min(wanted, capacity)))
        self._writer = create_engine(self.url, writer=True, stuck_seconds=self.stuck_seconds)
        self._task = asyncio.create_task(self._write_loop(), name="guanxi-writer")

    async def stop(self) -> None:
        if self._truncation is not None:
            self._truncation.cancel()
            self._truncation = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for engine in (self._reader, self._writer):
            if engine is not None:
                await engine.dispose()

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection in one read transaction (a consistent snapshot). `ReadsBusy` when
        none came free within `read_wait_seconds` (the waiters are served in order)."""
        assert self._reader is not None and self._read_slots is not None, "database not started"
        if self._read_slots.locked():
            try:
                async with asyncio.timeout(self.read_wait_seconds):
                    await self._read_slots.acquire()
            except TimeoutError:
                raise ReadsBusy() from None
        else:
            await self._read_slots.acquire()  # free: returns at once
        try:
            if self.is_sqlite:
                async with self._inline_read() as conn:
                    yield conn
            else:
                async with self._reader.connect() as conn:
                    yield conn
        except PoolTimeout:  # the pool's own wait (another engine user held it): same answer
            raise ReadsBusy() from None
        except Exception as error:
            if unreachable(error):
                raise Unavailable(UNREACHABLE) from error
            raise
        finally:
            self._read_slots.release()

    @contextlib.asynccontextmanager
    async def _inline_read(self) -> AsyncIterator[AsyncConnection]:
        """On SQLite every read call completes at once (db/inline_sqlite.py), so the
        connection goes back to the pool at once too. `async with engine.connect()` closes
        it in a task of its own (`asyncio.shield`): the reader waited a loop iteration to
        give it back, and with thousands of sockets ready an iteration is long — four reads
        per iteration for the whole server, the reconnect storm's bottleneck."""
        assert self._reader is not None
        conn = await self._reader.connect()
        try:
            yield conn
        finally:
            await conn.close()

    async def write(self, unit: WriteUnit[T]) -> T:
        """Run `unit` in the writer's transaction; return once it is committed to disk."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(unit, future))
        try:
            return await asyncio.shield(future)
        except Exception as error:
            if unreachable(error):
                raise Unavailable(UNREACHABLE) from error
            raise

    async def _write_loop(self) -> None:
        while True:
            batch: list[_Pending] = []
            truncate = False
            while not truncate and len(batch) < self.batch_max:
                if batch and self._queue.empty():
                    break
                item = await self._queue.get()
                if item is None:
                    truncate = True
                else:
                    batch.append(item)
            if batch:
                await self._commit_batch(batch)
            if truncate:
                await self._truncate_wal()

    def _truncate_soon(self) -> None:
        """After a commit that erased something: truncate the WAL within a second or so."""
        if self._truncation is None and self.is_sqlite:
            loop = asyncio.get_running_loop()
            self._truncation = loop.call_later(TRUNCATE_DELAY_SECONDS, self._queue_truncation)

    def _queue_truncation(self) -> None:
        self._truncation = None
        self._queue.put_nowait(None)

    async def _truncate_wal(self) -> None:
        """Between batches, on the writer's own connection (so no writer competes with it)."""
        assert self._writer is not None
        async with self._writer.connect() as conn:
            fairy: Any = conn.sync_connection.connection  # type: ignore[union-attr]
            done = await fairy.driver_connection.truncate_wal(TRUNCATE_BUSY_MS)
        if not done:  # a reader of an older snapshot held it up: try again a little later
            self._truncate_soon()

    async def _commit_batch(self, batch: list[_Pending]) -> None:
        assert self._writer is not None
        try:
            if len(batch) == 1 or not await self._try_together(batch):
                await self._commit_each_in_savepoint(batch)
        except Exception as exc:  # the commit itself failed: nobody is acknowledged
            for pending in batch:
                if pending.error is None:
                    pending.error = exc
        for pending in batch:
            _settle(pending)
        if any(p.error is None and p.tx is not None and p.tx.erases for p in batch):
            self._truncate_soon()
        if any(pending.error is None for pending in batch):
            for listener in self._commit_listeners:
                listener()

    async def _try_together(self, batch: list[_Pending]) -> bool:
        """Run every unit in one transaction without savepoints; False (rolled back) if one
        raised, so the batch is run again with a savepoint per unit."""
        assert self._writer is not None
        async with self._writer.connect() as conn:
            transaction = await conn.begin()
            await take_writer_lock(conn)
            for pending in batch:
                pending.tx = Tx(conn)
                try:
                    pending.value = await pending.unit(pending.tx)
                except Exception:
                    await transaction.rollback()
                    for undone in batch:
                        undone.tx, undone.value = None, None
                    return False
            await transaction.commit()
        return True

    async def _commit_each_in_savepoint(self, batch: list[_Pending]) -> None:
        assert self._writer is not None
        async with self._writer.connect() as conn, conn.begin():
            await take_writer_lock(conn)
            for pending in batch:
                await self._run_unit(conn, pending, alone=len(batch) == 1)

    async def _run_unit(self, conn: AsyncConnection, pending: _Pending, *, alone: bool) -> None:
        tx = Tx(conn)
        try:
            if alone:
                pending.value = await pending.unit(tx)
            else:
                async with conn.begin_nested():
                    pending.value = await pending.unit(tx)
            pending.tx = tx
        except Exception as exc:
            pending.error = exc
            if alone:
                raise


def _settle(pending: _Pending) -> None:
    if pending.future.done():
        return
    if pending.error is not None:
        pending.future.set_exception(pending.error)
        return
    assert pending.tx is not None
    for callback in pending.tx.after_commit:
        callback()
    pending.future.set_result(pending.value)
