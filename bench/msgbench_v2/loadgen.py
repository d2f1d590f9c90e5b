"""One load-generator process: a share of the devices (events WebSockets) and of the sends.

The parent starts one per core (`--procs`) and drives them over a pipe, one command at a
time; each answers with what it saw. A process runs on uvloop when it is installed. Every
message's text is "b2 <run> <idx> <scheduled_ns>", so a device computes the latency from the
scheduled time by itself (all processes read the same wall clock) and the parent checks
delivery exactly once from (message, device) pairs.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import time
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import orjson
import websockets
from bench.msgbench import Http1

API = "/api/v1"
Json = dict[str, Any]


@dataclass
class Job:
    base_url: str
    run_tag: str
    devices: list[int]  # device numbers this process holds
    tokens: list[str]  # every online user's token (senders may be anywhere)
    max_connections: int = 512  # HTTP connections for sends, at most


@dataclass
class Seen:
    """Deliveries since the last report: parallel arrays."""

    idx: array[int] = field(default_factory=lambda: array("q"))
    device: array[int] = field(default_factory=lambda: array("q"))
    at_ns: array[int] = field(default_factory=lambda: array("q"))
    conversation: array[int] = field(default_factory=lambda: array("q"))

    def take(self) -> Json:
        out = {k: getattr(self, k) for k in ("idx", "device", "at_ns", "conversation")}
        self.idx, self.device, self.at_ns, self.conversation = (array("q") for _ in range(4))
        return out


class Device:
    """One device's events WebSocket; resumes with its cursor when the socket drops."""

    def __init__(self, gen: Generator, number: int) -> None:
        self.gen, self.number = gen, number
        self.cursor: int | None = None
        self.socket: Any = None
        self.task: asyncio.Task[None] | None = None
        self.ready_at = 0

    async def connect(self) -> None:
        url = "ws" + self.gen.job.base_url.removeprefix("http") + API + "/events"
        self.socket = await websockets.connect(url, max_size=None, compression=None)
        hello: Json = {"type": "hello", "token": self.gen.job.tokens[self.number]}
        if self.cursor is not None:
            hello["cursor"] = self.cursor
        await self.socket.send(orjson.dumps(hello).decode())
        while True:  # a resumed socket replays first, then says ready
            frame = orjson.loads(await asyncio.wait_for(self.socket.recv(), 60))
            if frame.get("type") == "error":
                raise RuntimeError(f"events socket refused: {frame}")
            self.handle(frame)
            if frame.get("type") == "ready":
                self.ready_at = time.time_ns()
                return

    def handle(self, frame: Json) -> None:
        if isinstance(frame.get("cursor"), int):
            self.cursor = frame["cursor"]
        if frame.get("type") == "message.created":
            self.gen.seen_message(self.number, frame["message"])

    async def run(self) -> None:
        while True:
            try:
                async for raw in self.socket:
                    self.handle(orjson.loads(raw))
                raise ConnectionError("socket closed")
            except asyncio.CancelledError:
                raise
            except Exception:
                self.gen.socket_errors += 1
                await asyncio.sleep(0.2)
                with contextlib.suppress(Exception):
                    await self.connect()

    def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()


