"""Issue 11's benchmark of `guanxi insight analyze`: a synthetic interaction log of N messages
— messages per second and peak RSS, for several N (memory should not grow with N).

    .venv/bin/python bench/insight_analyze.py                         # 1M and 10M messages
    .venv/bin/python bench/insight_analyze.py --messages 1000000 --keep

The log (`/tmp/guanxi-bench-insight-<N>.txt`, reused with `--keep` when it exists) has the
shape of a messenger's: 100,000 people, 1,000,000 pairs, mostly between people whose numbers
are close (so friends share friends and there are triangles), pair activity heavy-tailed
(Pareto), half the messages first messages at uniform times over a year and half answers to
them after an exponential wait (median ~1.4 h), one direction or the other; sorted by time, as
SNAP's logs are. Each run is `guanxi insight analyze LOG --out DIR` in a child process; its
peak RSS is the child's `ru_maxrss`, its CPU time user + system (the figure to trust on a
shared, loaded machine; the wall time includes the command's start, a few seconds). Results
go to stdout as a table and to `bench/results/insight-analyze-<stamp>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 100_000
PAIRS = 1_000_000
YEAR = 365 * 86_400
START = 1_767_225_600  # 2026-01-01 UTC
LINES_PER_WRITE = 1_000_000


def pairs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of close numbers, each with a heavy-tailed share of the messages."""
    low = rng.integers(0, PEOPLE, PAIRS)
    high = (low + 1 + rng.geometric(0.02, PAIRS)) % PEOPLE
    weight = rng.pareto(1.5, PAIRS) + 1
    return low, high, weight / weight.sum()


def synthetic_log(messages: int, path: Path, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    low, high, share = pairs(rng)
    first = messages - messages // 2
    chosen = rng.choice(PAIRS, size=first, p=share)
    forward = rng.random(first) < 0.5
    src = np.where(forward, low[chosen], high[chosen])
    dst = np.where(forward, high[chosen], low[chosen])
    t = START + rng.integers(0, YEAR, first)
    answered = rng.choice(first, size=messages // 2, replace=False)
    wait = rng.exponential(7_200, len(answered)).astype(np.int64) + 1
    src = np.concatenate((src, dst[answered]))
    dst = np.concatenate((dst, src[answered]))
    t = np.concatenate((t, t[answered] + wait))
    order = np.argsort(t, kind="stable")
    write(src[order], dst[order], t[order], path)


def write(src: np.ndarray, dst: np.ndarray, t: np.ndarray, path: Path) -> None:
    part = path.with_suffix(".part")
    with part.open("w") as out:
        for at in range(0, len(t), LINES_PER_WRITE):
            rows = zip(*(a[at : at + LINES_PER_WRITE].tolist() for a in (src, dst, t)), strict=True)
            out.write("".join(f"{a} {b} {c}\n" for a, b, c in rows))
    part.rename(path)


def measure(path: Path, out: Path) -> dict[str, Any]:
    """One run of the command in a child process: seconds and the child's peak RSS."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "guanxi", "insight", "analyze", str(path), "--out", str(out)]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads((out / "insight.json").read_text())
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024),
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--keep", action="store_true", help="reuse a log already made")
    args = parser.parse_args()
    rows = []
    for messages in args.messages:
        path = Path(f"/tmp/guanxi-bench-insight-{messages}.txt")
        if not (args.keep and path.exists()):
            made = time.perf_counter()
            synthetic_log(messages, path)
            print(f"made {path} in {time.perf_counter() - made:.0f} s", flush=True)
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: one process per size
        run = subprocess.run(
            [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        rows.append({"messages": messages, "bytes": path.stat().st_size, **json.loads(run.stdout)})
        print_row(rows[-1])
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    target = ROOT / "bench" / "results" / f"insight-analyze-{stamp}.json"
    target.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"wrote {target}")


def print_row(row: dict[str, Any]) -> None:
    rate = row["messages"] / row["seconds"]
    print(
        f"{row['messages']:>12,} messages {row['bytes'] / 2**20:>7,.0f} MiB: "
        f"{row['seconds']:>7.1f} s ({row.get('cpu_seconds', 0):.1f} s CPU), "
        f"{rate:>10,.0f} messages/s, "
        f"peak RSS {row['peak_rss_mib']:,} MiB",
        flush=True,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        log = Path(sys.argv[2])
        print(json.dumps(measure(log, log.with_suffix(".out"))))
    else:
        main()
