"""The parts of a run (`--parts`): the open-loop curve and the probes."""

from __future__ import annotations

import argparse
import random
import time
from array import array
from collections.abc import Callable
from typing import Any

import httpx
from bench.msgbench_v2.report import held, lat_summary
from bench.msgbench_v2.run import Bench
from bench.msgbench_v2.schedule import Chooser, Send, poisson_phase
from bench.msgbench_v2.server import cpu_s, rss_mb

Json = dict[str, Any]


def curve(bench: Bench) -> list[Json]:
    """Poisson arrivals at each offered rate for `--seconds`; stop once past saturation."""
    args = bench.args
    bench.connect(list(range(args.devices)))
    baseline(bench)
    chooser = Chooser(bench.world, args.devices)
    points = []
    for k, rate in enumerate(args.rates):
        sends = poisson_phase(
            chooser, rate, args.seconds, bench.next_idx, args.group_share, args.seed * 1000 + k
        )
        bench.take_idx(len(sends))
        point = bench.offer(f"rate {rate:g}", sends, args.seconds, args.drain)
        point["offered_rate"] = rate
        point["achieved_offer_per_s"] = round(len(sends) / args.seconds, 1)
        points.append(point)
        lat = point["latency"]
        print(
            f"[curve] {rate:g} msg/s: p50 {lat.get('p50_ms')} p99 {lat.get('p99_ms')} ms, "
            f"lost {point['lost_at_phase_end']}, server {point['server_cpu_pct_of_one_core']}%"
            f", generator {point['generator_cpu_pct_of_one_core']}%",
            flush=True,
        )
        if lat.get("p99_ms", 0) > args.stop_p99_ms or point["lost_at_phase_end"]:
            print("[curve] past saturation: higher rates are not offered", flush=True)
            break
    return points


def baseline(bench: Bench) -> None:
    """The server's CPU while nothing is sent (sockets held, pings, timers): per second, so a
    phase's CPU per delivery can be given with and without it."""
    cpu0, t = bench.meters.cpu()["server"], time.perf_counter()
    time.sleep(max(bench.args.settle, 2.0))
    bench.idle_cpu_per_s = (bench.meters.cpu()["server"] - cpu0) / (time.perf_counter() - t)


def idle_sockets(bench: Bench) -> Json:
    """Server memory per connected, idle events WebSocket."""
    args = bench.args
    devices = list(range(min(args.idle_sockets, len(bench.world.tokens))))
    bench.disconnect(sorted(bench.connected))
    time.sleep(args.settle)
    before = rss_mb(bench.server.pids())
    generator_before = rss_mb(bench.meters.groups()["generator"])
    connected = bench.connect(devices)
    time.sleep(args.settle)
    after = rss_mb(bench.server.pids())
    n = max(1, connected["connected"])
    res = {
        "sockets": connected["connected"],
        "failed": connected["failed"],
        "connect_seconds": connected["seconds"],
        "server_rss_mb_before": before,
        "server_rss_mb_after": after,
        "server_kib_per_socket": round((after - before) * 1024 / n, 1),
        "generator_rss_mb_delta": round(
            rss_mb(bench.meters.groups()["generator"]) - generator_before, 1
        ),
    }
    bench.disconnect(devices)
    print(f"[idle] {res}", flush=True)
    return res


def fanout(bench: Bench) -> list[Json]:
    """One owner sends into groups of 2/10/100/500 members, every member online."""
    args = bench.args
    world = bench.world
    bench.connect(list(range(min(500, world.n_users))))
    time.sleep(args.settle)
    rows = []
    for members, cid in zip(world.probe_groups, world.probe_group_ids, strict=True):
        rng = random.Random(len(members))
        sends, t = [], rng.expovariate(args.fanout_rate)
        while t < args.fanout_seconds:
            idx = bench.take_idx(1)
            sends.append(Send(idx, int(t * 1e9), 0, cid, True, tuple(members[1:])))
            t += rng.expovariate(args.fanout_rate)
        res = bench.offer(f"group of {len(members)}", sends, args.fanout_seconds, args.drain)
        res["group_size"] = len(members)
        rows.append(res)
        print(
            f"[fanout] {len(members)}: last member "
            f"{res['latency_group_last_member'].get('p99_ms')} ms p99, "
            f"{res['server_cpu_ms_per_message']} ms CPU/message",
            flush=True,
        )
    return rows


