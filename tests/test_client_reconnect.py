"""The Python client's opt-in reconnect (`events(reconnect=True)`): across a restart of a real
`guanxi serve`, the stream resumes from its last cursor — every message once, in order — and
a token refused on reconnecting ends the stream instead of retrying for ever."""

from __future__ import annotations

import pytest
import websockets

from guanxi.client import EventStream, GuanxiClient
from guanxi.settings import Settings
from tests.conftest import PASSWORD, befriend, ready
from tests.serve_process import ServeProcess


async def _texts(stream: EventStream, n: int) -> list[str]:
    return [(await stream.next_of("message.created"))["message"]["text"] for _ in range(n)]


async def test_the_stream_resumes_from_its_cursor_across_a_restart(settings: Settings) -> None:
    server = ServeProcess(settings)
    await server.start()
    try:
        async with GuanxiClient(server.url) as mei, GuanxiClient(server.url) as lei:
            await mei.register("mei", PASSWORD, "Mei")
            await lei.register("lei", PASSWORD, "Lei")
            await befriend(mei, lei)
            chat = await lei.open_direct("mei")
            async with mei.events(reconnect=True) as stream:
                await ready(stream)
                await lei.send(chat["id"], "one")
                assert await _texts(stream, 1) == ["one"]
                await server.stop()
                await server.start()
                await lei.send(chat["id"], "two")  # mei's socket is closed: replayed to her
                assert await _texts(stream, 1) == ["two"]
                assert stream.reconnects == 1
                await lei.send(chat["id"], "three")  # live, on the new socket
                assert await _texts(stream, 1) == ["three"]
                await lei.send(chat["id"], "four")
                assert await _texts(stream, 1) == ["four"]  # nothing came twice before it
    finally:
        await server.stop()


async def test_a_refused_token_ends_the_stream(settings: Settings) -> None:
    server = ServeProcess(settings)
    await server.start()
    try:
        async with GuanxiClient(server.url) as mei:
            await mei.register("mei", PASSWORD, "Mei")
            token = mei.token
            async with mei.events(reconnect=True) as stream:
                await ready(stream)
                await mei.logout()  # the server closes the socket (4401) and refuses the token
                mei.token = token  # the stream reconnects with the token it had
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await stream.next()
                assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    finally:
        await server.stop()
