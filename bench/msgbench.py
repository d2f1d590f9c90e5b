#!/usr/bin/env python3
"""msgbench-v1 against guanxi: the messaging load generator (asyncio).

Scenario "dm":    P direct chats between friends u_i and u_{P+i}; each chat's sender sends
                  K messages (P*K in all, round-robin order) with at most C sends in flight
                  (closed loop); each receiver holds one events WebSocket and records when
                  each message shows up.
Scenario "group": one group of G members; u_0 sends M messages one after another (each
                  after the previous is acknowledged); the other G-1 members hold a WebSocket.

Every message text is "bench <run> <msg_id> <send_ts_ns>"; receivers check that the id was
really sent, to that conversation, by that sender, with exactly that text. Latency = the
receiver's wall clock when the WebSocket frame carrying the message has been read, minus the
send timestamp (taken immediately before the send request).

Without --url it starts a fresh `guanxi serve` (fresh temporary data folder, 127.0.0.1, a free
port) and stops it at the end. Only loopback targets are accepted. The JSON result has the
fields of the reference harness for Synapse (see bench/README.md); one file per run lands in
bench/results/. Several labels (--labels warmup,measured1,measured2) make a series of runs
against the same server, as the reference protocol does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.metadata
import ipaddress
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
import websockets

from guanxi.client import GuanxiClient
from guanxi.ratelimit.rates import KINDS, setting_name

HERE = Path(__file__).resolve().parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
API = "/api/v1"
T = TypeVar("T")
Json = dict[str, Any]


# --------------------------------------------------------------------------- utils
# pct, lat_summary, proc_snapshot, host_cpu_ticks, client_cpu_s, calibrate and RssSampler
# follow the reference harness's definitions exactly (same percentile method, same loop).
def now_ns() -> int:
    return time.time_ns()


def pct(values: list[float], p: float) -> float:
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def lat_summary(ms: list[float]) -> Json:
    if not ms:
        return {"count": 0}
    return {
        "count": len(ms),
        "mean_ms": round(sum(ms) / len(ms), 2),
        "p50_ms": round(pct(ms, 50), 2),
        "p90_ms": round(pct(ms, 90), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "max_ms": round(max(ms), 2),
        "min_ms": round(min(ms), 2),
    }


def proc_snapshot(pid: int | None) -> Json | None:
    if not pid:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    kv = {}
    for line in status.splitlines():
        k, _, v = line.partition(":")
        kv[k] = v.strip()
    # fields after the ")" of comm; utime/stime are fields 14/15 (1-based)
    rest = stat.rsplit(")", 1)[1].split()
    utime, stime = int(rest[11]), int(rest[12])
    return {
        "rss_mb": round(int(kv["VmRSS"].split()[0]) / 1024, 1),
        "hwm_mb": round(int(kv["VmHWM"].split()[0]) / 1024, 1),
        "threads": int(kv.get("Threads", "0")),
        "cpu_user_s": round(utime / CLK_TCK, 2),
        "cpu_sys_s": round(stime / CLK_TCK, 2),
        "cpu_s": round((utime + stime) / CLK_TCK, 2),
    }


def host_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    total = sum(f[:8])
    return total - idle, total


def client_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def calibrate() -> float:
    """Best of 3 timings (ms) of a fixed pure-Python loop: a CPU-speed reference for this host."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        acc = 0
        for i in range(1_000_000):
            acc += i * i % 7
        best = min(best, time.perf_counter() - t)
    return round(best * 1000, 1)


def assert_loopback(base_url: str) -> None:
    host = urllib.parse.urlsplit(base_url).hostname or ""
    addrs = {str(ai[4][0]) for ai in socket.getaddrinfo(host, None)}
    bad = [a for a in addrs if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if not addrs or bad:
        sys.exit(f"refusing to run: {base_url} resolves to non-loopback address(es) {bad or addrs}")


class RssSampler:
    """Samples the server's VmRSS every `interval` seconds during a scenario."""

    def __init__(self, pid: int | None, interval: float = 0.5) -> None:
        self.pid, self.interval = pid, interval
        self.max_rss_mb = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.interval)

    def _sample(self) -> None:
        snap = proc_snapshot(self.pid)
        if snap:
            self.max_rss_mb = max(self.max_rss_mb, snap["rss_mb"])

    def start(self) -> None:
        if self.pid:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._sample()


