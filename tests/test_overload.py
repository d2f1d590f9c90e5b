"""An overloaded server says so: a request that cannot get a database read in time is answered
503 with Retry-After (an events socket: an error frame `busy` and close code 1013), never a
500, and the caller that comes back gets in.

PostgreSQL only: there a read waits on the network, so reads overlap. On SQLite every read
completes without giving the event loop up (db/inline_sqlite.py), so in one process two reads
never overlap and none ever waits for a connection (db/database.py)."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest
import websockets

from tests.configured import configured
from tests.conftest import PG_URL, RunningServer, UserFactory

pytestmark = pytest.mark.skipif(PG_URL is None, reason="reads overlap only on PostgreSQL")

BURSTS = 200  # bursts of concurrent calls tried before giving up on seeing the server busy
BURST = 30

# one read at a time, and no wait for it: any two reads that overlap make the second one busy
TINY_POOL = configured(read_slots=1, read_wait_seconds=0)


async def _burst(http: httpx.AsyncClient, token: str) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"}
    calls = [http.get("/api/v1/conversations", headers=headers) for _ in range(BURST)]
    return list(await asyncio.gather(*calls))


@TINY_POOL
async def test_a_request_that_finds_no_read_free_gets_503_with_retry_after(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    assert mei.token is not None
    busy: list[httpx.Response] = []
    limits = httpx.Limits(max_connections=BURST)
    async with httpx.AsyncClient(base_url=server.url, limits=limits) as http:
        for _ in range(BURSTS):
            answers = await _burst(http, mei.token)
            assert {a.status_code for a in answers} <= {200, 503}
            busy = [a for a in answers if a.status_code == 503]
            if busy:
                break
        assert busy, "no call ever overlapped another's read"
        answer = busy[0]
        assert answer.json()["error"]["code"] == "busy"
        assert int(answer.headers["Retry-After"]) >= 1
        # coming back, one call at a time, it gets in (background work may still overlap one)
        statuses = []
        while 200 not in statuses and len(statuses) < BURSTS:
            again = await http.get(
                "/api/v1/conversations", headers={"Authorization": f"Bearer {mei.token}"}
            )
            statuses.append(again.status_code)
        assert set(statuses) <= {200, 503} and statuses[-1] == 200, statuses


async def _hello(url: str, token: str) -> tuple[str, int | None]:
    """One device's hello with cursor 0: ("ready", None), or ("busy", the close code)."""
    async with websockets.connect(url) as socket:
        await socket.send(orjson.dumps({"type": "hello", "token": token, "cursor": 0}).decode())
        while True:
            frame = orjson.loads(await socket.recv())
            if frame["type"] == "ready":
                return "ready", None
            if frame["type"] == "error":
                assert frame["code"] == "busy", frame
                try:
                    await socket.recv()
                except websockets.ConnectionClosed as closed:
                    return "busy", closed.rcvd.code if closed.rcvd else None


@TINY_POOL
async def test_a_hello_that_finds_no_read_free_is_told_to_come_back_and_then_gets_in(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    assert mei.token is not None
    url = "ws" + server.url.removeprefix("http") + "/api/v1/events"
    outcomes: list[tuple[str, int | None]] = []
    for _ in range(BURSTS):
        outcomes = list(await asyncio.gather(*(_hello(url, mei.token) for _ in range(10))))
        if any(kind == "busy" for kind, _ in outcomes):
            break
    assert ("busy", 1013) in outcomes
    assert {kind for kind, _ in outcomes} <= {"ready", "busy"}
    # the device told to come back does, with its cursor, and gets in (background work may
    # still overlap a try: it is told to come back again)
    outcome = ("busy", 1013)
    tries = 0
    while outcome != ("ready", None) and tries < BURSTS:
        outcome = await _hello(url, mei.token)
        tries += 1
    assert outcome == ("ready", None)
