"""The events WebSocket: hello, replay from a cursor exactly once, live events, devices."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
import websockets

from guanxi.client import EventStream, GuanxiClient
from tests.conftest import (
    PASSWORD,
    RunningServer,
    UserFactory,
    befriend,
    befriend_all,
    nothing_more,
    ready,
)


async def friends_chat(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    await befriend(mei, lei)
    return mei, lei, int((await mei.open_direct("lei"))["id"])


async def messages_until(stream: EventStream, last_seq: int) -> list[dict[str, Any]]:
    """Every frame up to the message.created with this seq."""
    frames: list[dict[str, Any]] = []
    while True:
        frame = await stream.next()
        frames.append(frame)
        if frame["type"] == "message.created" and frame["message"]["seq"] == last_seq:
            return frames


async def test_reconnect_gets_exactly_what_was_missed_then_live(
    make_user: UserFactory,
) -> None:
    mei, lei, chat = await friends_chat(make_user)
    async with lei.events() as stream:
        await ready(stream)
        await mei.send(chat, "seen live")
        seen = await stream.next_of("message.created")
        cursor = stream.cursor
    assert cursor == seen["cursor"]
    for n in range(1, 6):
        await mei.send(chat, f"missed {n}")
    async with lei.events(cursor) as stream:
        missed = [await stream.next() for _ in range(5)]
        assert [m["type"] for m in missed] == ["message.created"] * 5
        assert [m["message"]["seq"] for m in missed] == [2, 3, 4, 5, 6]
        assert [m["message"]["text"] for m in missed] == [f"missed {n}" for n in range(1, 6)]
        cursors = [m["cursor"] for m in missed]
        assert cursors == sorted(cursors) and cursors[0] > cursor
        assert await ready(stream) == cursors[-1]
        await mei.send(chat, "live again")
        live = await stream.next()
        assert (live["type"], live["message"]["seq"]) == ("message.created", 7)
        await nothing_more(stream)


async def test_reconnect_at_the_head_replays_nothing(make_user: UserFactory) -> None:
    mei, lei, chat = await friends_chat(make_user)
    await mei.send(chat, "old")
    async with lei.events() as stream:
        head = await ready(stream)
    async with lei.events(head) as stream:
        assert await ready(stream) == head
        await nothing_more(stream)


async def test_cursor_zero_replays_the_users_whole_story(make_user: UserFactory) -> None:
    mei, lei, chat = await friends_chat(make_user)
    await mei.send(chat, "one")
    async with lei.events(0) as stream:
        types = [(await stream.next())["type"] for _ in range(4)]
        assert types == [
            "friend_request.received",
            "friend_request.accepted",
            "conversation.created",
            "message.created",
        ]
        await ready(stream)


async def test_sends_during_reconnect_arrive_once_in_order(make_user: UserFactory) -> None:
    """Events committed while the replay runs are neither lost nor doubled at the seam."""
    mei, lei, chat = await friends_chat(make_user)
    async with lei.events() as stream:
        cursor = await ready(stream)
    total = 40

    async def send_all() -> None:
        for n in range(1, total + 1):
            await mei.send(chat, str(n))

    sender = asyncio.create_task(send_all())
    await asyncio.sleep(0.05)
    async with lei.events(cursor) as stream:
        frames = await messages_until(stream, total)
    await sender
    created = [f["message"]["seq"] for f in frames if f["type"] == "message.created"]
    assert created == list(range(1, total + 1))
    assert [f["type"] for f in frames].count("ready") == 1
    cursors = [f["cursor"] for f in frames if f["type"] != "ready"]
    assert cursors == sorted(set(cursors))


@pytest.mark.rate_limits_off  # 520 messages at once
async def test_a_long_absence_replays_across_pages(make_user: UserFactory) -> None:
    mei, lei, chat = await friends_chat(make_user)
    async with lei.events() as stream:
        cursor = await ready(stream)
    total = 520  # more than one replay page
    for start in range(0, total, 130):
        await asyncio.gather(*(mei.send(chat, f"m{n}") for n in range(start, start + 130)))
    async with lei.events(cursor) as stream:
        frames = await messages_until(stream, total)
        assert await ready(stream) == frames[-1]["cursor"]
    assert [f["message"]["seq"] for f in frames] == list(range(1, total + 1))


async def test_events_of_other_conversations_never_arrive(make_user: UserFactory) -> None:
    mei, lei, chat = await friends_chat(make_user)
    yun = await make_user("yun")
    group = await mei.create_group("g", ["lei"])
    async with yun.events() as stream:
        await ready(stream)
        await mei.send(chat, "private")
        await lei.send(group["id"], "group only")
        await mei.update_conversation(group["id"], name="renamed")
        await lei.react(chat, 1, "👍")
        await lei.mark_read(chat, 1)
        await nothing_more(stream)
    async with yun.events(0) as stream:  # nor are they replayed
        assert (await stream.next())["type"] == "ready"
        await nothing_more(stream)


async def test_two_devices_of_one_user_both_receive(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei, chat = await friends_chat(make_user)
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("lei", PASSWORD, device="laptop")
        async with lei.events() as phone, laptop.events() as desk:
            await ready(phone)
            await ready(desk)
            sent = await mei.send(chat, "都收到吗")
            for stream in (phone, desk):
                event = await stream.next()
                assert event["type"] == "message.created"
                assert event["message"]["id"] == sent["id"]
            # what one device sends reaches the other device too
            await laptop.send(chat, "收到")
            assert (await phone.next())["message"]["text"] == "收到"
            assert (await desk.next())["message"]["text"] == "收到"


async def test_ping_gets_pong(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    async with mei.events() as stream:
        await ready(stream)
        await stream.socket.send('{"type": "ping"}')
        assert (await stream.next())["type"] == "pong"


def events_url(server: RunningServer) -> str:
    return "ws" + server.url.removeprefix("http") + "/api/v1/events"


@pytest.mark.parametrize(
    "hello",
    [
        "not json",
        "[]",
        '{"type": "hi", "token": "x"}',
        '{"type": "hello"}',
        '{"type": "hello", "token": ""}',
        '{"type": "hello", "token": 5}',
        '{"type": "hello", "token": "TOKEN", "cursor": "5"}',
        '{"type": "hello", "token": "TOKEN", "cursor": -1}',
        '{"type": "hello", "token": "TOKEN", "cursor": true}',
        '{"type": "hello", "token": "TOKEN", "cursor": 1.5}',
    ],
)
async def test_bad_hello_gets_an_error_frame_and_close(
    server: RunningServer, make_user: UserFactory, hello: str
) -> None:
    mei = await make_user("mei")
    assert mei.token is not None
    async with websockets.connect(events_url(server)) as socket:
        await socket.send(hello.replace("TOKEN", mei.token))
        frame = orjson.loads(await asyncio.wait_for(socket.recv(), 5))
        assert frame["type"] == "error"
        assert frame["code"] == "bad_hello"
        assert frame["message"]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


@pytest.mark.parametrize("token", ["wrong", "REVOKED"])
async def test_hello_with_a_bad_token_is_unauthorized(
    server: RunningServer, make_user: UserFactory, token: str
) -> None:
    mei = await make_user("mei")
    if token == "REVOKED":
        token = str(mei.token)
        await mei.logout()
    async with websockets.connect(events_url(server)) as socket:
        await socket.send(orjson.dumps({"type": "hello", "token": token}).decode())
        frame = orjson.loads(await asyncio.wait_for(socket.recv(), 5))
        assert (frame["type"], frame["code"]) == ("error", "unauthorized")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_concurrent_senders_reach_a_reader_in_seq_order(make_user: UserFactory) -> None:
    senders = [await make_user(handle) for handle in ("mei", "lei", "tao")]
    reader = await make_user("yun")
    await befriend_all(senders[0], *senders[1:], reader)
    group = await senders[0].create_group("g", ["lei", "tao", "yun"])
    per_sender = 15
    async with reader.events() as stream:
        await ready(stream)
        sent = await asyncio.gather(
            *(s.send(group["id"], f"{n}") for s in senders for n in range(per_sender))
        )
        lines = 2  # the group's system lines: "created", "added"
        frames = await messages_until(stream, lines + len(sent))
    created = [f["message"]["seq"] for f in frames if f["type"] == "message.created"]
    assert created == list(range(lines + 1, lines + len(sent) + 1))
    assert sorted(m["seq"] for m in sent) == created
    history = await reader.history(group["id"], limit=200)
    assert [m["seq"] for m in history["messages"]] == [*created[::-1], 2, 1]
    assert history["has_more"] is False