async def gather_limited(n: int, coros: Iterable[Awaitable[T]]) -> list[T]:
    sem = asyncio.Semaphore(n)

    async def one(c: Awaitable[T]) -> T:
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))


# --------------------------------------------------------------------------- the server
# The workload registers 100 accounts from one address and sends faster than a person does:
# every rate limit is raised out of its way, but stays on, so its check is paid and measured.
BENCH_RATE = "1000000000,1000000000/s"
BENCH_RATE_LIMITS = {f"GUANXI_{setting_name(kind.name).upper()}": BENCH_RATE for kind in KINDS}


class Server:
    """A fresh `guanxi serve` on 127.0.0.1 with a temporary data folder."""

    def __init__(self, cpus: str | None, keep_data: bool, src: str | None) -> None:
        self.cpus, self.keep_data, self.src = cpus, keep_data, src
        self.data_dir = Path(tempfile.mkdtemp(prefix="msgbench-guanxi-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        exe = shutil.which("guanxi", path=str(Path(sys.executable).parent)) or "guanxi"
        cmd = [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        cmd += ["--data-dir", str(self.data_dir)]
        if self.cpus:
            cmd = ["taskset", "-c", self.cpus, *cmd]  # taskset execs: same pid
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")}
        env.update(BENCH_RATE_LIMITS)
        if self.src:  # run this copy of the package instead of the installed (editable) one
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [self.src, env.get("PYTHONPATH")]))
        log = (self.data_dir / "server.log").open("wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        print(
            f"started guanxi pid {self.proc.pid} on {self.url} ({self.data_dir})", file=sys.stderr
        )
        return self.proc.pid

    async def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.url) as http:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    break
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get("/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        tail = (self.data_dir / "server.log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"guanxi did not come up on {self.url}:\n{tail}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def source_note(src: str | None) -> str:
    """Which code the server runs: the given folder, or this work tree's commit (+dirty)."""
    if src:
        return f"PYTHONPATH={src}"
    try:
        git = ["git", "-C", str(HERE.parent)]
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True)
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "src"], capture_output=True)
    except OSError:
        return "unknown"
    mark = " + uncommitted changes in src/" if dirty.stdout.strip() else ""
    return f"work tree at {commit.stdout.decode().strip()}{mark}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --------------------------------------------------------------------------- scenario core
@dataclass
class User:
    idx: int
    handle: str
    password: str
    client: GuanxiClient
    token: str = ""


@dataclass
class Sent:
    conversation: int
    sender: str
    receivers: set[str]
    body: str
    ts: int
    ack: int | None = None
    err: int | str | None = None


@dataclass
class Tracker:
    """Knows every message sent and checks every message seen."""

    run_tag: str
    scenario: str
    msgs: dict[str, Sent] = field(default_factory=dict)
    delivered: dict[tuple[str, str], int] = field(default_factory=dict)
    expected_deliveries: int = 0
    duplicates: int = 0
    mismatches: list[str] = field(default_factory=list)
    foreign: int = 0  # bench messages of this run this scenario never sent
    foreign_examples: list[str] = field(default_factory=list)
    other_scenario: int = 0
    socket_errors: int = 0  # a receiver's socket closed or failed; it resumed by cursor
    frames: int = 0  # WebSocket frames read by all receivers (the /sync responses' analogue)
    all_done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def prefix(self) -> str:
        return f"bench {self.run_tag} "

    def arm(self, n_deliveries: int) -> None:
        self.expected_deliveries = n_deliveries
        self.all_done.clear()

    def seen(self, receiver: str, msg: Json, t_recv: int) -> None:
        body = msg.get("text")
        if not isinstance(body, str) or not body.startswith(self.prefix):
            return
        parts = body.split(" ")
        if len(parts) != 4:
            self.mismatches.append(f"bad body {body!r}")
            return
        msg_id = parts[2]
        if not msg_id.startswith(self.scenario + "-"):
            self.other_scenario += 1
            return
        rec = self.msgs.get(msg_id)
        where = f"{msg_id} at {receiver} in {msg.get('conversation_id')}"
        if rec is None:
            self.foreign += 1
            if len(self.foreign_examples) < 5:
                self.foreign_examples.append(where)
            return
        if (
            body != rec.body
            or msg.get("conversation_id") != rec.conversation
            or msg.get("sender") != rec.sender
            or receiver not in rec.receivers
        ):
            self.mismatches.append(where)
            return
        key = (msg_id, receiver)
        if key in self.delivered:
            self.duplicates += 1
            return
        self.delivered[key] = t_recv
        if len(self.delivered) >= self.expected_deliveries:
            self.all_done.set()


