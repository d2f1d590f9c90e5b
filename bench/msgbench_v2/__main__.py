"""msgbench-v2: guanxi loaded like a community — open loop, latency from the scheduled time.

    .venv/bin/python -m bench.msgbench_v2                      # the issue's full scale (long)
    .venv/bin/python -m bench.msgbench_v2 --users 2000 --devices 500 --rates 250,500,1000 \\
        --seconds 10 --parts idle,curve,fanout,storm           # a medium run

Seeds a fresh database (SQLite in a temporary data folder, or `--database-url`), starts
`guanxi serve` on 127.0.0.1, holds the online devices' WebSockets from `--procs` load-generator
processes, and offers messages at each rate. Writes JSON, Markdown and a PNG of the curve to
`--out-dir`. Exit status 2 when a scheduled message was not delivered exactly once to each
recipient device. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = ("idle", "curve", "fanout", "history", "feed", "soak", "storm")  # the order they run in


def floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m bench.msgbench_v2",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    world = ap.add_argument_group("the community")
    world.add_argument("--users", type=int, default=10_000)
    world.add_argument("--devices", type=int, default=2_000, help="online devices (WebSockets)")
    world.add_argument("--friends", type=int, default=10, help="friends per user, about")
    world.add_argument("--groups", type=int, default=None, help="groups of 3-500 (users/10)")
    world.add_argument("--seed", type=int, default=1)
    load = ap.add_argument_group("the offered load")
    load.add_argument("--rates", type=floats, default=[500, 1000, 2000, 4000, 8000])
    load.add_argument("--seconds", type=float, default=60.0, help="seconds at each rate")
    load.add_argument("--group-share", type=float, default=0.2)
    load.add_argument(
        "--drain",
        type=float,
        default=5.0,
        help="seconds after a phase's last send for its deliveries",
    )
    load.add_argument("--settle", type=float, default=2.0)
    load.add_argument("--slo-ms", type=float, default=50.0, help="the p99 objective")
    load.add_argument(
        "--stop-p99-ms",
        type=float,
        default=2000.0,
        help="offer no higher rate once a phase's p99 is above this",
    )
    load.add_argument(
        "--procs",
        type=int,
        default=os.cpu_count() or 1,
        help="load-generator processes (one per core)",
    )
    probes = ap.add_argument_group("the parts")
    probes.add_argument(
        "--parts",
        default="curve",
        help=f"comma-separated, of {','.join(PARTS)} (run in that order)",
    )
    probes.add_argument("--idle-sockets", type=int, default=10_000)
    probes.add_argument("--fanout-rate", type=float, default=20.0)
    probes.add_argument("--fanout-seconds", type=float, default=10.0)
    probes.add_argument("--history-messages", type=int, default=1_000_000)
    probes.add_argument("--history-pages", type=int, default=1_000)
    probes.add_argument("--feed-pages", type=int, default=500, help="per viewer")
    probes.add_argument("--soak-rate", type=float, default=1_000.0)
    probes.add_argument("--soak-seconds", type=float, default=1_800.0)
    probes.add_argument("--soak-window", type=float, default=60.0)
    probes.add_argument("--storm-devices", type=int, default=None, help="(--devices)")
    probes.add_argument(
        "--storm-concurrency",
        type=int,
        default=None,
        help="devices reconnecting at once (all of them): fewer measure the replay's CPU"
        " without handshakes timing out on a loaded machine",
    )
    probes.add_argument("--storm-messages", type=int, default=2_000)
    probes.add_argument("--storm-rate", type=float, default=500.0)
    probes.add_argument("--storm-timeout", type=float, default=120.0)
    server = ap.add_argument_group("the server")
    server.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    server.add_argument("--redis-url", default=None)
    server.add_argument("--workers", type=int, default=1, help="guanxi serve --workers N")
    server.add_argument("--server-cpus", default=None, help="taskset -c for the server")
    server.add_argument("--data-dir", default=None, help="(a fresh temporary folder)")
    server.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="GUANXI_NAME=VALUE",
        help="a setting of the server under test, GUANXI_NAME=VALUE (repeatable)",
    )
    server.add_argument("--keep-data", action="store_true")
    server.add_argument("--sample-interval", type=float, default=1.0, help="RSS sampling, s")
    ap.add_argument("--out-dir", default=str(HERE.parent / "results"))
    a = ap.parse_args(argv)
    wanted = {p.strip() for p in a.parts.split(",") if p.strip()}
    if wanted - set(PARTS):
        ap.error(f"unknown parts: {sorted(wanted - set(PARTS))}")
    a.parts = [p for p in PARTS if p in wanted]
    a.groups = a.users // 10 if a.groups is None else a.groups
    a.devices = min(a.devices, a.users)
    a.storm_devices = a.devices if a.storm_devices is None else a.storm_devices
    return a


def main() -> None:
    from bench.msgbench_v2.report import write_results
    from bench.msgbench_v2.run import run

    args = parse_args()
    result = run(args)
    stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M%S")
    for path in write_results(result, Path(args.out_dir), stamp):
        print(f"wrote {path}", file=sys.stderr)
    for key, value in result["summary"].items():
        print(f"{key}: {value}")
    ok = next(v for k, v in result["summary"].items() if k.startswith("verified"))
    sys.exit(0 if ok else 2)


if __name__ == "__main__":
    main()
