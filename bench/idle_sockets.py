"""Server memory per idle events WebSocket, against a real server on SQLite.

Starts `bench/traced_serve.py` (a `guanxi serve`) on a fresh data folder, registers one user,
opens `--sockets` events WebSockets with its token (hello, wait for `ready`), waits, and
reads the server's RSS before and after. With `--trace N` tracemalloc keeps N frames in the
server and the probe prints what grew between the two snapshots, by line.

    PYTHONPATH=src .venv/bin/python -m bench.idle_sockets --sockets 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import orjson
import websockets
from bench.msgbench import BENCH_RATE_LIMITS, free_port
from bench.msgbench_v2.server import rss_mb

SETTLE_S = 3.0


def start(data_dir: Path, port: int, ws: str, trace: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")}
    env.update(BENCH_RATE_LIMITS)
    env.update(
        GUANXI_HTTP_MAX_CONNECTIONS="30000",
        GUANXI_SOCKETS_PER_SESSION="100000",
        GUANXI_SOCKETS_PER_USER="100000",
    )
    if trace:
        env["PYTHONTRACEMALLOC"] = str(trace)
    cmd = [sys.executable, "-m", "bench.traced_serve", "--port", str(port)]
    cmd += ["--data-dir", str(data_dir), "--ws", ws]
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        for _ in range(600):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the server did not come up on {url}")


async def token_of(url: str) -> str:
    async with httpx.AsyncClient(base_url=url) as http:
        body = {"handle": "idle", "password": "idle-sockets-pw", "display_name": "Idle"}
        answer = await http.post("/api/v1/accounts", json=body)
        answer.raise_for_status()
        return str(answer.json()["token"])


async def open_one(url: str, token: str) -> Any:
    ws = await websockets.connect(url.replace("http", "ws") + "/api/v1/events", max_size=None)
    await ws.send(orjson.dumps({"type": "hello", "token": token}).decode())
    while orjson.loads(await ws.recv())["type"] != "ready":
        pass
    return ws


async def open_all(url: str, token: str, n: int, at_once: int = 50) -> list[Any]:
    sockets: list[Any] = []
    for lo in range(0, n, at_once):
        batch = [open_one(url, token) for _ in range(min(at_once, n - lo))]
        sockets += await asyncio.gather(*batch)
    return sockets


def snapshot(proc: subprocess.Popen[bytes], data_dir: Path, n: int) -> tracemalloc.Snapshot:
    path = data_dir / f"snapshot-{n}.tracemalloc"
    proc.send_signal(signal.SIGUSR1)
    for _ in range(600):
        if path.exists():
            return tracemalloc.Snapshot.load(str(path))
        time.sleep(0.2)
    raise SystemExit("no snapshot from the server")


def report_growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, n: int) -> None:
    stats = after.compare_to(before, "traceback")
    total = sum(s.size_diff for s in stats)
    print(f"traced growth: {total / n:.0f} B per socket")
    for s in stats[:30]:
        frames = list(reversed(list(s.traceback)))  # the allocating line first
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames)
        print(f"{s.size_diff / n:8.0f} B {s.count_diff / n:6.1f} blocks  {where}")


async def one_run(args: argparse.Namespace) -> float:
    data_dir = Path(tempfile.mkdtemp(prefix="idle-sockets-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start(data_dir, port, args.ws, args.trace)
    try:
        await wait_ready(url)
        token = await token_of(url)
        warm = await open_all(url, token, 50)  # the first sockets' one-time costs
        for ws in warm:
            await ws.close()
        await asyncio.sleep(SETTLE_S)
        before_snap = snapshot(proc, data_dir, 0) if args.trace else None
        before = rss_mb([proc.pid])
        sockets = await open_all(url, token, args.sockets)
        await asyncio.sleep(SETTLE_S)
        after = rss_mb([proc.pid])
        if before_snap is not None:
            report_growth(before_snap, snapshot(proc, data_dir, 1), args.sockets)
        kib = (after - before) * 1024 / args.sockets
        print(f"ws={args.ws}: RSS {before} -> {after} MB, {kib:.1f} KiB per idle socket")
        for ws in sockets:
            await ws.close()
        return kib
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ws", default="auto", help="uvicorn's WebSocket implementation")
    parser.add_argument("--trace", type=int, default=0, help="tracemalloc frames (0: off)")
    args = parser.parse_args()
    runs = [asyncio.run(one_run(args)) for _ in range(args.repeat)]
    print(f"KiB per idle socket: runs {runs}, median {statistics.median(runs):.1f}")


if __name__ == "__main__":
    main()