def storm(bench: Bench) -> Json:
    """Devices go offline, messages arrive for them, the server restarts, and every device
    reconnects at once with its cursor: the time until all have caught up."""
    args = bench.args
    devices = list(range(min(args.storm_devices, len(bench.world.tokens))))
    bench.connect(devices)
    time.sleep(args.settle)
    bench.disconnect(sorted(bench.connected))  # only the storm's devices come back
    chooser = Chooser(bench.world, len(devices))
    seconds = args.storm_messages / args.storm_rate
    sends = poisson_phase(
        chooser, args.storm_rate, seconds, bench.next_idx, args.group_share, args.seed + 7
    )
    bench.take_idx(len(sends))
    offline = bench.offer("while offline", sends, seconds, 0.0)
    t = time.perf_counter()
    bench.server.stop()
    bench.server.start()
    bench.server.wait_ready()
    restart_s = time.perf_counter() - t
    lo, hi = (sends[0].idx, sends[-1].idx + 1) if sends else (0, 0)
    n = bench.pool.n
    commands = [
        {
            "kind": "catch_up",
            "devices": part,
            "lo": lo,
            "hi": hi,
            "concurrency": max(1, (args.storm_concurrency or len(devices)) // n),
            "timeout": args.storm_timeout,
            "senders": array("q", (s.sender for s in sends)),
            "expected": sum(1 for s in sends for d in s.recipients if d % n == i),
        }
        for i, part in enumerate(bench.pool.split(devices))
    ]
    cpu0 = cpu_s(bench.server.pids())
    answers = bench.pool.ask(commands)
    server_cpu = cpu_s(bench.server.pids()) - cpu0  # the replays' cost, the least load-bound
    bench.connected.update(devices)
    for answer in answers:
        bench.ledger.add(answer["seen"], bench.conversation_of)
    res = storm_report(bench, sends, answers, offline, restart_s, len(devices))
    res["server_cpu_s"] = round(server_cpu, 2)
    res["server_cpu_ms_per_device"] = round(server_cpu * 1000 / max(1, len(devices)), 2)
    print(f"[storm] server CPU {res['server_cpu_s']} s", flush=True)
    return res


def storm_report(
    bench: Bench,
    sends: list[Send],
    answers: list[Json],
    offline: Json,
    restart_s: float,
    devices: int,
) -> Json:
    t0 = min(a["t0_ns"] for a in answers)
    last: dict[int, int] = {}
    missing = 0
    for s in sends:
        for d in s.recipients:
            at = bench.ledger.delivered.get((s.idx, d))
            if at is None:
                missing += 1
            else:
                last[d] = max(last.get(d, 0), at)
    caught_ms = [(at - t0) / 1e6 for at in last.values()]
    ready_ms = [ns / 1e6 for a in answers for ns in a["ready_ns"]]
    res = {
        "devices": devices,
        "messages_while_offline": offline["messages_acked"],
        "offline_send_status_counts": offline["send_status_counts"],
        "deliveries_to_catch_up": sum(len(s.recipients) for s in sends),
        "missing": missing,
        "reconnect_failed": sum(a["connect"]["failed"] for a in answers),
        "reconnect_attempts_failed": sum(a["connect"]["failed_attempts"] for a in answers),
        "server_restart_s": round(restart_s, 2),
        "all_ready_s": round(max(ready_ms, default=0) / 1000, 3),
        "all_caught_up_s": round(max(caught_ms + ready_ms, default=0) / 1000, 3),
        "ready_latency": lat_summary(ready_ms),
        "caught_up_latency": lat_summary(caught_ms),
    }
    print(f"[storm] {res}", flush=True)
    return res


def history(bench: Bench) -> Json:
    """History pages of 50 in a chat of `--history-messages`, one request at a time: the
    newest page, and pages at random depths (`before` anywhere in the chat)."""
    args = bench.args
    assert bench.world.history is not None
    cid, reader = bench.world.history
    headers = {"Authorization": f"Bearer {bench.world.tokens[reader]}"}
    rng = random.Random(args.seed)
    path = f"/api/v1/conversations/{cid}/messages"
    times: dict[str, list[float]] = {"newest": [], "deep": []}
    bad = 0
    cpu0 = bench.meters.cpu()["server"]
    with httpx.Client(base_url=bench.server.url, headers=headers) as http:
        for i in range(args.history_pages):
            kind = "newest" if i % 2 else "deep"
            params = {"limit": 50}
            if kind == "deep":
                params["before"] = rng.randint(51, args.history_messages)
            t = time.perf_counter()
            answer = http.get(path, params=params)
            times[kind].append((time.perf_counter() - t) * 1000)
            bad += answer.status_code != 200
    cpu = bench.meters.cpu()["server"] - cpu0
    res = {
        "messages_in_chat": args.history_messages,
        "pages": args.history_pages,
        "not_200": bad,
        "newest_page": lat_summary(times["newest"]),
        "deep_page": lat_summary(times["deep"]),
        "server_cpu_ms_per_page": round(1000 * cpu / max(1, args.history_pages), 3),
        "seed_s": bench.world_info.get("history_seed_s"),
    }
    print(f"[history] {res}", flush=True)
    return res


def feed(bench: Bench) -> list[Json]:
    """The first page of the moments feed (20), one request at a time, for viewers with 10,
    100 and 1,000 friends who have each posted FEED_MOMENTS moments."""
    args = bench.args
    rows = []
    for viewer, friends in bench.world.feed_viewers.items():
        headers = {"Authorization": f"Bearer {bench.world.tokens[viewer]}"}
        times, bad, shown = [], 0, 0
        cpu0 = bench.meters.cpu()["server"]
        with httpx.Client(base_url=bench.server.url, headers=headers) as http:
            for _ in range(args.feed_pages):
                t = time.perf_counter()
                answer = http.get("/api/v1/moments/feed", params={"limit": 20})
                times.append((time.perf_counter() - t) * 1000)
                bad += answer.status_code != 200
                shown = len(answer.json().get("moments", [])) if answer.status_code == 200 else 0
        cpu = bench.meters.cpu()["server"] - cpu0
        rows.append(
            {
                "friends": friends,
                "pages": args.feed_pages,
                "not_200": bad,
                "moments_on_a_page": shown,
                "page": lat_summary(times),
                "server_cpu_ms_per_page": round(1000 * cpu / max(1, args.feed_pages), 3),
            }
        )
        print(f"[feed] {rows[-1]}", flush=True)
    return rows


def soak(bench: Bench) -> Json:
    """`--soak-rate` msg/s for `--soak-seconds`, in windows of `--soak-window`: latency and
    RSS per window, and how far RSS moved from the first window's end to the last's."""
    args = bench.args
    bench.connect(list(range(args.devices)))
    chooser = Chooser(bench.world, args.devices)
    windows = []
    for w in range(max(1, int(args.soak_seconds / args.soak_window))):
        sends = poisson_phase(
            chooser,
            args.soak_rate,
            args.soak_window,
            bench.next_idx,
            args.group_share,
            args.seed * 7919 + w,
        )
        bench.take_idx(len(sends))
        res = bench.offer(f"soak window {w}", sends, args.soak_window, args.drain)
        windows.append(
            {
                "window": w,
                "p50_ms": res["latency"].get("p50_ms"),
                "p99_ms": res["latency"].get("p99_ms"),
                "lost": res["lost_at_phase_end"],
                "server_rss_mb": res["server_rss_mb_after"],
            }
        )
        print(f"[soak] {windows[-1]}", flush=True)
    first, last = windows[0]["server_rss_mb"], windows[-1]["server_rss_mb"]
    drift = (last - first) / first if first else None
    return {
        "rate": args.soak_rate,
        "seconds": args.soak_seconds,
        "windows": windows,
        "rss_drift": round(drift, 4) if drift is not None else None,
        "rss_flat_within_10pct": drift is not None and abs(drift) <= 0.10,
    }


def summary(result: Json, args: argparse.Namespace) -> Json:
    points = result.get("curve") or []
    out: Json = {
        "server": f"{args.workers} process(es) on "
        + ("PostgreSQL" if args.database_url else "SQLite")
        + (" + Redis" if args.redis_url else ""),
        "users / devices / friends / groups": f"{args.users} / {args.devices} / {args.friends}"
        f" / {args.groups}",
        "seconds per rate": args.seconds,
        "verified (every scheduled message seen exactly once per recipient device)": (
            result["verification"]["missing_at_end"] == 0
            and result["verification"]["duplicates"] == 0
            and result["verification"]["wrong_conversation"] == 0
            and all(p["messages_acked"] == p["messages_scheduled"] for p in points)
        ),
    }
    if points:
        out[f"highest rate held with p99 <= {args.slo_ms:g} ms"] = held(points, args.slo_ms)
    return out


PARTS: dict[str, Callable[[Bench], Any]] = {
    "idle": idle_sockets,
    "curve": curve,
    "fanout": fanout,
    "history": history,
    "feed": feed,
    "soak": soak,
    "storm": storm,
}
KEYS = {
    "idle": "idle_sockets",
    "curve": "curve",
    "fanout": "fanout",
    "history": "history",
    "feed": "feed",
    "soak": "soak",
    "storm": "reconnect_storm",
}