class Receiver:
    """One events WebSocket of one user; resumes by cursor if the socket drops."""

    def __init__(self, base_url: str, user: User, tracker: Tracker) -> None:
        self.url = "ws" + base_url.removeprefix("http") + API + "/events"
        self.user, self.tracker = user, tracker
        self.cursor: int | None = None
        self.socket: Any = None

    async def connect(self) -> None:
        self.socket = await websockets.connect(self.url, max_size=None)
        hello: Json = {"type": "hello", "token": self.user.token}
        if self.cursor is not None:
            hello["cursor"] = self.cursor
        await self.socket.send(orjson.dumps(hello).decode())
        while True:  # a resumed socket replays first, then says ready
            event = orjson.loads(await asyncio.wait_for(self.socket.recv(), 30))
            self.handle(event, now_ns())
            if event.get("type") == "ready":
                return
            if event.get("type") == "error":
                raise RuntimeError(f"events socket refused: {event}")

    def handle(self, event: Json, t_recv: int) -> None:
        self.tracker.frames += 1
        if isinstance(event.get("cursor"), int):
            self.cursor = event["cursor"]
        if event.get("type") == "message.created":
            self.tracker.seen(self.user.handle, event["message"], t_recv)

    async def run(self) -> None:
        while True:
            try:
                async for raw in self.socket:
                    self.handle(orjson.loads(raw), now_ns())
                raise ConnectionError("socket closed")
            except asyncio.CancelledError:
                raise
            except Exception:
                self.tracker.socket_errors += 1
                await asyncio.sleep(0.5)
                with contextlib.suppress(Exception):
                    await self.connect()

    async def close(self) -> None:
        if self.socket is not None:
            with contextlib.suppress(Exception):
                await self.socket.close()


async def start_receivers(base_url: str, users: list[User], tracker: Tracker) -> list[Any]:
    """One socket per receiver (hello, then wait for `ready`), then a reading task each."""
    receivers = [Receiver(base_url, u, tracker) for u in users]
    await gather_limited(20, [r.connect() for r in receivers])
    tasks = [asyncio.create_task(r.run()) for r in receivers]
    return [receivers, tasks]


async def stop_receivers(handles: list[Any]) -> None:
    receivers, tasks = handles
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(r.close() for r in receivers), return_exceptions=True)


@dataclass
class Plan:
    sender: User
    conversation: int
    receivers: list[User]
    msg_id: str


