"""msgbench-v2 at a tiny scale against a real server (SQLite, or PostgreSQL + Redis when the
suite runs on them): the result's shape, and every scheduled message delivered exactly once to
each recipient device. Speed is not judged here (no threshold on any latency): that is what
the benchmark itself is for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REDIS_URL, Copies
from tests.conftest import _pg_url as pg_url

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "--users", "50", "--devices", "20", "--friends", "6", "--groups", "5",
    "--rates", "10,20", "--seconds", "2", "--drain", "10", "--settle", "0.5", "--procs", "2",
    "--parts", "idle,curve,fanout,feed,storm", "--idle-sockets", "40", "--feed-pages", "3",
    "--fanout-rate", "10", "--fanout-seconds", "1",
    "--storm-messages", "30", "--storm-rate", "30",
]  # fmt: skip


def run_bench(
    out_dir: Path, databases: list[str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "bench.msgbench_v2", *TINY, *databases, "--out-dir", str(out_dir)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    found = sorted(out_dir.glob("msgbench-v2-*.json"))
    assert found, done.stdout + done.stderr
    return done, json.loads(found[0].read_text())


Run = tuple[subprocess.CompletedProcess[str], dict[str, Any], Path]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, copies: Copies | None) -> Iterator[Run]:
    """One tiny run serves every test of this file (it takes about half a minute): on SQLite,
    or on a fresh PostgreSQL database and Redis when the suite runs on them."""
    out_dir = tmp_path_factory.mktemp("msgbench-v2")
    if copies is None:
        yield (*run_bench(out_dir, []), out_dir)
        return
    name = copies.take()
    databases = ["--database-url", pg_url(name), "--redis-url", REDIS_URL or ""]
    try:
        yield (*run_bench(out_dir, databases), out_dir)
    finally:
        copies.give_back(name)


def test_tiny_run_delivers_every_scheduled_message_once(tiny: Run) -> None:
    done, result, _ = tiny
    assert done.returncode == 0, done.stdout + done.stderr
    check = result["verification"]
    assert check["deliveries_expected"] > 0
    assert (check["missing_at_end"], check["duplicates"], check["wrong_conversation"]) == (0, 0, 0)
    phases = [*result["curve"], *result["fanout"]]
    for phase in phases:
        assert phase["messages_acked"] == phase["messages_scheduled"] > 0
        assert phase["deliveries_ok"] == phase["deliveries_expected"]
    storm = result["reconnect_storm"]
    assert storm["missing"] == 0 and storm["reconnect_failed"] == 0
    assert storm["messages_while_offline"] > 0


def test_tiny_run_writes_the_curve_and_its_files(tiny: Run) -> None:
    _, result, out_dir = tiny
    assert [p["offered_rate"] for p in result["curve"]] == [10, 20]
    for point in result["curve"]:
        assert set(point["latency"]) >= {"p50_ms", "p99_ms", "max_ms"}
        assert point["server_cpu_ms_per_delivery"] is not None
        assert point["cpu_s"]["generator"] >= 0
    assert any(k.startswith("highest rate held") for k in result["summary"])
    assert [row["group_size"] for row in result["fanout"]] == [2, 10]
    assert result["idle_sockets"]["sockets"] == 40
    assert [(row["friends"], row["not_200"]) for row in result["feed"]] == [(10, 0)]
    assert result["rss_over_time"] and "server" in result["rss_over_time"][0]
    png = next(out_dir.glob("msgbench-v2-*.png")).read_bytes()
    assert png.startswith(b"\x89PNG")
    markdown = next(out_dir.glob("msgbench-v2-*.md")).read_text()
    assert "| offered msg/s |" in markdown
