"""Caps on connections: WebSockets per login and per user, hello cursors, odd static paths."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import websockets

from guanxi.cli.connections import connection_limits
from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.errors import RateLimited
from guanxi.ratelimit.sockets import SocketSeats
from guanxi.settings import Settings
from tests import configured
from tests.conftest import PASSWORD, REDIS_URL, RunningServer, UserFactory

settings = configured.settings(sockets_per_session=3, sockets_per_user=5)


def ws_url(server: RunningServer) -> str:
    return "ws" + server.url.removeprefix("http") + "/api/v1/events"


async def hello(server: RunningServer, **fields: Any) -> tuple[Any, dict[str, Any]]:
    """Open a socket, say hello; the socket and the first frame that comes back."""
    socket = await websockets.connect(ws_url(server))
    await socket.send(json.dumps({"type": "hello", **fields}))  # orjson stops at 64 bits
    return socket, orjson.loads(await socket.recv())


async def refused(socket: Any) -> int | None:
    with contextlib.suppress(websockets.ConnectionClosed):
        await socket.recv()
    return socket.close_code  # type: ignore[no-any-return]


@pytest.fixture
async def sockets() -> AsyncIterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for socket in opened:
        await socket.close()


async def test_one_socket_too_many_for_a_login_is_refused(
    make_user: UserFactory, server: RunningServer, sockets: list[Any]
) -> None:
    mei = await make_user("mei")
    for _ in range(3):
        socket, frame = await hello(server, token=mei.token)
        sockets.append(socket)
        assert frame["type"] == "ready"
    socket, frame = await hello(server, token=mei.token)
    sockets.append(socket)
    assert (frame["type"], frame["code"]) == ("error", "too_many_sockets")
    assert await refused(socket) == 4429
    await sockets.pop(0).close()  # one closed: room for one again
    for _ in range(50):
        socket, frame = await hello(server, token=mei.token)
        sockets.append(socket)
        if frame["type"] == "ready":
            break
    assert frame["type"] == "ready"


async def test_the_user_cap_counts_every_login(
    make_user: UserFactory, server: RunningServer, sockets: list[Any]
) -> None:
    mei = await make_user("mei")
    phone = GuanxiClient(server.url)
    await phone.login("mei", PASSWORD)
    await phone.close()
    for token in [mei.token] * 3 + [phone.token] * 2:
        socket, frame = await hello(server, token=token)
        sockets.append(socket)
        assert frame["type"] == "ready"
    socket, frame = await hello(server, token=phone.token)
    sockets.append(socket)
    assert frame["code"] == "too_many_sockets"
    other = await make_user("lei")  # someone else is not affected
    socket, frame = await hello(server, token=other.token)
    sockets.append(socket)
    assert frame["type"] == "ready"


async def ready_soon(server: RunningServer, token: str | None, sockets: list[Any]) -> None:
    """A socket opened once a place is free (the server hears of a close a moment later)."""
    for _ in range(50):
        socket, frame = await hello(server, token=token)
        sockets.append(socket)
        if frame["type"] == "ready":
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no place freed: {frame}")


@pytest.mark.skipif(REDIS_URL is None, reason="several workers count sockets through Redis")
async def test_two_servers_on_one_redis_share_the_socket_caps(
    make_user: UserFactory, server: RunningServer, settings: Settings, sockets: list[Any]
) -> None:
    mei = await make_user("mei")
    other = RunningServer(settings, server.services.clock)
    await other.start()
    try:
        for place in (server, other, server):
            socket, frame = await hello(place, token=mei.token)
            sockets.append(socket)
            assert frame["type"] == "ready"
        socket, frame = await hello(other, token=mei.token)  # the login's fourth, over both
        sockets.append(socket)
        assert (frame["type"], frame["code"]) == ("error", "too_many_sockets")
        assert await refused(socket) == 4429
        await sockets.pop(0).close()  # closed on the first server: a place on the other
        await ready_soon(other, mei.token, sockets)
        phone = GuanxiClient(server.url)
        await phone.login("mei", PASSWORD)
        await phone.close()
        for place in (other, server):  # the user's fourth and fifth, over both servers
            socket, frame = await hello(place, token=phone.token)
            sockets.append(socket)
            assert frame["type"] == "ready"
        socket, frame = await hello(other, token=phone.token)
        sockets.append(socket)
        assert frame["code"] == "too_many_sockets" and "You have 5" in frame["message"]
    finally:
        for socket in sockets:
            await socket.close()
        await other.stop()


@pytest.mark.skipif(REDIS_URL is None, reason="seats are kept in Redis")
async def test_a_killed_workers_socket_seats_free_up_when_they_run_out(settings: Settings) -> None:
    killed, alive = SocketSeats(settings, seconds=0.3), SocketSeats(settings)
    killed.start()
    alive.start()
    try:
        for _ in range(3):
            assert await killed.take(7, 70) is not None
        await killed.refresh()
        with pytest.raises(RateLimited):
            await alive.take(7, 70)
        await killed.close()  # gone without giving its seats back
        await asyncio.sleep(0.4)
        seat = await alive.take(7, 70)
        assert seat is not None
        await alive.give_back(seat)
    finally:
        await alive.close()


@pytest.mark.parametrize("cursor", [2**63, 2**64, 10**30])
async def test_a_hello_cursor_past_64_bits_is_a_bad_hello(
    cursor: int, make_user: UserFactory, server: RunningServer, sockets: list[Any]
) -> None:
    mei = await make_user("mei")
    socket, frame = await hello(server, token=mei.token, cursor=cursor)
    sockets.append(socket)
    assert (frame["type"], frame["code"]) == ("error", "bad_hello")
    assert await refused(socket) == 4400


@pytest.mark.parametrize("path", ["/static/js/main.js%00.html", "/static/%00", "/static/%00/x"])
async def test_a_nul_byte_in_a_static_path_is_404(server: RunningServer, path: str) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.get(path)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


async def test_api_docs_are_off_unless_turned_on(server: RunningServer, settings: Settings) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/docs/swagger")).status_code == 404
        assert (await http.get("/redoc")).status_code == 404
        assert (await http.get("/openapi.json")).status_code == 200
    other = RunningServer(settings.model_copy(update={"api_docs": True}), server.services.clock)
    await other.start()
    try:
        async with httpx.AsyncClient(base_url=other.url) as http:
            assert (await http.get("/docs/swagger")).status_code == 200
    finally:
        await other.stop()


@pytest.fixture
async def capped(settings: Settings) -> AsyncIterator[RunningServer]:
    """A server with `guanxi serve`'s connection options: 1 s keep-alive, 3 at once."""
    limited = settings.model_copy(update={"http_keep_alive_seconds": 1, "http_max_connections": 3})
    running = RunningServer(limited, Clock(), **connection_limits(limited))
    await running.start()
    yield running
    await running.stop()


