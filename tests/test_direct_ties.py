"""A direct chat follows the friendship: a block or an unfriending stops every action that
reaches the other side (send, edit, react, read receipts); edits have a window and a count."""

from __future__ import annotations

import pytest

from guanxi.client import EventStream, GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import UserFactory, befriend, code_of

clock = configured.clock  # time stands still unless a test moves it


@pytest.fixture
async def pair(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """ana and bo, friends, and their direct chat."""
    ana = await make_user("ana")
    bo = await make_user("bob")
    await befriend(ana, bo)
    chat = await ana.open_direct("bob")
    return ana, bo, int(chat["id"])


async def own_marker_next(ana: GuanxiClient, stream: EventStream, chat: int, seq: int) -> None:
    """ana's next event is her own read marker: nothing of bo's reached her before it."""
    await ana.mark_read(chat, seq)
    event = await stream.next()
    assert (event["type"], event["handle"], event["seq"]) == ("conversation.read", "ana", seq)


@pytest.mark.parametrize("cut", ["block", "remove_friend"])
async def test_a_cut_tie_stops_every_action_that_reaches_the_other_side(
    pair: tuple[GuanxiClient, GuanxiClient, int], cut: str
) -> None:
    ana, bo, chat = pair
    mine = await ana.send(chat, "from ana")
    his = await bo.send(chat, "from bo")
    await bo.react(chat, mine["seq"], "👍")
    await getattr(ana, cut)("bob")
    expected = "blocked" if cut == "block" else "not_friends"
    async with ana.events() as stream:
        assert (await stream.next())["type"] == "ready"
        assert await code_of(bo.send(chat, "still here?")) == (403, expected)
        assert await code_of(bo.edit(chat, his["seq"], "edited after the cut")) == (403, expected)
        assert await code_of(bo.react(chat, mine["seq"], "😡")) == (403, expected)
        await bo.mark_read(chat, mine["seq"])  # his own marker moves; no receipt goes out
        await own_marker_next(ana, stream, chat, his["seq"])
        # taking back what one said stays possible: the reaction, a fresh message
        removed = await bo.unreact(chat, mine["seq"], "👍")
        assert removed["reactions"] == []
        assert (await stream.next())["type"] == "reaction.removed"
        recalled = await bo.recall(chat, his["seq"])
        assert recalled["recalled"] is True
        assert (await stream.next())["type"] == "message.recalled"
    # the one who cut the tie is held to the same rule
    assert await code_of(ana.edit(chat, mine["seq"], "x")) == (403, expected)
    assert await code_of(ana.react(chat, mine["seq"], "👍")) == (403, expected)
    [stored_mine, stored_his] = sorted(
        (await ana.history(chat))["messages"], key=lambda m: m["seq"]
    )
    assert (stored_mine["text"], stored_mine["reactions"]) == ("from ana", [])
    assert (stored_his["text"], stored_his["recalled"]) == ("", True)
    if cut == "remove_friend":
        assert (await bo.conversation(chat))["last_read_seq"] == mine["seq"]
    else:  # a chat with someone who blocked you is gone for you (test_blocked_view.py)
        assert await code_of(bo.conversation(chat)) == (404, "not_found")


async def test_no_read_receipts_across_a_block_either_way(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    ana, bo, chat = pair
    await bo.send(chat, "one")
    await ana.send(chat, "two")
    await bo.block("ana")
    async with bo.events() as stream:
        assert (await stream.next())["type"] == "ready"
        await ana.mark_read(chat, 2)  # the blocked side reads: the blocker hears nothing
        await bo.mark_read(chat, 2)
        event = await stream.next()
        assert (event["type"], event["handle"]) == ("conversation.read", "bob")
    async with ana.events(cursor=0) as replay:
        seen = []
        while (event := await replay.next())["type"] != "ready":
            seen.append(event)
        receipts = [e["handle"] for e in seen if e["type"] == "conversation.read"]
        assert receipts == ["ana"]  # her own marker, never the blocker's


async def test_receipts_come_back_with_the_friendship(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    ana, bo, chat = pair
    await ana.send(chat, "one")
    await ana.block("bob")
    await ana.unblock("bob")
    async with ana.events() as stream:
        assert (await stream.next())["type"] == "ready"
        await bo.mark_read(chat, 1)
        event = await stream.next()
        assert (event["type"], event["handle"], event["seq"]) == ("conversation.read", "bob", 1)


async def test_edits_only_within_a_day(
    pair: tuple[GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    ana, bo, chat = pair
    sent = await ana.send(chat, "see you")
    clock.advance(24 * 3600)
    assert (await ana.edit(chat, sent["seq"], "see you!"))["text"] == "see you!"
    clock.advance(1)
    assert await code_of(ana.edit(chat, sent["seq"], "late")) == (403, "edit_window_passed")
    [stored] = (await bo.history(chat))["messages"]
    assert stored["text"] == "see you!"


async def test_a_message_is_edited_at_most_ten_times(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    ana, bo, chat = pair
    sent = await ana.send(chat, "v0")
    for n in range(1, 11):
        await ana.edit(chat, sent["seq"], f"v{n}")
    assert await code_of(ana.edit(chat, sent["seq"], "v11")) == (403, "edit_limit_reached")
    [stored] = (await bo.history(chat))["messages"]
    assert stored["text"] == "v10"