class Http1:
    """A minimal HTTP/1.1 keep-alive client for the sends: a pool of raw connections.

    httpx costs several ms of CPU per request with 50 in flight, enough to make the load
    generator a bottleneck on a 2-core machine; this costs a fraction of that.
    """

    def __init__(self, base_url: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.opened = 0

    async def post(self, path: str, token: str, body: bytes) -> tuple[int, bytes]:
        conn = self.idle.pop() if self.idle else await self._open()
        reader, writer = conn
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            writer.write(head.encode() + body)
            status, keep, payload = await self._response(reader)
        except BaseException:
            writer.close()
            raise
        if keep:
            self.idle.append(conn)
        else:
            writer.close()
        return status, payload

    async def warm(self, n: int) -> None:
        """Have `n` idle connections ready, as a client's keep-alive pool would from earlier
        calls (the reference harness's aiohttp session keeps those of its setup)."""
        missing = max(0, n - len(self.idle))
        self.idle += await asyncio.gather(*(self._open() for _ in range(missing)))

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip().lower()
        if "content-length" in headers:
            payload = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            payload = await Http1._chunked(reader)
        else:
            raise ConnectionError("response without a length")
        return status, headers.get("connection") != "close", payload

    @staticmethod
    async def _chunked(reader: asyncio.StreamReader) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readexactly(2)  # the empty line closing the body (no trailers)
                return b"".join(chunks)
            chunks.append((await reader.readexactly(size + 2))[:-2])

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


@dataclass
class Sender:
    """Sends the plan with `concurrency` closed-loop workers over one connection pool."""

    http: Http1
    tracker: Tracker
    plan: list[Plan]
    status: dict[str, int] = field(default_factory=dict)
    ack_ms: list[float] = field(default_factory=list)
    next_i: int = 0

    def count(self, key: str) -> None:
        self.status[key] = self.status.get(key, 0) + 1

    async def send_one(self, p: Plan) -> None:
        ts = now_ns()
        body = f"{self.tracker.prefix}{p.msg_id} {ts}"
        rec = Sent(p.conversation, p.sender.handle, {r.handle for r in p.receivers}, body, ts)
        self.tracker.msgs[p.msg_id] = rec
        payload = {"client_id": f"{self.tracker.run_tag}-{p.msg_id}", "kind": "text", "text": body}
        path = f"{API}/conversations/{p.conversation}/messages"
        try:
            status, answer = await asyncio.wait_for(
                self.http.post(path, p.sender.token, orjson.dumps(payload)), 60
            )
            if status == 201 and isinstance(orjson.loads(answer).get("seq"), int):
                rec.ack = now_ns()
                self.ack_ms.append((rec.ack - ts) / 1e6)
            else:
                rec.err = status
            self.count(str(status))
        except Exception as e:  # connection errors, timeouts
            rec.err = type(e).__name__
            self.count(type(e).__name__)

    async def worker(self) -> None:
        while self.next_i < len(self.plan):
            p = self.plan[self.next_i]
            self.next_i += 1
            await self.send_one(p)


@dataclass
class Meter:
    """Server, host and load-generator measurements around one scenario."""

    pid: int | None
    before: Json = field(default_factory=dict)
    after: Json = field(default_factory=dict)

    def take(self) -> Json:
        return {
            "srv": proc_snapshot(self.pid),
            "host": host_cpu_ticks(),
            "cli": client_cpu_s(),
        }

    def report(self, wall_s: float) -> Json:
        b, a = self.before, self.after
        busy = a["host"][0] - b["host"][0]
        total = a["host"][1] - b["host"][1]
        cli = a["cli"] - b["cli"]
        srv_delta = (
            round(a["srv"]["cpu_s"] - b["srv"]["cpu_s"], 2) if a["srv"] and b["srv"] else None
        )
        res: Json = {
            "server_before": b["srv"],
            "server_after": a["srv"],
            "server_cpu_s_delta": srv_delta,
            "client_cpu_s": round(cli, 2),
            "host_cpu_busy_pct": round(100.0 * busy / total, 1) if total else None,
            "other_processes_cpu_s": (
                round(busy / CLK_TCK - srv_delta - cli, 2) if srv_delta is not None else None
            ),
        }
        if srv_delta is not None and wall_s:
            res["server_cpu_pct_of_one_core"] = round(100 * srv_delta / wall_s, 1)
        return res


def latencies(tracker: Tracker, deliver_timeout: float, t_first: int) -> Json:
    """e2e, ack->seen and fanout-complete latencies, lost and late counts, last delivery."""
    lat_ms: list[float] = []
    after_ack_ms: list[float] = []
    fanout_ms: list[float] = []
    lost = late = 0
    timeout_ns = int(deliver_timeout * 1e9)
    last_delivery = t_first
    for msg_id, m in tracker.msgs.items():
        if m.ack is None:
            continue
        per_msg = []
        for rcv in m.receivers:
            t = tracker.delivered.get((msg_id, rcv))
            if t is None or t - m.ts > timeout_ns:
                lost += 1
                late += t is not None
                continue
            per_msg.append((t - m.ts) / 1e6)
            after_ack_ms.append((t - m.ack) / 1e6)
            last_delivery = max(last_delivery, t)
        lat_ms.extend(per_msg)
        if len(per_msg) == len(m.receivers):
            fanout_ms.append(max(per_msg))
    return {
        "lat_ms": lat_ms,
        "after_ack_ms": after_ack_ms,
        "fanout_ms": fanout_ms,
        "lost": lost,
        "late": late,
        "last_delivery": last_delivery,
    }


def scenario_result(
    tracker: Tracker, sender: Sender, t_first: int, t_last_ack: int, args: argparse.Namespace
) -> Json:
    lat = latencies(tracker, args.deliver_timeout, t_first)
    acked = [m for m in tracker.msgs.values() if m.ack is not None]
    send_window = (t_last_ack - t_first) / 1e9
    deliver_window = (lat["last_delivery"] - t_first) / 1e9
    n_ok = len(lat["lat_ms"])
    return {
        "messages_attempted": len(sender.plan),
        "messages_acked": len(acked),
        "send_status_counts": sender.status,
        "deliveries_expected": sum(len(m.receivers) for m in acked),
        "deliveries_ok": n_ok,
        "lost": lat["lost"],
        "late_over_timeout": lat["late"],
        "duplicates": tracker.duplicates,
        "mismatched": len(tracker.mismatches),
        "mismatch_examples": tracker.mismatches[:5],
        "unknown_bench_messages": tracker.foreign,
        "unknown_examples": tracker.foreign_examples,
        "other_scenario_messages_ignored": tracker.other_scenario,
        # no timelines to truncate over a WebSocket: always 0, kept for the same fields
        "limited_timelines": 0,
        # a receiver's socket closed or failed (it resumed by cursor): /sync errors' analogue
        "sync_errors": tracker.socket_errors,
        # WebSocket frames read by the receivers: /sync responses' analogue
        "sync_responses": tracker.frames,
        "wall_time_s": round(max(t_last_ack, lat["last_delivery"]) / 1e9 - t_first / 1e9, 3),
        "send_window_s": round(send_window, 3),
        "sent_msgs_per_s": round(len(acked) / send_window, 1) if send_window > 0 else None,
        "delivered_per_s": round(n_ok / deliver_window, 1) if deliver_window > 0 else None,
        "latency_e2e": lat_summary(lat["lat_ms"]),
        "latency_send_ack": lat_summary(sender.ack_ms),
        # seen-by-receiver minus send acknowledged (negative: the frame beat the POST response)
        "latency_ack_to_seen": lat_summary(lat["after_ack_ms"]),
        "_fanout_ms": lat["fanout_ms"],
    }


async def run_scenario(
    base_url: str,
    http: Http1,
    pid: int | None,
    tracker: Tracker,
    receivers: list[User],
    plan: list[Plan],
    concurrency: int,
    args: argparse.Namespace,
) -> Json:
    """plan: (sender, conversation, receivers of this message, msg_id) in send order."""
    sockets = await start_receivers(base_url, receivers, tracker)
    await asyncio.sleep(args.settle)  # every socket is live from `settle` s before the 1st send
    if args.warm_senders:
        await http.warm(concurrency)

    tracker.arm(sum(len(p.receivers) for p in plan))
    calib_before = calibrate()
    meter = Meter(pid)
    meter.before = meter.take()
    sampler = RssSampler(pid)
    sampler.start()

    sender = Sender(http, tracker, plan)
    t_first = now_ns()
    await asyncio.gather(*(sender.worker() for _ in range(concurrency)))
    acks = [m.ack for m in tracker.msgs.values() if m.ack is not None]
    t_last_ack = max(acks, default=now_ns())
    # wait for deliveries: at most deliver_timeout after the last acknowledgement
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            tracker.all_done.wait(),
            timeout=max(0.0, (t_last_ack - now_ns()) / 1e9 + args.deliver_timeout),
        )
    await sampler.stop()
    meter.after = meter.take()
    await stop_receivers(sockets)
    calib_after = calibrate()

    res = scenario_result(tracker, sender, t_first, t_last_ack, args)
    fanout_ms = res.pop("_fanout_ms")
    res.update(meter.report(res["wall_time_s"]))
    res["server_max_rss_mb_sampled"] = sampler.max_rss_mb or None
    res["calibration_ms_before_after"] = [calib_before, calib_after]
    if any(len(p.receivers) > 1 for p in plan):
        res["fanout_complete_latency"] = lat_summary(fanout_ms)  # send -> last member saw it
    return res


