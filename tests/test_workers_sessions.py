"""A token logged out through one worker is refused by every other at once, however long the
workers may trust a token they checked (`session_cache_seconds`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import websockets

from guanxi.client import GuanxiClient
from guanxi.settings import Settings
from tests.configured import configured
from tests.conftest import PASSWORD, RunningServer, UserFactory, ready, status_of
from tests.serve_process import ServeProcess, needs_postgresql_and_redis

pytestmark = needs_postgresql_and_redis
AN_HOUR = 3600


@pytest.fixture
async def other_worker(settings: Settings) -> AsyncIterator[ServeProcess]:
    """`guanxi serve` beside the test's server, trusting a checked token for an hour."""
    process = ServeProcess(settings, GUANXI_SESSION_CACHE_SECONDS=str(AN_HOUR))
    await process.start()
    yield process
    await process.stop()


@configured(session_cache_seconds=AN_HOUR)
async def test_a_logout_on_one_worker_is_refused_by_the_other(
    server: RunningServer, other_worker: ServeProcess, make_user: UserFactory
) -> None:
    """Only the ended session is forgotten: the user's other login goes on everywhere."""
    mei = await make_user("mei")
    laptop = GuanxiClient(server.url)
    await laptop.login("mei", PASSWORD, "laptop")
    gone = GuanxiClient(other_worker.url, mei.token)
    stays = GuanxiClient(other_worker.url, laptop.token)
    try:
        for client in (gone, stays):  # the other worker trusts both now
            assert (await client.me())["handle"] == "mei"
        async with gone.events() as stream:
            await ready(stream)
            await mei.logout()  # through the test's server
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await stream.next(timeout=None)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        assert await status_of(gone.me()) == 401  # not served from its cache
        assert await status_of(gone.conversations()) == 401
        assert (await stays.me())["handle"] == "mei"
    finally:
        for client in (laptop, gone, stays):
            await client.close()
