#!/usr/bin/env python3
"""Medians of msgbench-v1 result files, guanxi beside Synapse, with the ratios and the targets.

    python bench/summarize.py --guanxi bench/results/.../guanxi/*.json \\
                              --synapse bench/results/.../synapse/*.json

Warm-up runs (label containing "warmup") are left out; every other file is a measured run.
The targets are those of issue 2: dm delivered/s >= 50x Synapse's with e2e p99 < 50 ms, and
group last-recipient (fanout-complete) p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

Json = dict[str, Any]
Getter = Callable[[Json], float | None]


def load(paths: list[str]) -> list[Json]:
    runs = [json.loads(Path(p).read_text()) for p in paths]
    return [r for r in runs if "warmup" not in str(r.get("label", ""))]


def get(*keys: str) -> Getter:
    def getter(s: Json) -> float | None:
        v: Any = s
        for k in keys:
            if not isinstance(v, dict) or v.get(k) is None:
                return None
            v = v[k]
        return float(v)

    return getter


def per_msg_cpu_ms(s: Json) -> float | None:
    cpu, n = s.get("server_cpu_s_delta"), s.get("deliveries_ok")
    return 1000 * cpu / n if cpu is not None and n else None


ROWS: list[tuple[str, Getter, bool]] = [  # name, getter, higher is better
    ("delivered/s", get("delivered_per_s"), True),
    ("sent msg/s", get("sent_msgs_per_s"), True),
    ("e2e p50 ms", get("latency_e2e", "p50_ms"), False),
    ("e2e p90 ms", get("latency_e2e", "p90_ms"), False),
    ("e2e p99 ms", get("latency_e2e", "p99_ms"), False),
    ("e2e max ms", get("latency_e2e", "max_ms"), False),
    ("last member p50 ms", get("fanout_complete_latency", "p50_ms"), False),
    ("last member p99 ms", get("fanout_complete_latency", "p99_ms"), False),
    ("send→ack p50 ms", get("latency_send_ack", "p50_ms"), False),
    ("ack→seen p50 ms", get("latency_ack_to_seen", "p50_ms"), False),
    ("server CPU s", get("server_cpu_s_delta"), False),
    ("server CPU ms per delivery", per_msg_cpu_ms, False),
    ("server CPU % of one core", get("server_cpu_pct_of_one_core"), False),
    ("server RSS before MB", get("server_before", "rss_mb"), False),
    ("server RSS after MB", get("server_after", "rss_mb"), False),
    ("load generator CPU s", get("client_cpu_s"), False),
    ("other processes CPU s", get("other_processes_cpu_s"), False),
    ("host CPU busy %", get("host_cpu_busy_pct"), False),
    (
        "lost / duplicates / mismatched",
        lambda s: s["lost"] + s["duplicates"] + s["mismatched"],
        False,
    ),
]


def median(runs: list[Json], scenario: str, getter: Getter) -> float | None:
    values = [getter(r["scenarios"][scenario]) for r in runs if scenario in r["scenarios"]]
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def fmt(v: float | None) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" if abs(v) < 1 else f"{v:.1f}"


def ratio(g: float | None, s: float | None, higher_better: bool) -> str:
    if g is None or s is None or g == 0 or s == 0:
        return "–"
    r = g / s if higher_better else s / g
    return f"{r:,.1f}× {'more' if higher_better else 'less'}"


def table(guanxi: list[Json], synapse: list[Json], scenario: str) -> list[str]:
    lines = [
        f"### {scenario} (medians: guanxi {len(guanxi)} runs, Synapse {len(synapse)} runs)",
        "",
        "| | guanxi | Synapse | guanxi vs Synapse |",
        "|---|---|---|---|",
    ]
    for name, getter, higher in ROWS:
        g, s = median(guanxi, scenario, getter), median(synapse, scenario, getter)
        if g is None and s is None:
            continue
        ratio_text = ratio(g, s, higher) if name in ("delivered/s", "sent msg/s") else ""
        if name.startswith(("e2e", "last member", "server CPU s", "server CPU ms")):
            ratio_text = ratio(g, s, False)
        lines.append(f"| {name} | {fmt(g)} | {fmt(s)} | {ratio_text} |")
    return lines


def targets(guanxi: list[Json], synapse: list[Json]) -> list[str]:
    dm_g = median(guanxi, "dm", get("delivered_per_s"))
    dm_s = median(synapse, "dm", get("delivered_per_s"))
    dm_p99 = median(guanxi, "dm", get("latency_e2e", "p99_ms"))
    grp_p99 = median(guanxi, "group", get("fanout_complete_latency", "p99_ms"))
    lines = ["### Targets (issue 2)", ""]
    if dm_g is not None and dm_s:
        x = dm_g / dm_s
        verdict = "met" if x >= 50 else f"missed: {50 / x:.1f}× short (need {50 * dm_s:,.0f}/s)"
        lines.append(f"- dm delivered/s ≥ 50× Synapse: {x:.1f}× — {verdict}")
    if dm_p99 is not None:
        verdict = "met" if dm_p99 < 50 else f"missed by {dm_p99 - 50:,.0f} ms ({dm_p99 / 50:.1f}×)"
        lines.append(f"- dm e2e p99 < 50 ms: {dm_p99:,.1f} ms — {verdict}")
    if grp_p99 is not None:
        verdict = "met" if grp_p99 < 50 else f"missed by {grp_p99 - 50:,.0f} ms"
        lines.append(f"- group last-recipient p99 < 50 ms: {grp_p99:,.1f} ms — {verdict}")
    return lines


def runs_list(runs: list[Json], who: str) -> list[str]:
    lines = []
    for r in runs:
        cal = r.get("host", {}).get("calibration_ms")
        lines.append(
            f"- {who} {r.get('label')} ({r.get('started_at')}): verified={r.get('verified')}, "
            f"calibration {cal} ms, {r.get('target', {}).get('server_source', '')}"
        )
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--guanxi", nargs="*", default=[])
    ap.add_argument("--synapse", nargs="*", default=[])
    args = ap.parse_args()
    guanxi, synapse = load(args.guanxi), load(args.synapse)
    out: list[str] = []
    for scenario in ("dm", "group"):
        out += [*table(guanxi, synapse, scenario), ""]
    out += [*targets(guanxi, synapse), "", "### Runs", ""]
    out += runs_list(guanxi, "guanxi") + runs_list(synapse, "Synapse")
    print("\n".join(out))


if __name__ == "__main__":
    main()