class Generator:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.prefix = f"b2 {job.run_tag} "
        self.devices = {n: Device(self, n) for n in job.devices}
        self.seen = Seen()
        self.foreign = 0
        self.socket_errors = 0
        self.retries = 0
        self.errors: dict[str, int] = {}
        self.senders: array[int] = array("q")  # the sender of each counted message
        self.http = Http1(job.base_url)
        self.slots = asyncio.Semaphore(job.max_connections)
        self.counted: tuple[int, int] = (0, 0)  # message numbers whose deliveries are counted
        self.count = 0
        self.wanted = 0
        self.done = asyncio.Event()

    # -- receiving
    def expect(self, cmd: Json) -> None:
        """Count the deliveries of messages lo..hi-1 until `expected` have come."""
        self.counted, self.wanted, self.count = (cmd["lo"], cmd["hi"]), cmd["expected"], 0
        self.senders = cmd["senders"]
        self.done.clear()
        if self.wanted == 0:
            self.done.set()

    def seen_message(self, device: int, message: Json) -> None:
        text = message.get("text")
        if not isinstance(text, str) or not text.startswith(self.prefix):
            self.foreign += 1
            return
        idx = int(text.split(" ", 3)[2])
        s = self.seen
        s.idx.append(idx)
        s.device.append(device)
        s.at_ns.append(time.time_ns())
        s.conversation.append(int(message.get("conversation_id") or 0))
        lo, hi = self.counted
        if lo <= idx < hi and self.senders[idx - lo] != device:  # echoes do not count
            self.count += 1
            if self.count >= self.wanted:
                self.done.set()

    async def connect_all(
        self, numbers: list[int], concurrency: int = 50, retry_for: float = 0.0
    ) -> Json:
        """Connect the devices, `concurrency` at a time. A refused or failed attempt is tried
        again, as a client does — after 1 s, then twice as long each time up to 8 s — for
        `retry_for` seconds."""
        gate = asyncio.Semaphore(concurrency)
        failed = attempts_failed = 0
        t0 = time.perf_counter()

        async def one(device: Device) -> None:
            nonlocal failed, attempts_failed
            backoff = 1.0
            while True:
                async with gate:
                    try:
                        await device.connect()
                        break
                    except Exception:
                        attempts_failed += 1
                if time.perf_counter() - t0 + backoff > retry_for:
                    failed += 1
                    return
                await asyncio.sleep(backoff)
                backoff = min(8.0, backoff * 2)
            device.start()

        await asyncio.gather(*(one(self.devices[n]) for n in numbers))
        return {
            "connected": len(numbers) - failed,
            "failed": failed,
            "failed_attempts": attempts_failed,
            "seconds": round(time.perf_counter() - t0, 3),
        }

    async def close_all(self, numbers: list[int]) -> None:
        await asyncio.gather(*(self.devices[n].close() for n in numbers))

    # -- sending
    async def send(self, epoch_ns: int, send: tuple[int, int, int, int], out: array[int]) -> None:
        idx, at_ns, sender, conversation = send
        scheduled = epoch_ns + at_ns
        body = orjson.dumps(
            {"client_id": f"b2-{idx}", "kind": "text", "text": f"{self.prefix}{idx} {scheduled}"}
        )
        path = f"{API}/conversations/{conversation}/messages"
        async with self.slots:
            started = time.time_ns()
            status = await self.post(path, self.job.tokens[sender], body)
        out.extend((idx, status, started - scheduled, time.time_ns() - scheduled))

    async def post(self, path: str, token: str, body: bytes) -> int:
        """The status; -1 if no answer. A keep-alive connection the server closed while it
        was idle fails at once: the send goes again on another (the server keeps one message
        per client_id, so a repeat cannot double it)."""
        for _ in range(3):
            try:
                status, _ = await asyncio.wait_for(self.http.post(path, token, body), 120)
                return status
            except (ConnectionError, asyncio.IncompleteReadError):
                self.retries += 1
                await self.http.close()  # the other idle ones are as old: drop them all
            except Exception as e:
                self.errors[type(e).__name__] = self.errors.get(type(e).__name__, 0) + 1
                return -1
        return -1

    async def phase(self, cmd: Json) -> Json:
        epoch_ns: int = cmd["epoch_ns"]
        self.expect(cmd)
        results: array[int] = array("q")
        tasks = []
        cpu0 = own_cpu_s()
        for send in cmd["sends"]:
            delay = (epoch_ns + send[1] - time.time_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.send(epoch_ns, send, results)))
        await asyncio.gather(*tasks)
        deadline = epoch_ns / 1e9 + cmd["seconds"] + cmd["drain"] - time.time()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), max(0.0, deadline))
        return {
            "sends": results,
            "seen": self.seen.take(),
            "foreign": self.foreign,
            "socket_errors": self.socket_errors,
            "cpu_s": round(own_cpu_s() - cpu0, 3),
            "http_connections": self.http.opened,
            "http_retries": self.retries,
            "send_errors": self.errors,
        }


def own_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def serve(pipe: Connection, job: Job) -> None:
    gen = Generator(job)
    loop = asyncio.get_running_loop()
    while True:
        cmd: Json = await loop.run_in_executor(None, pipe.recv)
        kind = cmd["kind"]
        if kind == "close":
            await gen.close_all(list(gen.devices))
            await gen.http.close()
            pipe.send({"closed": True})
            return
        if kind == "connect":
            pipe.send(await gen.connect_all(cmd["devices"]))
        elif kind == "disconnect":
            await gen.close_all(cmd["devices"])
            pipe.send({"cursors": {n: gen.devices[n].cursor for n in cmd["devices"]}})
        elif kind == "phase":
            pipe.send(await gen.phase(cmd))
        elif kind == "catch_up":
            pipe.send(await catch_up(gen, cmd))


async def catch_up(gen: Generator, cmd: Json) -> Json:
    """Reconnect storm: every listed device reconnects at once with its cursor; the time until
    each has `ready` (after its replay) and has seen its expected messages."""
    gen.expect(cmd)
    for n in cmd["devices"]:
        gen.devices[n].ready_at = 0
    t0 = time.time_ns()
    connected = await gen.connect_all(
        cmd["devices"], concurrency=cmd["concurrency"], retry_for=cmd["timeout"]
    )
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(gen.done.wait(), cmd["timeout"])
    ready = [gen.devices[n].ready_at - t0 for n in cmd["devices"] if gen.devices[n].ready_at]
    return {
        "t0_ns": t0,
        "connect": connected,
        "ready_ns": ready,
        "seen": gen.seen.take(),
        "caught_up_ns": time.time_ns() - t0,
    }


def main(pipe: Connection, job: Job) -> None:
    """The process's entry: on uvloop when it is there."""
    try:
        import uvloop

        uvloop.run(serve(pipe, job))
    except ImportError:
        asyncio.run(serve(pipe, job))
