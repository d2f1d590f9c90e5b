"""An account's life: strong passwords, sessions that expire and can be listed and ended,
changing the password, registration that is open, by invitation or closed, and the operator's
commands (reset a password, disable, enable, make invite codes)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import websockets

from guanxi.client import ApiError, GuanxiClient
from guanxi.clock import FixedClock
from guanxi.settings import Settings
from tests import configured as per_test
from tests.configured import configured
from tests.conftest import PASSWORD, RunningServer, UserFactory, run_guanxi

NEW_PASSWORD = "lantern orchard quietly"

clock = per_test.clock  # a FixedClock; settings changed by @configured


async def refused(call: Any, status: int, code: str) -> None:
    with pytest.raises(ApiError) as caught:
        await call
    assert (caught.value.status, caught.value.code) == (status, code)


async def device(server: RunningServer, name: str, password: str = PASSWORD) -> GuanxiClient:
    client = GuanxiClient(server.url)
    await client.login("mei", password, device=name)
    return client


async def closed_with(stream: Any) -> int | None:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await stream.next()
    return closed.value.rcvd.code if closed.value.rcvd else None


# -- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("handle", "password"),
    [
        ("mei", "password123"),  # a common password
        ("mei", "qwertyuiop"),  # a keyboard walk
        ("meilin88", "MeiLin88"),  # the handle
        ("mei.lin", "mei.lin2024"),  # the handle and a year
        ("mei", "aaaaaaaaaaaa"),  # a repeat
    ],
)
async def test_weak_passwords_are_refused_and_create_nothing(
    server: RunningServer, handle: str, password: str
) -> None:
    async with GuanxiClient(server.url) as client:
        await refused(client.register(handle, password, "Mei"), 422, "weak_password")
        await refused(client.login(handle, password), 401, "bad_credentials")
        await client.register(handle, PASSWORD, "Mei")  # the handle is still free


# -- sessions -----------------------------------------------------------------------------


async def test_sessions_are_listed_and_one_can_be_ended_with_its_socket(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei")
    laptop = await device(server, "laptop")
    listed = await laptop.sessions()
    assert [s["device"] for s in listed] == ["laptop", ""]
    assert [s["current"] for s in listed] == [True, False]
    assert all(s["id"] and s["created_at"] and s["last_used_at"] for s in listed)
    assert listed[0]["address"] == "127.0.0.1"
    phone_session = listed[1]["id"]
    async with phone.events() as pocket:
        assert (await pocket.next())["type"] == "ready"
        await laptop.end_session(phone_session)
        assert await closed_with(pocket) == 4401
    await refused(phone.me(), 401, "unauthorized")
    assert [s["device"] for s in await laptop.sessions()] == ["laptop"]
    await laptop.close()


async def test_someone_elses_session_cannot_be_seen_or_ended(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    (theirs,) = await mei.sessions()
    assert [s["id"] for s in await lei.sessions()] != [theirs["id"]]
    await refused(lei.end_session(theirs["id"]), 404, "not_found")
    await refused(lei.end_session(2**40), 404, "not_found")
    assert (await mei.me())["handle"] == "mei"


@configured(session_idle_days=1)
async def test_a_session_expires_after_a_day_unused_and_each_use_moves_that_on(
    make_user: UserFactory, clock: FixedClock
) -> None:
    mei = await make_user("mei")
    for _ in range(3):
        clock.advance(23 * 3600)
        assert (await mei.me())["handle"] == "mei"  # used within the day: still open
    clock.advance(24 * 3600 + 1)
    await refused(mei.me(), 401, "session_expired")
    await refused(mei.me(), 401, "unauthorized")  # it is gone, not only refused


@configured(sessions_per_user_max=2)
async def test_a_login_past_the_session_cap_ends_the_least_recently_used(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    first = await make_user("mei")
    clock.advance(3600)
    second = await device(server, "second")
    clock.advance(3600)
    assert (await second.me())["handle"] == "mei"
    third = await device(server, "third")
    await refused(first.me(), 401, "unauthorized")
    assert [s["device"] for s in await third.sessions()] == ["third", "second"]
    for client in (second, third):
        await client.close()


# -- changing the password ----------------------------------------------------------------


async def test_changing_the_password_ends_the_other_sessions_and_their_sockets(
    server: RunningServer, make_user: UserFactory
) -> None:
    phone = await make_user("mei")
    laptop = await device(server, "laptop")
    await refused(phone.change_password("not it", NEW_PASSWORD), 403, "wrong_password")
    await refused(phone.change_password(PASSWORD, "password1"), 422, "weak_password")
    await refused(phone.change_password(PASSWORD, PASSWORD), 422, "same_password")
    assert (await laptop.me())["handle"] == "mei"  # nothing changed yet
    async with laptop.events() as desk, phone.events() as pocket:
        assert (await desk.next())["type"] == "ready"
        assert (await pocket.next())["type"] == "ready"
        await phone.change_password(PASSWORD, NEW_PASSWORD)
        assert await closed_with(desk) == 4401
        await pocket.socket.send('{"type": "ping"}')
        assert (await pocket.next())["type"] == "pong"  # this device stays logged in
    await refused(laptop.me(), 401, "unauthorized")
    assert [s["current"] for s in await phone.sessions()] == [True]
    async with GuanxiClient(server.url) as other:
        await refused(other.login("mei", PASSWORD), 401, "bad_credentials")
        await other.login("mei", NEW_PASSWORD)
    await laptop.close()


@configured(login_attempts=2)
async def test_guessing_the_current_password_is_throttled_like_a_login(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    for _ in range(2):
        await refused(mei.change_password("guess", NEW_PASSWORD), 403, "wrong_password")
    await refused(mei.change_password(PASSWORD, NEW_PASSWORD), 429, "too_many_logins")


# -- registration ------------------------------------------------------------------------


@configured(registration="closed")
async def test_closed_registration_answers_403(server: RunningServer) -> None:
    async with GuanxiClient(server.url) as client:
        await refused(client.register("mei", PASSWORD, "Mei"), 403, "closed")


async def guanxi(settings: Settings, *args: str) -> str:
    """Run the `guanxi` command line on the test's database; its standard output."""
    status, out, err = await run_guanxi(settings, *args)
    assert status == 0, err
    return out