# --------------------------------------------------------------------------- setup
async def timed(setup: Json, key: str, coro: Awaitable[T]) -> T:
    t = time.perf_counter()
    result = await coro
    setup[key] = round(time.perf_counter() - t, 2)
    return result


async def register(u: User) -> None:
    await u.client.register(u.handle, u.password, f"Bench {u.idx}")


async def login(u: User) -> None:
    answer = await u.client.login(u.handle, u.password, device="msgbench")
    u.token = answer["token"]


async def befriend_and_open(sender: User, receiver: User) -> int:
    request = await sender.client.request_friend(receiver.handle, greeting="msgbench")
    await receiver.client.accept(request["id"])
    conversation = await sender.client.open_direct(receiver.handle)
    conversation_id: int = conversation["id"]
    return conversation_id


async def make_group(members: list[User], handles: list[str], n: int) -> Json:
    """The owner's group; members who are not the owner's friends accept their invitation.
    (A server from before group invitations has no "invited": everyone is added directly.)"""
    group: Json = await members[0].client.create_group("bench group", handles)
    invited = {u["handle"] for u in group.get("invited", [])}
    await gather_limited(n, [accept_invitation(m) for m in members if m.handle in invited])
    return group


async def accept_invitation(member: User) -> None:
    page = await member.client.group_invitations()
    for invitation in page["invitations"]:
        await member.client.accept_group_invitation(invitation["id"])


