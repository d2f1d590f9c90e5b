"""Rate limits (docs/security.md): each kind of write answers 429 with Retry-After once its
burst is spent, and lets the caller go on once the bucket refills."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from guanxi.clock import FixedClock
from guanxi.ratelimit.memory import MemoryBuckets
from guanxi.ratelimit.rates import KINDS, Rate, setting_name
from guanxi.ratelimit.shared import RedisBuckets
from guanxi.settings import Settings
from guanxi.web.app import create_app
from guanxi.web.rate_limits import LIMITS, READ_LIMITS
from tests import configured
from tests.conftest import (
    PASSWORD,
    RATE_LIMITS_OFF,
    REDIS_URL,
    RunningServer,
    UserFactory,
    befriend,
)
from tests.media_files import image

Act = Callable[[int], Awaitable[Any]]


@dataclass
class World:
    make_user: UserFactory
    url: str
    opened: list[GuanxiClient] = field(default_factory=list)

    def anonymous(self) -> GuanxiClient:
        client = GuanxiClient(self.url)
        self.opened.append(client)
        return client


Setup = Callable[[World], Awaitable[Act]]
TESTED = "2,1/min"  # two at once, then one a minute


clock = configured.clock  # time stands still unless a test moves it


# -- the table -----------------------------------------------------------------------------------


def test_every_write_route_has_a_row(tmp_path: Path) -> None:
    schema = create_app(Settings(data_dir=tmp_path)).openapi()
    writes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() not in {"GET", "HEAD", "OPTIONS"}
    }
    assert writes - set(LIMITS) == set(), "add these routes to web/rate_limits.py"
    assert set(LIMITS) - writes == set(), "web/rate_limits.py names routes that do not exist"


def test_every_kind_has_a_setting_that_parses() -> None:
    defaults = Settings()
    for kind in KINDS:
        rate = Rate.parse(getattr(defaults, setting_name(kind.name)))
        assert rate is not None and rate.burst >= 10, kind.name
    limited = {**LIMITS, **READ_LIMITS}.values()
    assert {kind for kind in limited} == {kind.name for kind in KINDS}


def test_generous_defaults() -> None:
    """Issue 12: a person may create 20 groups in a minute and send a burst of 30 messages."""
    defaults = Settings()
    assert Rate.parse(defaults.rate_limit_conversations) == Rate(20, 1 / 60)
    messages = Rate.parse(defaults.rate_limit_messages)
    assert messages is not None and messages.burst >= 30


@pytest.mark.parametrize("text", ["", "30", "30/s", "0,1/s", "3,0/s", "3,1/week", "x,1/s"])
def test_a_bad_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"rate|positive"):
        Rate.parse(text)


# -- each kind, through the API ------------------------------------------------------------------


async def pair(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """alice and bob, friends, with their direct chat."""
    alice, bob = await make_user("alice"), await make_user("bob")
    await befriend(alice, bob)
    chat = await alice.open_direct("bob")
    return alice, bob, int(chat["id"])


async def registrations(world: World) -> Act:
    stranger = world.anonymous()

    async def act(i: int) -> Any:
        try:
            return await stranger.register(f"newbie{i}", PASSWORD, "Newbie")
        finally:
            stranger.token = None

    return act


async def logins(world: World) -> Act:
    await world.make_user("alice")
    stranger = world.anonymous()
    return lambda i: stranger.login("alice", PASSWORD)


async def messages(world: World) -> Act:
    _, bob, chat = await pair(world.make_user)
    return lambda i: bob.send(chat, f"hello {i}")


async def edits(world: World) -> Act:
    _, bob, chat = await pair(world.make_user)
    seq = (await bob.send(chat, "draft"))["seq"]
    return lambda i: bob.edit(chat, seq, f"draft {i}")


async def recalls(world: World) -> Act:
    _, bob, chat = await pair(world.make_user)
    sent = [(await bob.send(chat, f"oops {i}"))["seq"] for i in range(4)]
    return lambda i: bob.recall(chat, sent[i])


async def toggle(on: Callable[[], Awaitable[Any]], off: Callable[[], Awaitable[Any]]) -> Act:
    """Do, undo, do, …: the state moves only when a call went through."""
    state = {"on": False}

    async def act(i: int) -> Any:
        answer = await (off if state["on"] else on)()
        state["on"] = not state["on"]
        return answer

    return act


async def reactions(world: World) -> Act:
    alice, bob, chat = await pair(world.make_user)
    seq = (await alice.send(chat, "news"))["seq"]
    return await toggle(lambda: bob.react(chat, seq, "👍"), lambda: bob.unreact(chat, seq, "👍"))


async def typing(world: World) -> Act:
    alice, _, chat = await pair(world.make_user)
    return lambda i: alice.typing(chat)


async def read_markers(world: World) -> Act:
    alice, bob, chat = await pair(world.make_user)
    seq = (await alice.send(chat, "news"))["seq"]
    return lambda i: bob.mark_read(chat, seq)


async def conversations(world: World) -> Act:
    _, bob, _ = await pair(world.make_user)
    return lambda i: bob.create_group(f"Group {i}", ["alice"])


async def members(world: World) -> Act:
    _, bob, _ = await pair(world.make_user)
    group = (await bob.create_group("Family", ["alice"]))["id"]
    return await toggle(
        lambda: bob.set_member_role(group, "alice", "admin"),
        lambda: bob.set_member_role(group, "alice", "member"),
    )


async def friend_requests(world: World) -> Act:
    bob = await world.make_user("bob")
    for i in range(4):
        await world.make_user(f"person{i}")
    return lambda i: bob.request_friend(f"person{i}", "hi", "classmate")


async def uploads(world: World) -> Act:
    bob = await world.make_user("bob")
    return lambda i: bob.upload_media(image("PNG", (8 + i, 8)), f"dot{i}.png")


async def moments(world: World) -> Act:
    bob = await world.make_user("bob")
    return lambda i: bob.post_moment(f"sunny {i}")


async def comments(world: World) -> Act:
    alice, bob, _ = await pair(world.make_user)
    moment = (await alice.post_moment("sunny"))["id"]
    return lambda i: bob.comment(moment, f"nice {i}")


async def likes(world: World) -> Act:
    alice, bob, _ = await pair(world.make_user)
    moment = (await alice.post_moment("sunny"))["id"]
    return await toggle(lambda: bob.like(moment), lambda: bob.unlike(moment))


async def other_writes(world: World) -> Act:
    bob = await world.make_user("bob")
    return lambda i: bob.update_me(display_name=f"Bob {i}")


async def ledger(world: World) -> Act:
    bob = await world.make_user("bob")
    return lambda i: bob.assets()


async def insight_reports(world: World) -> Act:
    bob = await world.make_user("bob")
    year = datetime.now(UTC).year
    return lambda i: bob.my_year(year)


SETUPS: dict[str, Setup] = {
    "registrations": registrations,
    "logins": logins,
    "messages": messages,
    "edits": edits,
    "recalls": recalls,
    "reactions": reactions,
    "read_markers": read_markers,
    "typing": typing,
    "conversations": conversations,
    "members": members,
    "friend_requests": friend_requests,
    "uploads": uploads,
    "moments": moments,
    "comments": comments,
    "likes": likes,
    "other_writes": other_writes,
    "ledger": ledger,
    "insight_reports": insight_reports,
}


def test_every_kind_is_tested() -> None:
    assert set(SETUPS) == {kind.name for kind in KINDS}


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Every kind off except the one a test names (`@pytest.mark.parametrize("kind", …)`)."""
    kind = getattr(request, "param", None) or request.node.callspec.params.get("kind")
    update: dict[str, Any] = dict(RATE_LIMITS_OFF)
    if kind is not None:
        update[setting_name(kind)] = TESTED
    return settings.model_copy(update=update)


