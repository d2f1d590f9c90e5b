"""PostgreSQL restarted under a running server (a cluster of the test's own on a free port,
stopped as a crash would stop it): requests fail with 503 `unavailable` and a `Retry-After`
while it is down, and the server recovers by itself once it is back — nothing acknowledged
is lost, live delivery and the background work (the insight follower, under its lease) go on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from guanxi.client import ApiError
from guanxi.db.migrate import upgrade
from guanxi.settings import Settings
from tests.fault_servers import (
    Device,
    PrivatePostgres,
    all_client_ids,
    eventually,
    needs_postgres,
    pair,
    postgres_bin,
    worker,
)
from tests.insight_state import months_total

BINARIES = postgres_bin()
pytestmark = [
    needs_postgres,
    pytest.mark.skipif(
        BINARIES is None,
        reason="needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) to run a cluster"
        " of the test's own (the shared one is never restarted)",
    ),
]


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    assert BINARIES is not None
    cluster = PrivatePostgres(BINARIES)
    cluster.init()
    cluster.start()
    yield cluster
    cluster.remove()


async def _refused(call: asyncio.Future[object] | object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await call  # type: ignore[misc]
    return caught.value


async def test_503_while_postgresql_is_down_then_the_server_recovers(
    settings: Settings, postgres: PrivatePostgres
) -> None:
    mine = settings.model_copy(update={"database_url": postgres.url, "redis_url": None})
    await asyncio.to_thread(upgrade, mine)
    server = worker(mine)
    await server.start()
    try:
        mei, lei, chat = await pair(server)
        phone = Device(lei, again=True)
        phone.follow()
        await phone.connected.wait()
        await mei.send(chat, "before", client_id="before")
        await eventually(lambda: _saw(phone, "before"), "a live push")

        await asyncio.to_thread(postgres.stop)
        for call in (mei.send(chat, "lost", client_id="lost"), lei.history(chat), mei.friends()):
            refused = await _refused(call)
            assert (refused.status, refused.code, refused.retry_after) == (503, "unavailable", 1)
        await asyncio.to_thread(postgres.start)

        async def back() -> bool:
            try:
                await mei.send(chat, "after", client_id="after")
            except ApiError as error:
                assert (error.status, error.code) == (503, "unavailable")
                return False
            return True

        await eventually(back, "sending works again")
        assert await all_client_ids(lei, chat) == ["before", "after"]
        await eventually(lambda: _saw(phone, "after"), "live delivery again")

        async def followed() -> bool:
            return await months_total(lei, "mei") == 2

        await eventually(followed, "the insight follower goes on")
        await phone.stop()
        await mei.close()
        await lei.close()
    finally:
        await server.stop()


async def _saw(device: Device, client_id: str) -> bool:
    return client_id in device.seen
