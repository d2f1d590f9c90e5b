"""Login throttling that cannot be walked around: X-Forwarded-For only from trusted proxies, a
per-account delay from any address, per-address and global limits that spare people who
logged in from that address before; every login logged without its password."""

from __future__ import annotations

import logging

import httpx
import pytest

from guanxi.accounts.login_limiter import LoginLimiter
from guanxi.clock import FixedClock
from guanxi.errors import RateLimited
from guanxi.settings import Settings
from tests import configured as per_test
from tests.configured import configured
from tests.conftest import PASSWORD, REDIS_URL, RunningServer, UserFactory

WRONG = "not the password"
PROXY = {"trusted_proxies": "127.0.0.1"}

clock = per_test.clock  # a FixedClock; settings changed by @configured


async def login(
    server: RunningServer, handle: str, password: str = WRONG, via: str | None = None
) -> httpx.Response:
    """POST /sessions, through a proxy that says the caller is `via` when given."""
    headers = {"X-Forwarded-For": via} if via else {}
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        body = {"handle": handle, "password": password}
        return await http.post("/sessions", json=body, headers=headers)


async def statuses(server: RunningServer, tries: list[tuple[str, str | None]]) -> list[int]:
    return [(await login(server, handle, via=via)).status_code for handle, via in tries]


async def mei_has_logged_in_from(
    address: str, server: RunningServer, make_user: UserFactory
) -> None:
    await make_user("mei")
    assert (await login(server, "mei", PASSWORD, via=address)).status_code == 201


@configured(login_address_failures=3, login_attempts=100)
async def test_x_forwarded_for_is_not_believed_without_a_trusted_proxy(
    server: RunningServer,
) -> None:
    tries = [(f"guess{i}", f"203.0.113.{i}") for i in range(4)]
    # every try comes from 127.0.0.1 whatever the header says: the fourth is one too many
    assert await statuses(server, tries) == [401, 401, 401, 429]


@configured(login_address_failures=3, login_attempts=100, **PROXY)
async def test_a_trusted_proxy_names_the_address(server: RunningServer) -> None:
    tries = [(f"guess{i}", f"203.0.113.{i}") for i in range(4)]
    assert await statuses(server, tries) == [401, 401, 401, 401]
    same = [(f"again{i}", "198.51.100.7") for i in range(4)]
    assert await statuses(server, same) == [401, 401, 401, 429]


