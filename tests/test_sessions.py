"""Logging out ends that device's session everywhere: its token and its open socket."""

from __future__ import annotations

import pytest
import websockets

from guanxi.client import ApiError, GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory


async def test_logout_closes_only_that_devices_socket(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei")
    laptop = GuanxiClient(server.url)
    await laptop.login("mei", PASSWORD, device="laptop")
    async with phone.events() as phone_stream, laptop.events() as laptop_stream:
        assert (await phone_stream.next())["type"] == "ready"
        assert (await laptop_stream.next())["type"] == "ready"
        revoked = phone.token
        await phone.logout()
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await phone_stream.next()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        await laptop.update_me(bio="still here")  # open: it hears of its own change
        assert (await laptop_stream.next())["user"]["bio"] == "still here"
        await laptop_stream.socket.send('{"type": "ping"}')
        assert (await laptop_stream.next())["type"] == "pong"
    with pytest.raises(ApiError) as refused:
        phone.token = revoked
        await phone.me()
    assert refused.value.status == 401
    assert (await laptop.me())["bio"] == "still here"
    await laptop.close()