@configured(registration="invite")
async def test_invite_registration_needs_a_valid_code_from_the_command_line(
    server: RunningServer, settings: Settings
) -> None:
    code = (await guanxi(settings, "invite", "create", "--uses", "1")).strip()
    async with GuanxiClient(server.url) as mei, GuanxiClient(server.url) as lei:
        await refused(mei.register("mei", PASSWORD, "Mei"), 403, "invite_required")
        await refused(mei.register("mei", PASSWORD, "Mei", invite="nope"), 403, "invalid_invite")
        await mei.register("mei", PASSWORD, "Mei", invite=code)
        await refused(lei.register("lei", PASSWORD, "Lei", invite=code), 403, "invalid_invite")
        await refused(mei.register("mei", PASSWORD, "Mei", invite=code), 403, "invalid_invite")


@configured(registration="invite")
async def test_an_expired_invite_code_is_refused(server: RunningServer, clock: FixedClock) -> None:
    code = await server.services.invites.create(max_uses=5, days=1)
    async with GuanxiClient(server.url) as mei, GuanxiClient(server.url) as lei:
        await mei.register("mei", PASSWORD, "Mei", invite=code)
        clock.advance(24 * 3600)
        await refused(lei.register("lei", PASSWORD, "Lei", invite=code), 403, "invalid_invite")


# -- the operator's commands -------------------------------------------------------------


@configured(session_cache_seconds=0)  # the server trusts a checked token that long
async def test_a_disabled_account_cannot_log_in_and_its_sessions_end(
    server: RunningServer, settings: Settings, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    async with mei.events() as stream:
        assert (await stream.next())["type"] == "ready"
        await guanxi(settings, "user", "disable", "mei")
        await stream.socket.send('{"type": "ping"}')  # another process: seen at the next ping
        assert await closed_with(stream) == 4401
    await refused(mei.me(), 401, "unauthorized")
    async with GuanxiClient(server.url) as again:
        await refused(again.login("mei", PASSWORD), 403, "account_disabled")
        await refused(again.login("mei", "wrong password"), 401, "bad_credentials")
        await guanxi(settings, "user", "enable", "mei")
        await again.login("mei", PASSWORD)
        assert (await again.me())["handle"] == "mei"


async def test_the_operator_resets_a_password_and_every_session_ends(
    server: RunningServer, settings: Settings, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    await guanxi(settings, "user", "reset-password", "mei", "--password", NEW_PASSWORD)
    await refused(mei.me(), 401, "unauthorized")
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        old = await http.post("/sessions", json={"handle": "mei", "password": PASSWORD})
        new = await http.post("/sessions", json={"handle": "mei", "password": NEW_PASSWORD})
    assert (old.status_code, new.status_code) == (401, 201)
