"""The parent process: seeds, starts the server and the load generators, runs the parts."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import os
import shlex
import shutil
import sys
import tempfile
import threading
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.msgbench import calibrate
from bench.msgbench_v2 import loadgen
from bench.msgbench_v2.report import Ledger, cpu_report, phase_report
from bench.msgbench_v2.schedule import Send
from bench.msgbench_v2.server import Server, ServerSpec, cpu_s, pids_named, rss_mb
from bench.msgbench_v2.world import World, plan_world, seed_history, seed_world

from guanxi.db.migrate import upgrade
from guanxi.settings import Settings

Json = dict[str, Any]


class Pool:
    """The load-generator processes (spawned: each its own interpreter and event loop)."""

    def __init__(self, n: int, base_url: str, run_tag: str, tokens: list[str]) -> None:
        ctx = mp.get_context("spawn")
        self.n = n
        self.pipes: list[Connection] = []
        self.procs = []
        for i in range(n):
            mine, theirs = ctx.Pipe()
            devices = [d for d in range(len(tokens)) if d % n == i]
            job = loadgen.Job(base_url, run_tag, devices, tokens)
            proc = ctx.Process(target=loadgen.main, args=(theirs, job), daemon=True)
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    def ask(self, commands: list[Json]) -> list[Json]:
        for pipe, command in zip(self.pipes, commands, strict=True):
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def split(self, devices: list[int]) -> list[list[int]]:
        return [[d for d in devices if d % self.n == i] for i in range(self.n)]

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send({"kind": "close"})
        for pipe, proc in zip(self.pipes, self.procs, strict=True):
            if pipe.poll(30):
                pipe.recv()
            proc.join(10)


@dataclass
class Meters:
    """CPU and RSS of every process group; RSS sampled over time by a thread."""

    server: Server
    pool: Pool
    database: bool
    redis: bool
    interval: float
    t0: float = field(default_factory=time.time)
    samples: list[Json] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def groups(self) -> dict[str, list[int]]:
        groups = {"server": self.server.pids(), "generator": [os.getpid(), *self.pool.pids()]}
        if self.database:
            groups["postgres"] = pids_named("postgres", "postmaster")
        if self.redis:
            groups["redis"] = pids_named("redis-server")
        return groups

    def cpu(self) -> dict[str, float]:
        return {k: cpu_s(pids) for k, pids in self.groups().items()}

    def rss(self) -> Json:
        sample: Json = {"t": round(time.time() - self.t0, 1)}
        sample.update({k: rss_mb(pids) for k, pids in self.groups().items()})
        return sample

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(self.rss())

    def stop(self) -> None:
        self._stop.set()


class Bench:
    def __init__(
        self, args: argparse.Namespace, world: World, server: Server, world_info: Json
    ) -> None:
        self.args, self.world, self.server, self.world_info = args, world, server, world_info
        self.run_tag = dt.datetime.now().strftime("%H%M%S")
        self.pool = Pool(args.procs, server.url, self.run_tag, world.tokens)
        self.meters = Meters(
            server, self.pool, bool(args.database_url), bool(args.redis_url), args.sample_interval
        )
        self.ledger = Ledger()
        self.conversation_of: dict[int, int] = {}
        self.all_sends: list[Send] = []
        self.next_idx = 0
        self.connected: set[int] = set()
        self.idle_cpu_per_s: float | None = None  # the server's CPU with nothing sent
        self.connect_failures = 0

    # -- devices
    def connect(self, devices: list[int]) -> Json:
        new = [d for d in devices if d not in self.connected]
        answers = self.pool.ask(
            [{"kind": "connect", "devices": part} for part in self.pool.split(new)]
        )
        self.connected.update(new)
        res = {
            "connected": sum(a["connected"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "seconds": max(a["seconds"] for a in answers),
        }
        self.connect_failures += res["failed"]
        if res["failed"]:  # their deliveries will be missing: say why at once
            print(f"[devices] {res['failed']} of {len(new)} failed to connect", flush=True)
        return res

    def disconnect(self, devices: list[int]) -> None:
        self.pool.ask(
            [{"kind": "disconnect", "devices": part} for part in self.pool.split(devices)]
        )
        self.connected.difference_update(devices)

    # -- offering messages
    def take_idx(self, n: int) -> int:
        first, self.next_idx = self.next_idx, self.next_idx + n
        return first

    def offer(self, name: str, sends: list[Send], seconds: float, drain: float) -> Json:
        """Send on schedule from every generator process; wait for the deliveries."""
        n = self.pool.n
        for s in sends:
            self.conversation_of[s.idx] = s.conversation
        self.all_sends += sends
        lo, hi = (sends[0].idx, sends[-1].idx + 1) if sends else (0, 0)
        epoch = time.time_ns() + int((0.5 + len(sends) / 100_000) * 1e9)
        senders = array("q", (s.sender for s in sends))
        commands = []
        for i in range(n):
            mine = [(s.idx, s.at_ns, s.sender, s.conversation) for s in sends if s.idx % n == i]
            expected = sum(
                1 for s in sends for d in s.recipients if d % n == i and d in self.connected
            )
            commands.append(
                {
                    "kind": "phase",
                    "epoch_ns": epoch,
                    "sends": mine,
                    "lo": lo,
                    "hi": hi,
                    "senders": senders,
                    "expected": expected,
                    "seconds": seconds,
                    "drain": drain,
                }
            )
        t0, cpu0 = time.perf_counter(), self.meters.cpu()
        answers = self.pool.ask(commands)
        wall, cpu1 = time.perf_counter() - t0, self.meters.cpu()
        for answer in answers:
            self.ledger.add(answer["seen"], self.conversation_of)
        res = phase_report(name, sends, epoch, answers, self.ledger)
        cpu_report(res, {k: cpu1[k] - cpu0.get(k, 0.0) for k in cpu1}, wall)
        if self.idle_cpu_per_s is not None and res["deliveries_ok"]:
            busy = res["cpu_s"]["server"] - self.idle_cpu_per_s * wall
            res["server_idle_cpu_pct_of_one_core"] = round(100 * self.idle_cpu_per_s, 1)
            res["server_cpu_ms_per_delivery_above_idle"] = round(
                1000 * max(0.0, busy) / res["deliveries_ok"], 4
            )
        res["socket_errors"] = sum(a["socket_errors"] for a in answers)
        res["http_connections_opened"] = sum(a["http_connections"] for a in answers)
        res["http_retries"] = sum(a["http_retries"] for a in answers)
        res["send_errors"] = dict(sum((Counter(a["send_errors"]) for a in answers), Counter()))
        res["server_rss_mb_after"] = rss_mb(self.server.pids())
        return res

    def verify(self) -> Json:
        """Every scheduled message acknowledged and seen once by each recipient device."""
        missing = [
            (s.idx, d)
            for s in self.all_sends
            for d in s.recipients
            if (s.idx, d) not in self.ledger.delivered
        ]
        return {
            "deliveries_expected": sum(len(s.recipients) for s in self.all_sends),
            "missing_at_end": len(missing),
            "missing_examples": missing[:10],
            "duplicates": self.ledger.duplicates,
            "wrong_conversation": self.ledger.wrong_conversation,
            "devices_that_failed_to_connect": self.connect_failures,
        }


def server_env(pairs: list[str]) -> dict[str, str]:
    """`--server-env GUANXI_X=1` pairs as the server's environment; anything else is refused."""
    env: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.startswith("GUANXI_"):
            raise SystemExit(f"--server-env takes GUANXI_NAME=VALUE, not {pair!r}")
        env[name] = value
    return env


