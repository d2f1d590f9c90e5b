"""The server under test: a fresh `guanxi serve` on 127.0.0.1, and the processes whose CPU and
memory count (the server and its worker processes; PostgreSQL's and Redis's when used)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.msgbench import BENCH_RATE_LIMITS, free_port

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class ServerSpec:
    data_dir: Path
    database_url: str | None = None
    redis_url: str | None = None
    workers: int = 1
    cpus: str | None = None
    env: dict[str, str] = field(default_factory=dict)


class Server:
    """Started, restarted and stopped by the bench; the same port and data each time."""

    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GUANXI_")}
        env.update(BENCH_RATE_LIMITS)
        env["GUANXI_HTTP_MAX_CONNECTIONS"] = "30000"  # the idle-socket probe holds thousands
        env["GUANXI_DATA_DIR"] = str(self.spec.data_dir)
        if self.spec.database_url:
            env["GUANXI_DATABASE_URL"] = self.spec.database_url
        if self.spec.redis_url:
            env["GUANXI_REDIS_URL"] = self.spec.redis_url
        env.update(self.spec.env)
        return env

    def start(self) -> int:
        exe = shutil.which("guanxi", path=str(Path(sys.executable).parent)) or "guanxi"
        cmd = [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if self.spec.workers > 1:
            cmd += ["--workers", str(self.spec.workers)]
        if self.spec.cpus:
            cmd = ["taskset", "-c", self.spec.cpus, *cmd]  # taskset execs: same pid
        log = (self.spec.data_dir / "server.log").open("ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env())
        return self.proc.pid

    def wait_ready(self, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        tail = (self.spec.data_dir / "server.log").read_text(errors="replace")[-3000:]
        raise SystemExit(f"guanxi did not come up on {self.url}:\n{tail}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def pids(self) -> list[int]:
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [self.proc.pid, *descendants(self.proc.pid)]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = read_stat(int(entry.name))
            if stat is not None:
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def pids_named(*names: str) -> list[int]:
    """Every process whose command name is one of `names` (PostgreSQL's, Redis's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm in names:
                found.append(int(entry.name))
    return found


def read_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name: [state, ppid, …]."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def cpu_s(pids: list[int]) -> float:
    """utime + stime of the processes, in seconds."""
    total = 0
    for pid in pids:
        rest = read_stat(pid)
        if rest is not None:
            total += int(rest[11]) + int(rest[12])
    return total / CLK_TCK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
        total += resident * PAGE_KIB
    return round(total / 1024, 1)
