"""`guanxi serve --workers N`: several processes only where they can be correct."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from guanxi.settings import Settings
from tests.conftest import PG_URL, run_guanxi


@pytest.fixture
def busy_port() -> Iterator[str]:
    """A port in use: were `--workers` not refused first, serve would fail to listen on it
    (rather than serve on)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield str(taken.getsockname()[1])


async def test_workers_are_refused_in_one_line_where_they_cannot_be_correct(
    settings: Settings, busy_port: str
) -> None:
    """On SQLite: one process is the rule. On PostgreSQL without Redis (the command line here
    is not given the suite's): an event would reach only the devices of its worker."""
    status, out, err = await run_guanxi(settings, "serve", "--workers", "2", "--port", busy_port)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    if PG_URL is None:
        assert "--workers 2 needs PostgreSQL" in err
        assert "one process is the rule on SQLite" in err
    else:
        assert "--workers 2 needs Redis (GUANXI_REDIS_URL)" in err


async def test_workers_out_of_range_are_refused(settings: Settings) -> None:
    status, _, err = await run_guanxi(settings, "serve", "--workers", "0")
    assert status == 2
    assert "--workers" in err