async def do_setup(users: list[User], args: argparse.Namespace, pid: int | None) -> Json:
    """Accounts and logins, friend pairs with their direct chats, the group."""
    n = args.setup_concurrency
    setup: Json = {}
    await timed(setup, "register_s", gather_limited(n, [register(u) for u in users]))
    await timed(setup, "login_s", gather_limited(n, [login(u) for u in users]))
    senders = users[: args.pairs]
    receivers = users[args.pairs : 2 * args.pairs]
    pairs = zip(senders, receivers, strict=True)
    setup["_dm"] = await timed(
        setup, "dm_rooms_s", gather_limited(n, [befriend_and_open(s, r) for s, r in pairs])
    )
    if "group" in args.scenarios:
        members = users[: args.group_members]
        handles = [m.handle for m in members[1:]]
        group = await timed(setup, "group_room_s", make_group(members, handles, n))
        setup["_group"] = group["id"]
    setup["server_after_setup"] = proc_snapshot(pid)
    return setup


# --------------------------------------------------------------------------- one run
async def server_version(base_url: str) -> str | None:
    with contextlib.suppress(Exception):
        async with httpx.AsyncClient(base_url=base_url) as http:
            version: str = (await http.get("/openapi.json")).json()["info"]["version"]
            return f"guanxi {version}"
    return None


