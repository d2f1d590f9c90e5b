"""Where uploads are decoded, re-encoded and cleaned: worker processes, off the server's core.

Decoding a photo and encoding its three copies takes ~0.1–0.3 s of CPU, much of it holding
Python's GIL (Pillow's Python side, PyAV's packet loop); in a thread of the server
process it stalls every chat that process serves. A small pool of worker processes does it
instead, started on the first upload ("spawn": a fork of a server with threads running is
unsafe), so an upload costs the server only the streaming to disk and the database write.
The workers run at a lower priority (nice 10): they use whatever CPU the server leaves idle,
and when both want a core the server's event loop gets it.

`GUANXI_MEDIA_PROCESSES` sets the pool's size; 0 runs the work in threads of the server
process (no child processes). A worker that dies (killed, out of memory) breaks the pool: the
pool is then made again and the job run once more; a second death on the same job refuses
the upload (422 unprocessable_media).

Each job has `GUANXI_MEDIA_JOB_SECONDS`: in a worker process a timer signal interrupts the
job when they are up (422 media_too_slow), and a job stuck in a decoder's C code that never
comes back to Python is ended with its process a little later (the pool is made again). In
threads (0 processes) the upload is answered at the deadline, but the thread runs on to its
end: a thread cannot be stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from guanxi.errors import InvalidInput

T = TypeVar("T")
PARENT_CHECK_SECONDS = 1.0
WORKER_NICENESS = 10  # the server's event loop comes first when both want a core
DEFAULT_TIMEOUT = 60.0
HARD_STOP_FACTOR = 2  # a job still running at twice its time ends with its process


class JobTimeout(BaseException):
    """A job ran out of time (a BaseException: no decoder's `except Exception` swallows it)."""


class MediaWorkers:
    """Runs plain module-level functions (picklable arguments and results) in a process pool,
    each job within `timeout` seconds."""

    def __init__(self, processes: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.processes = processes
        self.timeout = timeout
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        try:
            return await self._run(fn, *args)
        except (JobTimeout, TimeoutError):
            raise InvalidInput(
                f"Processing the upload took more than {self.timeout:g} s.", "media_too_slow"
            ) from None

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        if self.processes <= 0:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args), self.timeout)
        loop = asyncio.get_running_loop()
        for attempt in range(2):
            pool = self._executor()
            try:
                return await loop.run_in_executor(pool, _timed, self.timeout, fn, *args)
            except BrokenProcessPool:
                self._discard(pool)  # not a newer pool another job made meanwhile
                if attempt:  # it died on this input twice: the input is the likely cause
                    raise InvalidInput(
                        "The upload could not be processed.", "unprocessable_media"
                    ) from None
        raise AssertionError("unreachable")

    def start(self) -> None:
        """Start the processes now (the pool starts them all at its first job), without
        waiting for them; nothing with 0 processes or a pool already running."""
        if self.processes > 0 and self._pool is None:
            self._executor().submit(os.getpid)

    def close(self) -> None:
        """Stop the worker processes (they finish what they are doing)."""
        if self._pool is not None:
            self._discard(self._pool)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)


def _start_worker(parent_pid: int) -> None:
    """In each worker: yield the CPU to the server (a lower priority), and exit when the
    server is gone. A worker waits on a queue whose write end it holds itself, so it would
    never see the server die (kill -9 included) and would stay."""
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _timed(seconds: float, fn: Callable[..., T], *args: object) -> T:
    """In a worker: run the job, interrupted by SIGALRM after `seconds`; a job that does not
    come back to Python to be interrupted ends with the worker at twice that time."""
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    hard_stop = threading.Timer(seconds * HARD_STOP_FACTOR, os._exit, (70,))
    hard_stop.daemon = True
    hard_stop.start()
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        hard_stop.cancel()
        signal.signal(signal.SIGALRM, previous)


def _out_of_time(signum: int, frame: object) -> None:
    raise JobTimeout()
