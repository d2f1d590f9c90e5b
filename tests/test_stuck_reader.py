"""A device that stops reading its events socket (a frozen tab, a phone behind a stalled
network) holds up nobody: its friends' other devices get every message as it is sent, what
waits for it stays bounded, and the server closes its socket once it misses a keep-alive
ping (`socket_ping_seconds`); it would resume by cursor. Over a real socket whose receive
buffer is a few kilobytes, so the server's writes to it really stall."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from collections.abc import AsyncIterator

import orjson
import pytest

from guanxi.cli.connections import connection_limits
from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.settings import Settings
from tests.conftest import PASSWORD, RunningServer, befriend

PING = 1.0  # seconds between keep-alive pings, and the wait for an answer
SENDS = 150
pytestmark = pytest.mark.rate_limits_off  # one sender, 150 messages in a few seconds


@pytest.fixture
async def pinging(settings: Settings) -> AsyncIterator[RunningServer]:
    """A server with `guanxi serve`'s connection options, pinging every socket each second."""
    quick = settings.model_copy(update={"socket_ping_seconds": PING})
    running = RunningServer(quick, Clock(), **connection_limits(quick))
    await running.start()
    yield running
    await running.stop()


def _masked_text(payload: bytes) -> bytes:
    """One client-to-server WebSocket text frame (clients mask what they send)."""
    mask = os.urandom(4)
    size = len(payload)
    head = bytes([0x81]) + (
        bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + struct.pack("!H", size)
    )
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _open_and_stop_reading(port: int, token: str) -> socket.socket:
    """A socket that says hello, waits for `ready`, and then never reads (or answers) again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # before connecting: the window
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    handshake = (
        "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    sock.sendall(handshake.encode())
    seen = b""
    while b"\r\n\r\n" not in seen:
        seen += sock.recv(1)  # byte by byte: nothing past the headers is taken
    assert seen.startswith(b"HTTP/1.1 101"), seen
    sock.sendall(_masked_text(orjson.dumps({"type": "hello", "token": token})))
    while b'"ready"' not in seen:
        seen += sock.recv(256)
    return sock


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server has ended the connection: what is left to read ends in EOF or a reset
    (reading now cannot answer a ping: this side never writes)."""
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return True


async def test_a_device_that_stops_reading_holds_up_nobody_and_is_closed(
    pinging: RunningServer,
) -> None:
    mei = GuanxiClient(pinging.url, timeout=30)
    lei = GuanxiClient(pinging.url, timeout=30)
    await mei.register("mei", PASSWORD, "Mei")
    await lei.register("lei", PASSWORD, "Lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    stuck = await asyncio.to_thread(_open_and_stop_reading, pinging.port, lei.token)
    try:
        async with lei.events() as stream:
            await stream.next_of("ready")
            padding = "字" * 1000  # 3 kB a frame: a few of them fill the stuck socket's buffers
            for n in range(SENDS):
                await mei.send(chat, f"{n} {padding}", client_id=f"c{n}")
                # lei's live device has each one before the next is sent
                got = await stream.next_of("message.created")
                assert got["message"]["text"].split()[0] == str(n)
        assert await asyncio.to_thread(_closed_by_server, stuck, 10 * PING)
    finally:
        stuck.close()
        await mei.close()
        await lei.close()