async def test_an_idle_connection_is_closed(capped: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", capped.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
    await reader.read(64)  # the body
    assert await asyncio.wait_for(reader.read(1), 5) == b""  # closed by the server
    writer.close()


async def test_past_the_connection_cap_a_request_answers_503(capped: RunningServer) -> None:
    holders = []
    for _ in range(3):  # half-sent requests holding connections
        _, writer = await asyncio.open_connection("127.0.0.1", capped.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        holders.append(writer)
    await asyncio.sleep(0.2)
    try:
        async with httpx.AsyncClient(base_url=capped.url) as http:
            assert (await http.get("/healthz")).status_code == 503
    finally:
        for writer in holders:
            writer.close()
    await asyncio.sleep(0.2)
    async with httpx.AsyncClient(base_url=capped.url) as http:
        assert (await http.get("/healthz")).status_code == 200


@pytest.fixture
async def impatient(settings: Settings) -> AsyncIterator[RunningServer]:
    """A server that waits at most 1 s for a body (plus 1 s per 1,000 bytes that arrive)."""
    timed = settings.model_copy(update={"request_body_timeout": 1.0, "request_body_min_rate": 1000})
    running = RunningServer(timed, Clock(), **connection_limits(timed))
    await running.start()
    yield running
    await running.stop()


async def half_sent(
    server: RunningServer, path: str, token: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Headers promising 100 bytes of JSON, then half of them, then nothing."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n".encode()
        + b'{"text": "'
        + b"x" * 40
    )
    await writer.drain()
    return reader, writer


async def answer_then_close(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, Any]]:
    """The status line and JSON body the server answers, once it has closed the connection."""
    everything = await asyncio.wait_for(reader.read(), 5)  # up to the server's close
    head, _, body = everything.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], orjson.loads(body)


@pytest.mark.parametrize("path", ["/api/v1/sessions", "/api/v1/conversations/1/messages"])
async def test_a_half_sent_body_answers_408_and_others_are_served(
    impatient: RunningServer, path: str
) -> None:
    async with GuanxiClient(impatient.url) as mei:
        await mei.register("mei", PASSWORD, "Mei")
        stalled, writer = await half_sent(impatient, path, mei.token or "")
        await asyncio.sleep(0.2)
        assert (await mei.me())["handle"] == "mei"  # served while the other one waits
        status, body = await answer_then_close(stalled)
        writer.close()
        assert status == b"HTTP/1.1 408 Request Timeout"
        assert body["error"]["code"] == "request_timeout"
        assert (await mei.me())["handle"] == "mei"


async def test_a_trickled_body_is_cut_off(impatient: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", impatient.port)
    writer.write(b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
    sent = 0

    async def trickle() -> None:  # a byte every 0.1 s: 1 s and 1 ms a byte is not enough
        nonlocal sent
        with contextlib.suppress(ConnectionError):
            for _ in range(99):
                writer.write(b" ")
                await writer.drain()
                sent += 1
                await asyncio.sleep(0.1)

    trickling = asyncio.create_task(trickle())
    try:
        answer = await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:  # bytes that arrive after the server closed make it reset
        answer = None  # the connection, which may discard the 408 before it is read
    await trickling
    writer.close()
    assert sent < 99  # the server ended the connection while the body was still trickling
    assert answer is None or answer.startswith(b"HTTP/1.1 408 Request Timeout")


async def test_a_body_that_keeps_coming_has_the_time_it_needs(impatient: RunningServer) -> None:
    """3,000 bytes over 1.5 s: past the first second, but at more than 1,000 bytes a second."""
    async with GuanxiClient(impatient.url) as mei:
        await mei.register("mei", PASSWORD, "Mei")
    login = orjson.dumps({"handle": "mei", "password": PASSWORD, "device": "d" * 10})
    body = login[:-1] + b" " * (3000 - len(login)) + b"}"

    async def slowly() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 300):
            yield body[start : start + 300]
            await asyncio.sleep(0.15)

    async with httpx.AsyncClient(base_url=impatient.url) as http:
        answer = await http.post(
            "/api/v1/sessions",
            content=slowly(),
            headers={"content-type": "application/json", "content-length": str(len(body))},
        )
    assert answer.status_code == 201, answer.text
