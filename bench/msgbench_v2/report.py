"""What a phase's answers add up to, and the result files: JSON, Markdown and the curve (PNG)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench.msgbench_v2.schedule import Send

Json = dict[str, Any]


def lat_summary(ms: list[float] | np.ndarray) -> Json:
    values = np.asarray(ms, dtype=float)
    if values.size == 0:
        return {"count": 0}
    p50, p90, p99 = np.percentile(values, [50, 90, 99])  # linear, as msgbench-v1
    return {
        "count": int(values.size),
        "p50_ms": round(float(p50), 2),
        "p90_ms": round(float(p90), 2),
        "p99_ms": round(float(p99), 2),
        "max_ms": round(float(values.max()), 2),
    }


@dataclass
class Ledger:
    """Every (message, device) delivery of the run, to check exactly once at the end."""

    delivered: dict[tuple[int, int], int] = field(default_factory=dict)
    duplicates: int = 0
    wrong_conversation: int = 0
    foreign: int = 0

    def add(self, seen: Json, conversations: dict[int, int]) -> None:
        for idx, device, at_ns, cid in zip(
            seen["idx"], seen["device"], seen["at_ns"], seen["conversation"], strict=True
        ):
            if conversations.get(idx) not in (None, cid):
                self.wrong_conversation += 1
            key = (idx, device)
            if key in self.delivered:
                self.duplicates += 1
            else:
                self.delivered[key] = at_ns


def phase_report(
    name: str, sends: list[Send], epoch_ns: int, answers: list[Json], ledger: Ledger
) -> Json:
    """Latency from the scheduled time to each recipient device, per phase."""
    statuses: Counter[int] = Counter()
    lag_ms, ack_ms = [], []
    for answer in answers:
        raw = answer["sends"]
        for k in range(0, len(raw), 4):
            statuses[raw[k + 1]] += 1
            lag_ms.append(raw[k + 2] / 1e6)
            ack_ms.append(raw[k + 3] / 1e6)
    direct: list[float] = []
    group: list[float] = []
    last_member: list[float] = []
    expected = lost = echo = 0
    for s in sends:
        scheduled = epoch_ns + s.at_ns
        per_message = []
        for device in s.recipients:
            expected += 1
            at = ledger.delivered.get((s.idx, device))
            if at is None:
                lost += 1
                continue
            per_message.append((at - scheduled) / 1e6)
        (group if s.group else direct).extend(per_message)
        if s.group and per_message and len(per_message) == len(s.recipients):
            last_member.append(max(per_message))
        echo += (s.idx, s.sender) in ledger.delivered
    everything = direct + group
    return {
        "name": name,
        "messages_scheduled": len(sends),
        "messages_acked": statuses.get(201, 0),
        "send_status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "deliveries_expected": expected,
        "deliveries_ok": len(everything),
        "lost_at_phase_end": lost,
        "echoes_to_sender": echo,
        "latency": lat_summary(everything),
        "latency_direct": lat_summary(direct),
        "latency_group": lat_summary(group),
        "latency_group_last_member": lat_summary(last_member),
        "latency_ack": lat_summary(ack_ms),
        "generator_lag": lat_summary(lag_ms),
    }


def cpu_report(res: Json, cpu: Json, seconds: float) -> None:
    """CPU seconds of each process group over the phase, and per delivered message."""
    res["cpu_s"] = {k: round(v, 3) for k, v in cpu.items()}
    delivered = res["deliveries_ok"] or None
    accepted = res["messages_acked"] or None
    res["server_cpu_ms_per_delivery"] = (
        round(1000 * cpu["server"] / delivered, 4) if delivered else None
    )
    res["server_cpu_ms_per_message"] = (
        round(1000 * cpu["server"] / accepted, 4) if accepted else None
    )
    database = cpu.get("postgres", 0.0) + cpu.get("redis", 0.0)
    res["all_server_cpu_ms_per_delivery"] = (
        round(1000 * (cpu["server"] + database) / delivered, 4) if delivered else None
    )
    res["server_cpu_pct_of_one_core"] = round(100 * cpu["server"] / seconds, 1)
    res["generator_cpu_pct_of_one_core"] = round(100 * cpu["generator"] / seconds, 1)


def held(curve: list[Json], slo_ms: float) -> float | None:
    """The highest offered rate with p99 within the objective, nothing lost or refused."""
    good = [
        p["offered_rate"]
        for p in curve
        if p["latency"].get("p99_ms", float("inf")) <= slo_ms
        and p["lost_at_phase_end"] == 0
        and p["messages_acked"] == p["messages_scheduled"]
    ]
    return max(good) if good else None


def write_results(result: Json, out_dir: Path, stamp: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"msgbench-v2-{stamp}"
    paths = [base.with_suffix(".json"), base.with_suffix(".md")]
    paths[0].write_text(json.dumps(result, indent=2) + "\n")
    paths[1].write_text(markdown(result))
    if result.get("rss_over_time"):
        paths.append(base.with_suffix(".png"))
        plot(result, paths[2])
    return paths


def markdown(result: Json) -> str:
    lines = [f"# msgbench-v2, {result['started_at']}", "", f"`{result['command']}`", ""]
    lines += [f"- {k}: {v}" for k, v in result["summary"].items()]
    if result.get("curve"):
        lines += [
            "",
            "| offered msg/s | acked | deliveries | lost | p50 ms | p99 ms | max ms |"
            " server CPU ms/delivery (above idle) | server % | generator %"
            " | generator lag p99 ms |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for p in result["curve"]:
            lat = p["latency"]
            lines.append(
                f"| {p['offered_rate']:g} | {p['messages_acked']} | {p['deliveries_ok']} | "
                f"{p['lost_at_phase_end']} | {lat.get('p50_ms')} | {lat.get('p99_ms')} | "
                f"{lat.get('max_ms')} | {p['server_cpu_ms_per_delivery']} "
                f"({p.get('server_cpu_ms_per_delivery_above_idle')}) | "
                f"{p['server_cpu_pct_of_one_core']} | {p['generator_cpu_pct_of_one_core']} | "
                f"{p['generator_lag'].get('p99_ms')} |"
            )
    for name in ("idle_sockets", "fanout", "history", "feed", "soak", "reconnect_storm"):
        if result.get(name):
            lines += ["", f"## {name}", "", "```json", json.dumps(result[name], indent=2), "```"]
    return "\n".join(lines) + "\n"


def plot(result: Json, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, rss) = plt.subplots(1, 2, figsize=(11, 4.2))
    if result.get("curve"):
        plot_curve(ax, result)
    elif result.get("soak"):
        plot_soak(ax, result)
    else:
        ax.set_axis_off()
    samples = result.get("rss_over_time", [])
    for key in ("server", "postgres", "redis"):
        if any(s.get(key) for s in samples):
            rss.plot([s["t"] for s in samples], [s[key] for s in samples], label=key)
    rss.set(xlabel="seconds since the server started", ylabel="RSS, MB", title="memory")
    rss.legend()
    fig.suptitle(f"msgbench-v2 — {result['summary'].get('server', '')}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_curve(ax: Any, result: Json) -> None:
    curve = result["curve"]
    rates = [p["offered_rate"] for p in curve]
    for key, style in (("p50_ms", "o-"), ("p99_ms", "s-"), ("max_ms", "^:")):
        ax.plot(rates, [p["latency"].get(key, float("nan")) for p in curve], style, label=key[:-3])
    ax.axhline(result["params"]["slo_ms"], color="grey", lw=0.8, ls="--", label="objective")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="offered messages/s (Poisson)",
        ylabel="scheduled send → delivered, ms",
        title="latency against offered load",
    )
    ax.legend()


def plot_soak(ax: Any, result: Json) -> None:
    soak = result["soak"]
    windows = soak["windows"]
    at = [(w["window"] + 1) * result["params"]["soak_window"] for w in windows]
    for key, style in (("p50_ms", "o-"), ("p99_ms", "s-")):
        ax.plot(at, [w[key] for w in windows], style, label=key[:-3])
    ax.set(
        yscale="log",
        xlabel="seconds into the soak",
        ylabel="scheduled send → delivered, ms",
        title=f"soak at {soak['rate']:g} msg/s",
    )
    ax.legend()
