"""Accounts through the public API: registering, sessions on several devices, profiles."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import websockets

from guanxi.client import ApiError, GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory


async def raw(server: RunningServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        return await http.request(method, path, **kwargs)


async def test_register_answers_201_with_a_token_and_a_chinese_name(server: RunningServer) -> None:
    answer = await raw(
        server,
        "POST",
        "/accounts",
        json={"handle": "mei.lin", "password": PASSWORD, "display_name": "林美"},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["user"]["handle"] == "mei.lin"
    assert body["user"]["display_name"] == "林美"
    assert body["user"]["is_placeholder"] is False
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    async with GuanxiClient(server.url, body["token"]) as mei:
        me = await mei.me()
    assert me["handle"] == "mei.lin"
    assert me["display_name"] == "林美"


async def test_a_taken_handle_answers_409(server: RunningServer, make_user: UserFactory) -> None:
    await make_user("mei")
    async with GuanxiClient(server.url) as other:
        with pytest.raises(ApiError) as caught:
            await other.register("mei", PASSWORD, "Another Mei")
        assert caught.value.status == 409
        assert caught.value.code == "handle_taken"
        # the first account is untouched: its password still works
        await other.login("mei", PASSWORD)
        assert (await other.me())["display_name"] == "Mei"


@pytest.mark.parametrize(
    ("handle", "password", "display_name"),
    [
        ("Mei", PASSWORD, "Mei"),  # capitals
        ("me", PASSWORD, "Mei"),  # too short
        ("a" * 33, PASSWORD, "Mei"),  # too long
        ("mei lin", PASSWORD, "Mei"),  # space
        ("林美", PASSWORD, "Mei"),  # not a-z
        ("mei", "short", "Mei"),  # password under 8 characters
        ("mei", PASSWORD, "   "),  # empty display name
    ],
)
async def test_bad_registrations_answer_422_and_create_nothing(
    server: RunningServer, handle: str, password: str, display_name: str
) -> None:
    body = {"handle": handle, "password": password, "display_name": display_name}
    answer = await raw(server, "POST", "/accounts", json=body)
    assert answer.status_code == 422
    assert set(answer.json()["error"]) == {"code", "message"}
    # nothing was written: logging in with these details fails
    login = await raw(server, "POST", "/sessions", json={"handle": handle, "password": password})
    assert login.status_code in (401, 422)


async def test_two_devices_get_two_tokens_that_both_work(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei", "林美")
    async with GuanxiClient(server.url) as laptop:
        answer = await laptop.login("mei", PASSWORD, device="laptop")
        assert answer["user"]["handle"] == "mei"
        assert laptop.token != phone.token
        assert (await laptop.me())["handle"] == "mei"
        assert (await phone.me())["handle"] == "mei"


async def test_logout_revokes_only_that_token(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei")
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("mei", PASSWORD)
        old_token = laptop.token
        await laptop.logout()
        async with GuanxiClient(server.url, old_token) as revoked:
            with pytest.raises(ApiError) as caught:
                await revoked.me()
            assert caught.value.status == 401
    assert (await phone.me())["handle"] == "mei"


async def test_calls_without_a_token_answer_401(server: RunningServer) -> None:
    answer = await raw(server, "GET", "/me")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    wrong = await raw(server, "GET", "/me", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


async def test_wrong_password_answers_401(server: RunningServer, make_user: UserFactory) -> None:
    await make_user("mei")
    for handle in ("mei", "nobody"):
        answer = await raw(
            server, "POST", "/sessions", json={"handle": handle, "password": "wrong password"}
        )
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "bad_credentials"


async def test_patch_me_changes_display_name_and_bio(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    changed = await mei.update_me(display_name="林美 🌸", bio="住在上海。\nLikes tea.")
    assert changed["display_name"] == "林美 🌸"
    assert changed["bio"] == "住在上海。\nLikes tea."
    only_bio = await mei.update_me(bio="")
    assert only_bio["display_name"] == "林美 🌸"
    assert only_bio["bio"] == ""
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("mei", PASSWORD)
        assert (await laptop.me())["display_name"] == "林美 🌸"


async def test_patch_me_refuses_bad_values(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    for changes in ({"display_name": ""}, {"display_name": "a\nb"}, {"bio": "x" * 501}):
        with pytest.raises(ApiError) as caught:
            await mei.update_me(**changes)
        assert caught.value.status == 422
    me = await mei.me()
    assert me["display_name"] == "林美"
    assert me["bio"] == ""


@pytest.mark.parametrize("settings", [{"login_attempts": 3}], indirect=True)
async def test_repeated_failed_logins_answer_429(
    server: RunningServer, make_user: UserFactory
) -> None:
    await make_user("mei")
    bad = {"handle": "mei", "password": "not the password"}
    statuses = [(await raw(server, "POST", "/sessions", json=bad)).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    refused = await raw(server, "POST", "/sessions", json=bad)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_logins"
    # even the right password waits now
    right = await raw(server, "POST", "/sessions", json={"handle": "mei", "password": PASSWORD})
    assert right.status_code == 429
    # another handle is not held up
    await make_user("lei")
    other = await raw(server, "POST", "/sessions", json={"handle": "lei", "password": PASSWORD})
    assert other.status_code == 201


async def test_user_profile_by_handle(server: RunningServer, make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei", "王磊")
    await lei.update_me(bio="老师")
    profile = await mei.profile("lei")
    assert profile["user"]["handle"] == "lei"
    assert profile["user"]["display_name"] == "王磊"
    assert profile["user"]["bio"] == "老师"
    assert profile["is_friend"] is False
    assert profile["friend"] is None
    assert "password" not in str(profile)
    with pytest.raises(ApiError) as caught:
        await mei.profile("nobody")
    assert caught.value.status == 404
    anonymous = await raw(server, "GET", "/users/lei")
    assert anonymous.status_code == 401


async def test_logout_closes_only_that_devices_event_stream(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei")
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("mei", PASSWORD, device="laptop")
        async with laptop.events() as desk, phone.events() as pocket:
            assert (await desk.next())["type"] == "ready"
            assert (await pocket.next())["type"] == "ready"
            await laptop.logout()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await desk.next()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
            await phone.update_me(bio="still here")  # its own devices hear of it
            assert (await pocket.next())["user"]["bio"] == "still here"
            await pocket.socket.send('{"type": "ping"}')
            assert (await pocket.next())["type"] == "pong"
