"""`guanxi serve` in processes of their own beside the test's server, on its database, Redis
channel and data folder: the workers of one community (tests/test_workers_*.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx
import pytest

from guanxi.ratelimit.rates import KINDS, setting_name
from guanxi.settings import Settings
from tests.conftest import PG_URL, REDIS_URL, free_port

needs_postgresql_and_redis = pytest.mark.skipif(
    PG_URL is None or REDIS_URL is None,
    reason="several workers need PostgreSQL and Redis (GUANXI_TEST_DATABASE_URL and"
    " GUANXI_TEST_REDIS_URL); on SQLite one process is the rule",
)


class ServeProcess:
    """`guanxi serve` in a process of its own on the test's data folder, database and Redis
    (when the suite has them), with every rate limit off; `args`: more options of `serve`,
    `env`: more settings."""

    def __init__(self, settings: Settings, *args: str, **env: str) -> None:
        self.settings = settings
        self.args = args
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "GUANXI_DATA_DIR": str(self.settings.data_dir),
            **{("GUANXI_" + setting_name(kind.name)).upper(): "off" for kind in KINDS},
            "GUANXI_LEASE_SECONDS": "6",  # a restart takes over a killed one's work within ~8 s
        }
        if self.settings.database_url:
            env["GUANXI_DATABASE_URL"] = self.settings.database_url
        if self.settings.redis_url:
            env["GUANXI_REDIS_URL"] = self.settings.redis_url
            env["GUANXI_REDIS_CHANNEL"] = self.settings.redis_channel or ""
        env.update(self.env)
        command = [sys.executable, "-m", "guanxi", "serve", "--port", str(self.port), *self.args]
        self.process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.DEVNULL
        )
        async with httpx.AsyncClient() as http:  # a loaded machine starts Python slowly
            for _ in range(2400):
                if self.process.returncode is not None:
                    break
                try:
                    if (await http.get(self.url + "/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        await self.stop()
        raise RuntimeError(f"guanxi serve did not come up (exit {self.process.returncode})")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:  # never left running for the next test to trip over
                self.process.kill()
                await self.process.wait()
                raise