def header(args: argparse.Namespace, label: str, base_url: str, pid: int | None) -> Json:
    return {
        "benchmark": "msgbench-v1",
        "label": label,
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "target": {
            "base_url": base_url,
            "pid": pid,
            "server_version": None,
            "client_versions": ["api/v1"],
        },
        "params": {
            k: getattr(args, k)
            for k in (
                "users",
                "pairs",
                "messages",
                "concurrency",
                "group_members",
                "group_messages",
                "group_concurrency",
                "deliver_timeout",
                "settle",
                "warm_senders",
                "scenarios",
            )
        },
        "host": {
            "cpus": os.cpu_count(),
            "loadavg_before": os.getloadavg(),
            "client_affinity": sorted(os.sched_getaffinity(0)),
            "server_affinity": sorted(os.sched_getaffinity(pid)) if pid else None,
            "calibration_ms": calibrate(),
            "python": platform.python_version(),
            "httpx": importlib.metadata.version("httpx"),
            "websockets": importlib.metadata.version("websockets"),
            "event_loop": "uvloop" if args.uvloop else "asyncio",
            "kernel": platform.release(),
        },
        "server_at_start": proc_snapshot(pid),
    }


async def run_once(args: argparse.Namespace, base_url: str, pid: int | None, label: str) -> Json:
    run_tag = dt.datetime.now().strftime("%H%M%S") + secrets.token_hex(2)
    n_users = max(args.users, 2 * args.pairs, args.group_members)
    out = header(args, label, base_url, pid)
    out["target"]["server_version"] = await server_version(base_url)
    out["target"]["server_source"] = args.server_note or source_note(args.server_src)
    users = [
        User(i, f"bench{run_tag}_{i:04d}", secrets.token_urlsafe(12), GuanxiClient(base_url))
        for i in range(n_users)
    ]
    http = Http1(base_url)
    try:
        setup = await do_setup(users, args, pid)
        dm_rooms, group = setup.pop("_dm"), setup.pop("_group", None)
        out["setup"] = setup
        out["scenarios"] = {}
        senders, receivers = users[: args.pairs], users[args.pairs : 2 * args.pairs]
        if "dm" in args.scenarios:
            plan = [
                Plan(senders[p], dm_rooms[p], [receivers[p]], f"dm-{p:03d}-{k:03d}")
                for k in range(args.messages)
                for p in range(args.pairs)
            ]
            res = await run_scenario(
                base_url,
                http,
                pid,
                Tracker(run_tag, "dm"),
                receivers,
                plan,
                args.concurrency,
                args,
            )
            out["scenarios"]["dm"] = res
            print(f"[{label}] dm done: {json.dumps(brief(res))}", file=sys.stderr)
        if "group" in args.scenarios:
            members = users[: args.group_members]
            plan = [
                Plan(members[0], group, members[1:], f"grp-{k:04d}")
                for k in range(args.group_messages)
            ]
            res = await run_scenario(
                base_url,
                http,
                pid,
                Tracker(run_tag, "grp"),
                members[1:],
                plan,
                args.group_concurrency,
                args,
            )
            out["scenarios"]["group"] = res
            print(f"[{label}] group done: {json.dumps(brief(res))}", file=sys.stderr)
    finally:
        await http.close()
        await asyncio.gather(*(u.client.close() for u in users), return_exceptions=True)
    out["server_at_end"] = proc_snapshot(pid)
    out["setup_429_retries"] = 0  # guanxi's setup never retries
    out["verified"] = all(
        s["lost"] == 0
        and s["mismatched"] == 0
        and s["duplicates"] == 0
        and s["messages_acked"] == s["messages_attempted"]
        and s["unknown_bench_messages"] == 0
        for s in out["scenarios"].values()
    )
    return out


def brief(s: Json) -> Json:
    keys = (
        "messages_acked",
        "deliveries_ok",
        "lost",
        "wall_time_s",
        "sent_msgs_per_s",
        "delivered_per_s",
    )
    return {k: s.get(k) for k in keys} | {
        "p50": s["latency_e2e"].get("p50_ms"),
        "p99": s["latency_e2e"].get("p99_ms"),
    }


def write(result: Json, args: argparse.Namespace) -> None:
    text = json.dumps(result, indent=2)
    if args.print:
        print(text)
    if args.no_write:
        return
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"result-{stamp}-{args.label_prefix}{result['label']}.json"
    path.write_text(text + "\n")
    print(f"wrote {path}", file=sys.stderr)