def settings_for(args: argparse.Namespace, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=args.database_url, redis_url=None)


def prepare(args: argparse.Namespace, data_dir: Path) -> tuple[World, Json]:
    online = max(
        args.devices,
        args.idle_sockets if "idle" in args.parts else 0,
        min(500, args.users) if "fanout" in args.parts else 0,
    )
    world = plan_world(
        args.users,
        min(online, args.users),
        args.friends,
        args.groups,
        args.seed,
        probes="fanout" in args.parts,
        feed="feed" in args.parts,
    )
    settings = settings_for(args, data_dir)
    t = time.perf_counter()
    upgrade(settings)
    migrated = time.perf_counter() - t
    info = asyncio.run(seed_world(settings, world))
    info["migrate_s"] = round(migrated, 2)
    info["seed_s"] = round(time.perf_counter() - t - migrated, 2)
    if "history" in args.parts:
        t = time.perf_counter()
        world.history = asyncio.run(seed_history(settings, world, args.history_messages))
        info["history_seed_s"] = round(time.perf_counter() - t, 2)
    return world, info


def run(args: argparse.Namespace) -> Json:
    from bench.msgbench_v2 import parts  # the parts import this module's Bench

    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="msgbench-v2-"))
    started = dt.datetime.now(dt.UTC)
    world, seeded = prepare(args, data_dir)
    spec = ServerSpec(
        data_dir,
        args.database_url,
        args.redis_url,
        args.workers,
        args.server_cpus,
        env=server_env(args.server_env),
    )
    server = Server(spec)
    server.start()
    bench = None
    try:
        server.wait_ready()
        bench = Bench(args, world, server, seeded)
        bench.meters.start()
        result = header(args, started, seeded, bench)
        for part in args.parts:
            result[parts.KEYS[part]] = parts.PARTS[part](bench)
        bench.meters.stop()
        result["verification"] = bench.verify()
        result["rss_over_time"] = bench.meters.samples
        result["summary"] = parts.summary(result, args)
        result["host"]["loadavg_after"] = os.getloadavg()
        return result
    finally:
        if bench is not None:
            bench.pool.close()
        server.stop()
        if not args.keep_data and not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


def header(args: argparse.Namespace, started: dt.datetime, seeded: Json, bench: Bench) -> Json:
    return {
        "benchmark": "msgbench-v2",
        "started_at": started.isoformat(timespec="seconds"),
        "command": " ".join(
            shlex.quote(a)
            for a in [Path(sys.executable).name, "-m", "bench.msgbench_v2", *sys.argv[1:]]
        ),
        "params": {k: v for k, v in vars(args).items() if k not in {"database_url", "redis_url"}}
        | {
            "database": "postgresql" if args.database_url else "sqlite",
            "redis": bool(args.redis_url),
        },
        "world": seeded,
        "host": {
            "cpus": os.cpu_count(),
            "loadavg_before": os.getloadavg(),
            "calibration_ms": calibrate(),
            "generator_processes": args.procs,
            "server_pid": bench.server.proc.pid if bench.server.proc else None,
        },
    }
