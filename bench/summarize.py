#!/usr/bin/env python3
"""Medians of msgbench-v1 result files, guanxi beside Synapse, with the ratios and the targets.

    python bench/summarize.py --guanxi bench/results/.../guanxi/*.json \\
                              --synapse bench/results/.../synapse/*.json \\
                              [--ejabberd bench/results/.../ejabberd/*.json]

Warm-up runs (label containing "warmup") are left out; every other file is a measured run.
The targets are those of issue 2: dm delivered/s >= 50x Synapse's with e2e p99 < 50 ms, and
group last-recipient (fanout-complete) p99 < 50 ms; and issue 12's: dm delivered/s >= 10x
ejabberd's in the same run (when ejabberd's runs are given).
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


def table(guanxi: list[Json], refs: dict[str, list[Json]], scenario: str) -> list[str]:
    """guanxi's medians beside each reference server's, with guanxi's ratio to each."""
    names = [n for n, runs in refs.items() if runs]
    counts = ", ".join(f"{n} {len(refs[n])} runs" for n in names)
    lines = [
        f"### {scenario} (medians: guanxi {len(guanxi)} runs, {counts})",
        "",
        "| | guanxi | "
        + " | ".join(names)
        + " | "
        + " | ".join(f"guanxi vs {n}" for n in names)
        + " |",
        "|---|---|" + "---|" * (2 * len(names)),
    ]
    for name, getter, higher in ROWS:
        g = median(guanxi, scenario, getter)
        others = [median(refs[n], scenario, getter) for n in names]
        if g is None and all(o is None for o in others):
            continue
        ratios = []
        for o in others:
            text = ratio(g, o, higher) if name in ("delivered/s", "sent msg/s") else ""
            if name.startswith(("e2e", "last member", "server CPU s", "server CPU ms")):
                text = ratio(g, o, False)
            ratios.append(text)
        cells = [fmt(g), *(fmt(o) for o in others), *ratios]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def targets(guanxi: list[Json], synapse: list[Json], ejabberd: list[Json]) -> list[str]:
    dm_g = median(guanxi, "dm", get("delivered_per_s"))
    dm_s = median(synapse, "dm", get("delivered_per_s"))
    dm_e = median(ejabberd, "dm", get("delivered_per_s"))
    dm_p99 = median(guanxi, "dm", get("latency_e2e", "p99_ms"))
    grp_p99 = median(guanxi, "group", get("fanout_complete_latency", "p99_ms"))
    lines = ["### Targets (issue 2)", ""]
    if dm_g is not None and dm_s:
        x = dm_g / dm_s
        verdict = "met" if x >= 50 else f"missed: {50 / x:.1f}× short (need {50 * dm_s:,.0f}/s)"
        lines.append(f"- dm delivered/s ≥ 50× Synapse: {x:.1f}× — {verdict}")
    if dm_g is not None and dm_e:
        x = dm_g / dm_e
        verdict = "met" if x >= 10 else f"missed: {10 / x:.1f}× short (need {10 * dm_e:,.0f}/s)"
        lines.append(f"- dm delivered/s ≥ 10× ejabberd (issue 12): {x:.1f}× — {verdict}")
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
    ap.add_argument("--ejabberd", nargs="*", default=[])
    args = ap.parse_args()
    guanxi, synapse, ejabberd = load(args.guanxi), load(args.synapse), load(args.ejabberd)
    refs = {"Synapse": synapse, "ejabberd": ejabberd}
    out: list[str] = []
    for scenario in ("dm", "group"):
        out += [*table(guanxi, refs, scenario), ""]
    out += [*targets(guanxi, synapse, ejabberd), "", "### Runs", ""]
    out += runs_list(guanxi, "guanxi") + runs_list(synapse, "Synapse")
    out += runs_list(ejabberd, "ejabberd")
    print("\n".join(out))


if __name__ == "__main__":
    main()
