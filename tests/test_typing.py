"""Typing in a direct chat: a live-only frame to the other member, never stored or replayed,
and only where a message could go (friends, no block either way, not in a group)."""

from __future__ import annotations

from typing import Any

from guanxi.client import EventStream, GuanxiClient
from tests.conftest import UserFactory, befriend, befriend_all, code_of
from tests.test_events import ready


async def friends_in_a_chat(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    ana, bob = await make_user("ana"), await make_user("bob")
    await befriend(ana, bob)
    return ana, bob, int((await ana.open_direct("bob"))["id"])


async def frames_until(stream: EventStream, type: str) -> list[dict[str, Any]]:
    """Every frame up to and including the next one of `type`."""
    seen = [await stream.next()]
    while seen[-1]["type"] != type:
        seen.append(await stream.next())
    return seen


async def test_the_other_member_sees_typing_live_and_it_is_never_replayed(
    make_user: UserFactory,
) -> None:
    ana, bob, chat = await friends_in_a_chat(make_user)
    first = await ana.send(chat, "hi")
    async with bob.events() as stream:
        start = await ready(stream)
        await ana.typing(chat)
        typing = await stream.next_of("typing.started")
        assert typing == {"type": "typing.started", "conversation_id": chat, "handle": "ana"}
        await ana.send(chat, "there")
        created = await stream.next_of("message.created")
    assert created["cursor"] > start  # the typing frame moved no cursor
    async with bob.events(cursor=start) as replay:  # a reconnect replays the message only
        frames = await frames_until(replay, "ready")
    assert [f["type"] for f in frames] == ["message.created", "ready"]
    assert frames[0]["message"]["seq"] == first["seq"] + 1


async def test_typing_is_refused_where_a_message_could_not_go(make_user: UserFactory) -> None:
    ana, bob, chat = await friends_in_a_chat(make_user)
    cai = await make_user("cai")
    await befriend_all(ana, cai)
    group = int((await ana.create_group("g", ["bob", "cai"]))["id"])
    async with bob.events() as stream:
        await ready(stream)
        assert await code_of(ana.typing(group)) == (403, "not_direct")
        assert await code_of(cai.typing(chat)) == (404, "not_found")  # not in the chat
        assert await code_of(ana.typing(999_999)) == (404, "not_found")
        await ana.block("bob")
        assert await code_of(ana.typing(chat)) == (403, "blocked")  # the blocker
        assert await code_of(bob.typing(chat)) == (404, "not_found")  # the one blocked
        await ana.unblock("bob")
        await bob.block("ana")
        assert await code_of(ana.typing(chat)) == (404, "not_found")
        await bob.unblock("ana")
        await ana.remove_friend("bob")
        assert await code_of(ana.typing(chat)) == (403, "not_friends")
        assert await code_of(bob.typing(chat)) == (403, "not_friends")
        await befriend(ana, bob)
        await ana.send(chat, "back")  # bob heard no typing before the message
        frames = await frames_until(stream, "message.created")
    assert "typing.started" not in [f["type"] for f in frames]