@configured(login_attempts=3, **PROXY)
async def test_an_account_waits_longer_after_each_failure_from_any_address(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    await make_user("mei")
    tries = [("mei", f"203.0.113.{i}") for i in range(3)]
    assert await statuses(server, tries) == [401, 401, 401]
    refused = await login(server, "mei", via="198.51.100.1")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_logins"
    assert refused.headers["Retry-After"] == "1"
    assert (await login(server, "mei", PASSWORD, via="198.51.100.1")).status_code == 429
    clock.advance(1)
    assert (await login(server, "mei", via="198.51.100.2")).status_code == 401
    assert (await login(server, "mei", via="198.51.100.3")).headers["Retry-After"] == "2"
    clock.advance(2)
    # a delay, not a lock: once it has passed, the owner gets in, and the count starts over
    assert (await login(server, "mei", PASSWORD, via="198.51.100.9")).status_code == 201
    assert await statuses(server, tries) == [401, 401, 401]


@configured(login_attempts=3, login_max_delay_seconds=5, **PROXY)
async def test_the_account_delay_never_grows_past_its_maximum(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    await make_user("mei")
    for _ in range(10):
        clock.advance(5)
        assert (await login(server, "mei", via="203.0.113.5")).status_code == 401
    assert (await login(server, "mei", via="203.0.113.5")).headers["Retry-After"] == "5"
    clock.advance(5)
    assert (await login(server, "mei", PASSWORD, via="198.51.100.9")).status_code == 201


@configured(login_address_failures=3, login_attempts=100, **PROXY)
async def test_one_guesser_behind_a_shared_address_does_not_lock_out_the_others(
    server: RunningServer, make_user: UserFactory
) -> None:
    school = "198.51.100.20"
    await mei_has_logged_in_from(school, server, make_user)
    tries = [(f"guess{i}", school) for i in range(4)]
    assert await statuses(server, tries) == [401, 401, 401, 429]
    # mei has logged in from the school before: she still can
    assert (await login(server, "mei", PASSWORD, via=school)).status_code == 201
    # a wrong password from her is counted against the address all the same
    assert (await login(server, "mei", via=school)).status_code == 401


@configured(login_global_failures=4, login_address_failures=100, login_attempts=100, **PROXY)
async def test_failures_from_everywhere_together_are_limited(
    server: RunningServer, make_user: UserFactory
) -> None:
    home = "198.51.100.30"
    await mei_has_logged_in_from(home, server, make_user)
    tries = [(f"guess{i}", f"203.0.113.{i}") for i in range(5)]
    assert await statuses(server, tries) == [401, 401, 401, 401, 429]
    assert (await login(server, "mei", PASSWORD, via="203.0.113.99")).status_code == 429
    assert (await login(server, "mei", PASSWORD, via=home)).status_code == 201


@configured(**PROXY)
async def test_logins_are_logged_with_handle_and_address_never_the_password(
    server: RunningServer, make_user: UserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    await make_user("mei")
    caplog.set_level(logging.INFO, logger="guanxi.accounts")
    await login(server, "mei", via="203.0.113.40")
    await login(server, "mei", PASSWORD, via="203.0.113.41")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("guanxi.accounts")]
    assert any("failed" in x and "'mei'" in x and "203.0.113.40" in x for x in lines), lines
    assert any("succeeded" in x and "'mei'" in x and "203.0.113.41" in x for x in lines), lines
    assert not [x for x in caplog.text.splitlines() if WRONG in x or PASSWORD in x]


@pytest.mark.skipif(REDIS_URL is None, reason="several workers count together through Redis")
@configured(login_attempts=3, login_address_failures=4, login_global_failures=8, **PROXY)
async def test_two_servers_on_one_redis_count_failures_together(
    server: RunningServer, make_user: UserFactory, settings: Settings, clock: FixedClock
) -> None:
    await make_user("mei")
    other = RunningServer(settings, clock)
    await other.start()
    try:
        # the account: three failures over two servers use up the free tries on both
        tries = [(server, "203.0.113.1"), (other, "203.0.113.2"), (server, "203.0.113.3")]
        assert [(await login(s, "mei", via=via)).status_code for s, via in tries] == [401] * 3
        assert (await login(other, "mei", PASSWORD, via="198.51.100.1")).status_code == 429
        clock.advance(1)
        assert (await login(other, "mei", PASSWORD, via="198.51.100.1")).status_code == 201
        # the address: four failures, two on each server, then both refuse it
        school = [(f"guess{i}", "198.51.100.20") for i in range(2)]
        assert await statuses(server, school) + await statuses(other, school) == [401] * 4
        assert await statuses(server, [("guess9", "198.51.100.20")]) == [429]
        # everywhere: mei's three and the school's four make seven; the eighth is the last
        assert await statuses(other, [("guess1", "203.0.113.50")]) == [401]
        assert await statuses(server, [("guess2", "203.0.113.51")]) == [429]
    finally:
        await other.stop()


async def test_when_redis_fails_this_process_counts(
    caplog: pytest.LogCaptureFixture, clock: FixedClock, settings: Settings
) -> None:
    dead = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0", "login_attempts": 2})
    limiter = LoginLimiter(clock, dead)
    limiter.start()
    try:
        for _ in range(2):
            await limiter.begin("mei", "203.0.113.1")
            await limiter.failed("mei", "203.0.113.1")
        with pytest.raises(RateLimited):
            await limiter.begin("mei", "203.0.113.2")
    finally:
        await limiter.close()
    assert "login limits are counted per worker" in caplog.text
