"""Messages: kinds and limits, replies, mentions, edit, recall, reactions, reads, paging."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from guanxi.client import ApiError, EventStream, GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, befriend_all, status_of

clock = configured.clock  # time stands still unless a test moves it
entrance = configured.entrance  # every test against both entrances of a send


@pytest.fixture
async def pair(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """mei and lei, friends, and their direct chat."""
    mei = await make_user("mei", "林美")
    lei = await make_user("lei", "王磊")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    return mei, lei, int(chat["id"])


@pytest.fixture
async def second_device(
    server: RunningServer, pair: tuple[GuanxiClient, GuanxiClient, int]
) -> AsyncIterator[GuanxiClient]:
    """mei (of the pair) logged in once more, on her laptop."""
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("mei", PASSWORD, device="laptop")
        yield laptop


async def seqs(client: GuanxiClient, chat: int, **page: Any) -> tuple[list[int], bool]:
    answer = await client.history(chat, **page)
    return [m["seq"] for m in answer["messages"]], answer["has_more"]


async def test_text_emoji_and_link_kinds(pair: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, lei, chat = pair
    text = await mei.send(chat, "你好，世界！\n第二行")
    emoji = await mei.send(chat, "👍🏽", kind="emoji")
    family = await mei.send(chat, "👨\u200d👩\u200d👧", kind="emoji")
    link = await mei.send(chat, "https://example.com/路径?q=1", kind="link")
    assert [m["kind"] for m in (text, emoji, family, link)] == ["text", "emoji", "emoji", "link"]
    assert [m["seq"] for m in (text, emoji, family, link)] == [1, 2, 3, 4]
    assert text["sender"] == "mei"
    assert text["text"] == "你好，世界！\n第二行"
    assert text["created_at"].endswith("+00:00")
    page = (await lei.history(chat))["messages"]
    assert [m["text"] for m in page] == [
        "https://example.com/路径?q=1",
        "👨\u200d👩\u200d👧",
        "👍🏽",
        "你好，世界！\n第二行",
    ]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("emoji", "hello"),
        ("emoji", "好"),
        ("link", "not a link"),
        ("link", "javascript:alert(1)"),
        ("image", "x"),
        ("text", ""),
        ("text", "   "),
        ("text", "bell\x07"),
    ],
)
async def test_bad_messages_are_refused_and_not_stored(
    pair: tuple[GuanxiClient, GuanxiClient, int], kind: str, text: str
) -> None:
    mei, lei, chat = pair
    assert await status_of(mei.send(chat, text, kind=kind)) == 422
    assert await seqs(lei, chat) == ([], False)
    assert (await mei.send(chat, "ok"))["seq"] == 1


async def test_text_up_to_5000_characters(pair: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, lei, chat = pair
    longest = "字" * 4999 + "😀"
    sent = await mei.send(chat, longest)
    assert sent["text"] == longest
    with pytest.raises(ApiError) as caught:
        await mei.send(chat, "字" * 5001)
    assert caught.value.status == 422
    [stored] = (await lei.history(chat))["messages"]
    assert len(stored["text"]) == 5000
    assert await status_of(mei.edit(chat, 1, "x" * 5001)) == 422
    assert (await lei.history(chat))["messages"][0]["text"] == longest


async def test_reply_quotes_the_earlier_message(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    mei, lei, chat = pair
    question = await mei.send(chat, "晚饭吃什么？")
    answer = await lei.send(chat, "饺子", reply_to=question["seq"])
    assert answer["reply_to"] == {
        "seq": question["seq"],
        "sender": "mei",
        "kind": "text",
        "text": "晚饭吃什么？",
        "recalled": False,
    }
    [stored, _] = (await mei.history(chat))["messages"]
    assert stored["reply_to"]["text"] == "晚饭吃什么？"
    assert await status_of(lei.send(chat, "?", reply_to=99)) == 422
    # a recalled original leaves only its tombstone in the quote
    await mei.recall(chat, question["seq"])
    [stored, _] = (await lei.history(chat))["messages"]
    assert stored["reply_to"]["recalled"] is True
    assert stored["reply_to"]["text"] == ""


async def test_mentions_in_groups(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    await befriend_all(mei, await make_user("lei"), await make_user("tao"))
    await make_user("yun")
    group = await mei.create_group("g", ["lei", "tao"])
    sent = await mei.send(group["id"], "@tao 和 @lei 来吗？@yun @nobody @tao")
    assert sent["mentions"] == ["tao", "lei"]  # members only, in order, once each
    edited = await mei.edit(group["id"], sent["seq"], "只有 @lei 来")
    assert edited["mentions"] == ["lei"]  # an edit mentions anew


async def test_no_mentions_in_direct_chats(pair: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, _, chat = pair
    assert (await mei.send(chat, "@lei hi"))["mentions"] == []


async def test_edit_by_the_sender_only(
    pair: tuple[GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    mei, lei, chat = pair
    sent = await mei.send(chat, "明天见")
    assert sent["edited"] is False
    clock.advance(600)  # well within the edit window (24 hours)
    edited = await mei.edit(chat, sent["seq"], "后天见")
    assert edited["edited"] is True
    assert edited["edited_at"] is not None
    assert edited["text"] == "后天见"
    assert await status_of(lei.edit(chat, sent["seq"], "不见")) == 403
    assert await status_of(mei.edit(chat, sent["seq"], "")) == 422
    assert await status_of(mei.edit(chat, 42, "x")) == 404
    [stored] = (await lei.history(chat))["messages"]
    assert (stored["text"], stored["edited"]) == ("后天见", True)


async def test_recall_within_two_minutes_leaves_a_tombstone(
    pair: tuple[GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    mei, lei, chat = pair
    sent = await mei.send(chat, "说错了 @lei")
    await lei.react(chat, sent["seq"], "😂")
    clock.advance(119)
    assert await status_of(lei.recall(chat, sent["seq"])) == 403
    recalled = await mei.recall(chat, sent["seq"])
    assert recalled["recalled"] is True
    assert recalled["recalled_at"] is not None
    assert recalled["text"] == ""
    assert recalled["reactions"] == []
    for viewer in (mei, lei):
        [stored] = (await viewer.history(chat))["messages"]
        assert (stored["seq"], stored["recalled"], stored["text"]) == (1, True, "")
        assert stored["mentions"] == []
    assert await status_of(mei.edit(chat, sent["seq"], "again")) == 409
    assert await status_of(mei.recall(chat, sent["seq"])) == 409
    assert await status_of(lei.react(chat, sent["seq"], "👍")) == 409
    # the seq stays taken: the next message follows it
    assert (await lei.send(chat, "next"))["seq"] == 2


async def test_recall_after_the_window_is_refused(
    pair: tuple[GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    mei, lei, chat = pair
    sent = await mei.send(chat, "too late")
    clock.advance(121)
    with pytest.raises(ApiError) as caught:
        await mei.recall(chat, sent["seq"])
    assert (caught.value.status, caught.value.code) == (403, "recall_window_passed")
    [stored] = (await lei.history(chat))["messages"]
    assert (stored["text"], stored["recalled"]) == ("too late", False)


async def test_reactions_add_and_remove(pair: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, lei, chat = pair
    sent = await mei.send(chat, "生日快乐")
    await lei.react(chat, sent["seq"], "🎉")
    await mei.react(chat, sent["seq"], "🎉")
    twice = await mei.react(chat, sent["seq"], "🎉")  # the same reaction again changes nothing
    after = await lei.react(chat, sent["seq"], "❤️")
    assert twice["reactions"] == [{"emoji": "🎉", "count": 2, "handles": ["lei", "mei"]}]
    assert {r["emoji"]: r["count"] for r in after["reactions"]} == {"🎉": 2, "❤️": 1}
    removed = await lei.unreact(chat, sent["seq"], "🎉")
    assert {r["emoji"]: r["handles"] for r in removed["reactions"]} == {
        "🎉": ["mei"],
        "❤️": ["lei"],
    }
    [stored] = (await mei.history(chat))["messages"]
    assert stored["reactions"] == removed["reactions"]
    assert await status_of(lei.react(chat, sent["seq"], "ok")) == 422
    assert await status_of(lei.react(chat, 9, "👍")) == 404


async def test_read_markers_and_unread_counts(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    mei, lei, chat = pair
    for text in ("一", "二", "三"):
        await mei.send(chat, text)
    [lei_view] = await lei.conversations()
    assert (lei_view["unread"], lei_view["last_read_seq"]) == (3, 0)
    assert lei_view["last_message"]["text"] == "三"
    [mei_view] = await mei.conversations()
    assert mei_view["unread"] == 0  # one's own messages are not unread
    assert (await lei.mark_read(chat, 2))["seq"] == 2
    [lei_view] = await lei.conversations()
    assert (lei_view["unread"], lei_view["last_read_seq"]) == (1, 2)
    assert (await lei.mark_read(chat, 1))["seq"] == 2  # never moves back
    assert await status_of(lei.mark_read(chat, 4)) == 422
    await lei.mark_read(chat, 3)
    assert (await lei.conversations())[0]["unread"] == 0
    assert (await lei.conversation(chat))["unread"] == 0


async def test_recalled_messages_are_not_unread(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    mei, lei, chat = pair
    sent = await mei.send(chat, "oops")
    await mei.send(chat, "real")
    await mei.recall(chat, sent["seq"])
    assert (await lei.conversations())[0]["unread"] == 1


async def test_chat_list_is_latest_activity_first(
    make_user: UserFactory, clock: FixedClock
) -> None:
    mei = await make_user("mei")
    for handle in ("lei", "tao"):
        await befriend(mei, await make_user(handle))
    with_lei = await mei.open_direct("lei")
    clock.advance(1)
    with_tao = await mei.open_direct("tao")
    assert [c["id"] for c in await mei.conversations()] == [with_tao["id"], with_lei["id"]]
    clock.advance(1)
    await mei.send(with_lei["id"], "latest")
    order = [c["id"] for c in await mei.conversations()]
    assert order[0] == with_lei["id"]
    assert set(order) == {with_lei["id"], with_tao["id"]}


async def test_same_client_id_gives_the_same_message(
    server: RunningServer, pair: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    mei, lei, chat = pair
    first = await mei.send(chat, "只发一次", client_id="phone-1")
    again = await mei.send(chat, "只发一次", client_id="phone-1")
    assert again == first
    body = {"client_id": "phone-1", "kind": "text", "text": "只发一次"}
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        answer = await http.post(
            f"/conversations/{chat}/messages",
            json=body,
            headers={"Authorization": f"Bearer {mei.token}"},
        )
    assert answer.status_code == 200  # not created again
    assert answer.json()["id"] == first["id"]
    # another sender's identical client_id is another message
    other = await lei.send(chat, "我也是", client_id="phone-1")
    assert other["id"] != first["id"]
    assert await seqs(lei, chat) == ([2, 1], False)


async def test_concurrent_retries_store_one_message(
    pair: tuple[GuanxiClient, GuanxiClient, int],
) -> None:
    mei, lei, chat = pair
    answers = await asyncio.gather(
        *(mei.send(chat, "retry", client_id="same-id") for _ in range(10))
    )
    assert {a["id"] for a in answers} == {answers[0]["id"]}
    assert await seqs(lei, chat) == ([1], False)


async def test_history_pages_newest_first(pair: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, lei, chat = pair
    for n in range(1, 8):
        await (mei if n % 2 else lei).send(chat, f"m{n}")
    assert await seqs(lei, chat) == ([7, 6, 5, 4, 3, 2, 1], False)
    assert await seqs(lei, chat, limit=3) == ([7, 6, 5], True)
    assert await seqs(lei, chat, before=5, limit=3) == ([4, 3, 2], True)
    assert await seqs(lei, chat, before=2, limit=3) == ([1], False)
    assert await seqs(lei, chat, after=2, limit=3) == ([5, 4, 3], True)
    assert await seqs(lei, chat, after=5, limit=3) == ([7, 6], False)
    assert await seqs(lei, chat, after=7) == ([], False)
    assert await seqs(lei, chat, after=2, before=5) == ([4, 3], False)
    # walking back page by page sees every message once
    seen: list[int] = []
    before = None
    while True:
        page, more = await seqs(mei, chat, before=before, limit=2)
        seen += page
        if not more:
            break
        before = page[-1]
    assert seen == [7, 6, 5, 4, 3, 2, 1]


async def expect(streams: list[EventStream], type: str) -> list[dict[str, Any]]:
    return [await stream.next_of(type) for stream in streams]


async def test_every_event_reaches_every_device(
    pair: tuple[GuanxiClient, GuanxiClient, int], second_device: GuanxiClient
) -> None:
    mei, lei, chat = pair
    async with AsyncExitStack() as stack:
        streams = [await stack.enter_async_context(c.events()) for c in (mei, second_device, lei)]
        for stream in streams:
            assert (await stream.next())["type"] == "ready"
        sent = await mei.send(chat, "hi")
        for event in await expect(streams, "message.created"):
            assert (event["message"]["id"], event["message"]["text"]) == (sent["id"], "hi")
        await mei.edit(chat, sent["seq"], "hi!")
        for event in await expect(streams, "message.edited"):
            assert (event["message"]["text"], event["message"]["edited"]) == ("hi!", True)
        await lei.react(chat, sent["seq"], "👋")
        for event in await expect(streams, "reaction.added"):
            assert (event["seq"], event["emoji"], event["handle"]) == (1, "👋", "lei")
        await lei.unreact(chat, sent["seq"], "👋")
        for event in await expect(streams, "reaction.removed"):
            assert (event["message_id"], event["seq"], event["emoji"]) == (sent["id"], 1, "👋")
            assert event["handle"] == "lei" and "message" not in event  # only the change
        await lei.mark_read(chat, 1)
        for event in await expect(streams, "conversation.read"):
            assert (event["conversation_id"], event["handle"], event["seq"]) == (chat, "lei", 1)
        await mei.recall(chat, sent["seq"])
        for event in await expect(streams, "message.recalled"):
            assert (event["message"]["recalled"], event["message"]["text"]) == (True, "")
        cursors = [stream.cursor for stream in streams]
        assert len(set(cursors)) == 1


async def test_group_read_marker_goes_to_the_readers_devices_only(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    group = await mei.create_group("g", ["lei"])
    await mei.send(group["id"], "hello")
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("lei", PASSWORD)
        async with lei.events() as phone, laptop.events() as desk, mei.events() as other:
            for stream in (phone, desk, other):
                assert (await stream.next())["type"] == "ready"
            await lei.mark_read(group["id"], 1)
            for event in await expect([phone, desk], "conversation.read"):
                assert (event["conversation_id"], event["seq"]) == (group["id"], 1)
            await mei.send(group["id"], "after")
            assert (await other.next())["type"] == "message.created"