async def main(args: argparse.Namespace) -> bool:
    if args.client_cpus:
        os.sched_setaffinity(0, {int(c) for c in args.client_cpus.split(",")})
    server = None
    base_url, pid = args.url, args.pid
    if base_url is None:
        server = Server(args.server_cpus, args.keep_data, args.server_src)
        pid = server.start()
        base_url = server.url
    assert_loopback(base_url)
    if pid and proc_snapshot(pid) is None:
        sys.exit(f"server pid {pid} is not running")
    ok = True
    try:
        if server is not None:
            await server.wait_ready()
        for label in args.labels:
            result = await run_once(args, base_url, pid, label)
            write(result, args)
            if not result["verified"]:
                print(f"[{label}] NOT verified", file=sys.stderr)
                ok = False
    finally:
        if server is not None:
            server.stop()
    return ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--url", default=None, help="a running guanxi (default: start a fresh one)")
    ap.add_argument("--pid", type=int, default=None, help="with --url: the server's pid")
    ap.add_argument("--server-cpus", default=None, help="pin the started server (taskset -c)")
    ap.add_argument("--client-cpus", default=None, help="pin this load generator, e.g. '1'")
    ap.add_argument(
        "--server-src", default=None, help="run the package from this folder (PYTHONPATH)"
    )
    ap.add_argument("--server-note", default=None, help="recorded as target.server_source")
    ap.add_argument("--keep-data", action="store_true", help="keep the started server's data")
    ap.add_argument("--users", "-U", type=int, default=100)
    ap.add_argument("--pairs", "-P", type=int, default=50)
    ap.add_argument("--messages", "-K", type=int, default=20, help="messages per DM sender")
    ap.add_argument("--concurrency", "-C", type=int, default=50, help="DM sends in flight")
    ap.add_argument("--group-members", "-G", type=int, default=50)
    ap.add_argument("--group-messages", type=int, default=200)
    ap.add_argument("--group-concurrency", type=int, default=1, help="group sends in flight")
    ap.add_argument(
        "--deliver-timeout",
        type=float,
        default=30.0,
        help="a message not seen within this many seconds of its send start is lost",
    )
    ap.add_argument(
        "--settle",
        type=float,
        default=3.0,
        help="seconds between opening the receivers' sockets and the first send",
    )
    ap.add_argument("--setup-concurrency", type=int, default=10)
    ap.add_argument(
        "--cold-senders",
        dest="warm_senders",
        action="store_false",
        help="open the senders' connections inside the timed phase (default: before it, "
        "one per worker, like a client's keep-alive pool)",
    )
    ap.add_argument("--scenarios", default="dm,group")
    ap.add_argument(
        "--labels",
        default="run",
        help="comma-separated: one run per label against the same server, "
        "e.g. warmup,measured1,measured2",
    )
    ap.add_argument("--label-prefix", default="guanxi-", help="prefix of the result file names")
    ap.add_argument("--out-dir", default=str(HERE / "results"))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--print", action="store_true", help="also print each result JSON")
    ap.add_argument(
        "--no-uvloop",
        dest="uvloop",
        action="store_false",
        help="plain asyncio event loop for the load generator",
    )
    a = ap.parse_args(argv)
    a.scenarios = [s.strip() for s in a.scenarios.split(",") if s.strip()]
    a.labels = [s.strip() for s in a.labels.split(",") if s.strip()]
    if a.group_members < 2 and "group" in a.scenarios:
        ap.error("--group-members must be >= 2")
    return a


def run_and_exit(
    entry: Callable[[argparse.Namespace], Coroutine[Any, Any, bool]], args: argparse.Namespace
) -> None:
    """Run a benchmark's main on uvloop when it is there (and wanted); exit 2 on failure."""
    try:
        import uvloop
    except ImportError:
        args.uvloop = False
    ok = uvloop.run(entry(args)) if args.uvloop else asyncio.run(entry(args))
    sys.exit(0 if ok else 2)


def cli() -> None:
    run_and_exit(main, parse_args())


if __name__ == "__main__":
    cli()
