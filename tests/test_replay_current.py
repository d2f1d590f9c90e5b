"""A replay shows each object as it is now: recalled, edited-away and deleted text never comes
back through the event stream, whatever cursor a device sends; a cursor the log can no longer
serve gets `resync`; old events are pruned."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import websockets

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import RunningServer, UserFactory, befriend

SECRET = "zebra-cobalt-7731 龘靐齉"


clock = configured.clock  # time stands still unless a test moves it


settings = configured.settings(event_replay_max=40, event_prune_batch=5, event_retention_days=1)


async def replayed(client: GuanxiClient, cursor: int) -> tuple[list[dict[str, Any]], int]:
    """Every frame up to `ready` when reconnecting with `cursor`, and ready's cursor."""
    frames: list[dict[str, Any]] = []
    async with client.events(cursor) as stream:
        while (frame := await stream.next())["type"] != "ready":
            frames.append(frame)
    return frames, frame["cursor"]


def leaks(frames: list[dict[str, Any]], text: str = SECRET) -> bool:
    return text.encode() in orjson.dumps(frames)


async def chat_of_two(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    return mei, lei, int((await mei.open_direct("lei"))["id"])


async def head_of(client: GuanxiClient) -> int:
    async with client.events() as stream:
        frame = await stream.next()
    assert frame["type"] == "ready"
    return int(frame["cursor"])


async def test_a_recalled_message_replays_as_its_tombstone(make_user: UserFactory) -> None:
    mei, lei, chat = await chat_of_two(make_user)
    before = await head_of(lei)
    sent = await mei.send(chat, SECRET)
    await lei.react(chat, sent["seq"], "👍")
    await mei.recall(chat, sent["seq"])
    for cursor in (0, before):
        frames, _ = await replayed(lei, cursor)
        assert not leaks(frames)
        created = [f for f in frames if f["type"] == "message.created"]
        assert [f["message"]["id"] for f in created] == [sent["id"]]
        assert created[0]["message"]["recalled"] is True
        assert created[0]["message"]["text"] == ""
        assert [f["type"] for f in frames if f["type"].startswith(("message", "reaction"))] == [
            "message.created",
            "reaction.added",
            "message.recalled",
        ]


async def test_an_edited_message_replays_only_as_it_is_now(make_user: UserFactory) -> None:
    mei, lei, chat = await chat_of_two(make_user)
    before = await head_of(lei)
    sent = await mei.send(chat, SECRET)
    await mei.edit(chat, sent["seq"], "second thoughts")
    await mei.edit(chat, sent["seq"], "final words")
    for cursor in (0, before):
        frames, _ = await replayed(lei, cursor)
        assert not leaks(frames) and not leaks(frames, "second thoughts")
        texts = [f["message"]["text"] for f in frames if f["type"].startswith("message.")]
        assert texts == ["final words"] * 3  # created, edited, edited: each as it is now


async def test_a_reply_quotes_the_message_as_it_is_now(make_user: UserFactory) -> None:
    mei, lei, chat = await chat_of_two(make_user)
    sent = await mei.send(chat, SECRET)
    await lei.send(chat, "what?", reply_to=sent["seq"])
    await mei.recall(chat, sent["seq"])
    frames, _ = await replayed(lei, 0)
    assert not leaks(frames)
    reply = [f for f in frames if f["type"] == "message.created"][-1]["message"]
    assert reply["reply_to"]["recalled"] is True and reply["reply_to"]["text"] == ""


async def moment_with_comment(
    make_user: UserFactory,
) -> tuple[GuanxiClient, GuanxiClient, int, int]:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    moment = await mei.post_moment("the harbour at dusk")
    comment = await lei.comment(moment["id"], SECRET)
    return mei, lei, int(moment["id"]), int(comment["id"])


async def test_a_deleted_comment_is_not_replayed(make_user: UserFactory) -> None:
    mei, lei, moment, comment = await moment_with_comment(make_user)
    kept = await lei.comment(moment, "lovely")
    await lei.delete_comment(moment, comment)
    frames, _ = await replayed(mei, 0)
    assert not leaks(frames)
    comments = [f["comment"] for f in frames if f["type"] == "moment.commented"]
    assert [c["id"] for c in comments] == [kept["id"]]
    assert [f["comment_id"] for f in frames if f["type"] == "moment.comment_deleted"] == [comment]


async def test_a_deleted_moment_takes_its_comments_out_of_the_replay(
    make_user: UserFactory,
) -> None:
    mei, lei, moment, _ = await moment_with_comment(make_user)
    before = await head_of(mei)
    await lei.comment(moment, SECRET + " again")
    await mei.delete_moment(moment)
    for cursor in (0, before):
        frames, _ = await replayed(mei, cursor)
        assert not leaks(frames)
        assert [f["type"] for f in frames if f["type"].startswith("moment.")] == ["moment.deleted"]


async def test_a_pruned_log_answers_old_cursors_with_resync(
    server: RunningServer, clock: FixedClock, make_user: UserFactory
) -> None:
    mei, lei, chat = await chat_of_two(make_user)
    for n in range(8):
        await mei.send(chat, f"old {n}")
    clock.advance(server.services.settings.event_retention_days * 86_400 + 1)
    kept = await mei.send(chat, "recent")
    assert await server.services.pruner.prune_once() == 5  # one batch at a time
    frames, cursor = await replayed(lei, 0)
    assert [f["type"] for f in frames] == ["resync"]
    assert frames[0]["cursor"] == cursor == await head_of(lei)
    while await server.services.pruner.prune_once():
        pass
    frames, _ = await replayed(lei, 0)
    assert [f["type"] for f in frames] == ["resync"]
    # a cursor at the horizon or later still replays; the newest event is never pruned
    frames, _ = await replayed(lei, cursor - 1)
    assert [f["message"]["id"] for f in frames] == [kept["id"]]


async def test_a_cursor_from_the_future_or_too_far_behind_gets_resync(
    make_user: UserFactory,
) -> None:
    mei, lei, chat = await chat_of_two(make_user)
    head = await head_of(lei)
    frames, cursor = await replayed(lei, head + 1000)
    assert [f["type"] for f in frames] == ["resync"] and cursor == head
    for n in range(45):  # more than event_replay_max (40) behind
        await mei.send(chat, f"message {n}")
    frames, cursor = await replayed(lei, head)
    assert frames[-1] == {"type": "resync", "cursor": cursor}
    assert cursor == await head_of(lei)
    async with lei.events(cursor) as stream:  # live events follow the resync's cursor
        assert (await stream.next())["type"] == "ready"
        sent = await mei.send(chat, "live")
        assert (await stream.next_of("message.created"))["message"]["id"] == sent["id"]


@pytest.mark.parametrize("cursor", [2**63, 2**64 + 5])
async def test_a_cursor_too_large_for_an_event_id_is_a_bad_hello(
    server: RunningServer, make_user: UserFactory, cursor: int
) -> None:
    mei = await make_user("mei")
    url = "ws" + server.url.removeprefix("http") + "/api/v1/events"
    async with websockets.connect(url) as socket:
        await socket.send(f'{{"type": "hello", "token": "{mei.token}", "cursor": {cursor}}}')
        frame = orjson.loads(await socket.recv())
        assert frame["type"] == "error" and frame["code"] == "bad_hello"


async def test_a_binary_hello_is_a_bad_hello(server: RunningServer) -> None:
    url = "ws" + server.url.removeprefix("http") + "/api/v1/events"
    async with websockets.connect(url) as socket:
        await socket.send(b'{"type": "hello", "token": "x"}')
        frame = orjson.loads(await socket.recv())
        assert frame["type"] == "error" and frame["code"] == "bad_hello"