async def refused(act: Awaitable[Any]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await act
    return caught.value


@pytest.fixture
async def world(make_user: UserFactory, server: RunningServer) -> AsyncIterator[World]:
    world = World(make_user, server.url)
    yield world
    for client in world.opened:
        await client.close()


@pytest.mark.parametrize("kind", list(SETUPS))
async def test_after_the_burst_429_then_a_refill_lets_the_user_go_on(
    kind: str, world: World, clock: FixedClock
) -> None:
    act = await SETUPS[kind](world)
    await act(0)
    await act(1)
    error = await refused(act(2))
    assert (error.status, error.code, error.retry_after) == (429, "rate_limited", 60)
    clock.advance(59)
    assert (await refused(act(2))).retry_after == 1
    clock.advance(1)
    await act(2)
    assert (await refused(act(3))).retry_after == 60


@pytest.mark.parametrize("kind", ["messages"])
async def test_the_budget_is_the_users_not_the_sessions(
    kind: str, make_user: UserFactory, server: RunningServer
) -> None:
    _, bob, chat = await pair(make_user)
    phone = GuanxiClient(server.url)
    await phone.login("bob", PASSWORD)
    try:
        await bob.send(chat, "one")
        await phone.send(chat, "two")
        assert (await refused(phone.send(chat, "three"))).status == 429
        assert (await refused(bob.send(chat, "four"))).status == 429
    finally:
        await phone.close()


@pytest.mark.parametrize("kind", ["messages"])
async def test_a_refused_send_changes_nothing(
    kind: str, make_user: UserFactory, server: RunningServer
) -> None:
    alice, bob, chat = await pair(make_user)
    await bob.send(chat, "one")
    await bob.send(chat, "two")
    await refused(bob.send(chat, "three"))
    texts = [m["text"] for m in (await alice.history(chat))["messages"]]
    assert "three" not in texts and "two" in texts


@pytest.mark.skipif(REDIS_URL is None, reason="buckets are shared through Redis")
@pytest.mark.parametrize("kind", ["messages"])
async def test_two_servers_on_one_redis_share_a_users_budget(
    kind: str, make_user: UserFactory, server: RunningServer, settings: Settings, clock: FixedClock
) -> None:
    _, bob, chat = await pair(make_user)
    other = RunningServer(settings, clock)
    await other.start()
    bob_there = GuanxiClient(other.url, token=bob.token)
    try:
        await bob.send(chat, "one")
        await bob_there.send(chat, "two")
        assert (await refused(bob.send(chat, "three"))).status == 429
        assert (await refused(bob_there.send(chat, "three"))).status == 429
        clock.advance(60)
        await bob_there.send(chat, "three")
    finally:
        await bob_there.close()
        await other.stop()


# -- the buckets themselves ----------------------------------------------------------------------


def test_memory_buckets_stay_bounded_dropping_full_ones_first() -> None:
    clock = FixedClock(1_000_000)
    buckets = MemoryBuckets({"likes": Rate(2, 1.0)}, clock, max_keys=100)
    for user in range(1000):
        buckets.wait_ms("likes", f"user{user}")
        assert len(buckets) <= 100
    clock.advance(10)  # every bucket so far is full again
    buckets.wait_ms("likes", "busy")
    assert buckets.wait_ms("likes", "busy") == 0
    for user in range(40):
        buckets.wait_ms("likes", f"later{user}")
    assert len(buckets) == 41  # the full buckets went; busy and the later ones stay
    assert buckets.wait_ms("likes", "busy") == 1000  # still owed: kept, not reset to full


@pytest.mark.skipif(REDIS_URL is None, reason="the buckets in Redis run with GUANXI_TEST_REDIS_URL")
@pytest.mark.parametrize("rate", [Rate(1, 1 / 3600), Rate(3, 1 / 86_400), Rate(5, 2.0)])
async def test_redis_buckets_name_the_same_wait_as_memory_buckets(rate: Rate) -> None:
    """Every worker tells a refused caller the same wait: an hour is 3,600 s, not 3,601 (1 over
    a token's rate per millisecond is 3,600,000.0000000005 in floating point)."""
    assert REDIS_URL is not None
    clock = FixedClock(1_000_000)
    memory = MemoryBuckets({"likes": rate}, clock, max_keys=10)
    shared = RedisBuckets({"likes": rate}, clock, REDIS_URL, f"test:{uuid.uuid4().hex}")
    try:
        waits: list[tuple[int, int]] = []
        for step in (0, 0, 0, 0, 0, 0, 0.25, 0, 1, 0, 7):
            clock.advance(step)
            waits.append((memory.wait_ms("likes", "u"), await shared.wait_ms("likes", "u")))
    finally:
        await shared.close()
    assert [m for m, _ in waits] == [r for _, r in waits]
    assert any(m > 0 for m, _ in waits)


async def test_a_failing_redis_lets_writes_through(caplog: pytest.LogCaptureFixture) -> None:
    clock = FixedClock(1_000_000)
    dead = RedisBuckets({"likes": Rate(1, 1.0)}, clock, "redis://127.0.0.1:1/0", "test")
    try:
        assert [await dead.wait_ms("likes", "1") for _ in range(3)] == [0, 0, 0]
    finally:
        await dead.close()
    assert "rate limits are not applied" in caplog.text


def test_security_doc_lists_every_kind_with_its_default() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
    defaults = Settings()
    for kind in KINDS:
        name = setting_name(kind.name)
        row = f"`GUANXI_{name.upper()}` | `{getattr(defaults, name)}` |"
        assert row in text, f"docs/security.md: the rate-limit table needs {row}"
