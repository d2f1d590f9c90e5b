"""Friend requests with roles, friends, blocks, and the events that tell people about them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from tests.conftest import UserFactory, befriend, status_of


def handles(users: list[dict[str, Any]]) -> list[str]:
    return [u["handle"] for u in users]


async def test_request_carries_greeting_and_role(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei", "王磊")
    sent = await mei.request_friend("lei", "我是林美，高中同学", "classmate")
    assert sent["from"]["handle"] == "mei"
    assert sent["to"]["handle"] == "lei"
    assert sent["greeting"] == "我是林美，高中同学"
    assert sent["role"] == "classmate"
    assert sent["status"] == "pending"
    incoming = (await lei.friend_requests())["incoming"]
    assert [r["id"] for r in incoming] == [sent["id"]]
    assert incoming[0]["greeting"] == "我是林美，高中同学"
    outgoing = (await mei.friend_requests())["outgoing"]
    assert [r["id"] for r in outgoing] == [sent["id"]]
    assert (await mei.friend_requests())["incoming"] == []


async def test_request_with_a_bad_role_or_to_nobody_is_refused(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    await make_user("lei")
    assert await status_of(mei.request_friend("lei", "hi", "boss")) == 422
    assert await status_of(mei.request_friend("nobody", "hi", "classmate")) == 404
    assert await status_of(mei.request_friend("mei", "hi", "classmate")) == 422
    assert (await mei.friend_requests())["outgoing"] == []


async def test_accept_gives_each_side_its_own_role_remark_and_tags(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei", "王磊")
    request = await mei.request_friend("lei", "你好", "family")
    friend = await lei.accept(request["id"], "close_friend", "小美", ["高中", "上海"])
    assert friend["user"]["handle"] == "mei"
    assert (friend["role"], friend["remark"], friend["tags"]) == (
        "close_friend",
        "小美",
        ["高中", "上海"],
    )
    [mei_sees] = await mei.friends()
    assert mei_sees["user"]["handle"] == "lei"
    assert (mei_sees["role"], mei_sees["remark"], mei_sees["tags"]) == ("family", "", [])
    [lei_sees] = await lei.friends()
    assert lei_sees["user"]["handle"] == "mei"
    assert (lei_sees["role"], lei_sees["remark"], lei_sees["tags"]) == (
        "close_friend",
        "小美",
        ["高中", "上海"],
    )
    assert (await mei.friend_requests()) == {"incoming": [], "outgoing": []}
    profile = await mei.profile("lei")
    assert profile["is_friend"] is True
    assert profile["friend"]["role"] == "family"


async def test_only_the_recipient_answers_and_only_once(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    request = await mei.request_friend("lei", "hi", "classmate")
    assert await status_of(mei.accept(request["id"], "classmate")) == 409
    assert await status_of(tao.accept(request["id"], "classmate")) == 404
    assert await status_of(tao.decline(request["id"])) == 404
    assert await mei.friends() == []
    await lei.accept(request["id"], "classmate")
    assert await status_of(lei.accept(request["id"], "classmate")) == 409
    assert await status_of(lei.decline(request["id"])) == 409
    assert len(await lei.friends()) == 1


async def test_roles_are_checked_on_accept(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    request = await mei.request_friend("lei", "hi", "classmate")
    assert await status_of(lei.accept(request["id"], "enemy")) == 422
    assert await lei.friends() == []
    assert len((await lei.friend_requests())["incoming"]) == 1


async def test_every_role_can_be_chosen(make_user: UserFactory) -> None:
    roles = [
        "family",
        "partner",
        "close_friend",
        "classmate",
        "colleague",
        "teacher",
        "student",
        "acquaintance",
    ]
    mei = await make_user("mei")
    for index, role in enumerate(roles):
        other = await make_user(f"user{index}")
        request = await mei.request_friend(f"user{index}", "hi", role)
        await other.accept(request["id"], roles[-1 - index])
    mine = {f["user"]["handle"]: f["role"] for f in await mei.friends()}
    assert mine == {f"user{i}": role for i, role in enumerate(roles)}


async def test_decline_leaves_strangers_who_may_ask_again(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    request = await mei.request_friend("lei", "hi", "colleague")
    await lei.decline(request["id"])
    assert await mei.friends() == []
    assert await lei.friends() == []
    assert (await lei.friend_requests())["incoming"] == []
    again = await mei.request_friend("lei", "hi again", "colleague")
    assert again["status"] == "pending"


async def test_one_pending_request_per_pair(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await mei.request_friend("lei", "hi", "classmate")
    with pytest.raises(ApiError) as caught:
        await mei.request_friend("lei", "hi again", "classmate")
    assert (caught.value.status, caught.value.code) == (409, "already_pending")
    # nor the other way round
    assert await status_of(lei.request_friend("mei", "hi", "classmate")) == 409
    assert len((await lei.friend_requests())["incoming"]) == 1
    assert (await lei.friend_requests())["outgoing"] == []


async def test_friends_cannot_request_again(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    assert await status_of(mei.request_friend("lei", "hi", "classmate")) == 409
    assert await status_of(lei.request_friend("mei", "hi", "classmate")) == 409


@pytest.mark.parametrize("settings", [{"friend_requests_per_day": 2}], indirect=True)
async def test_daily_limit_of_requests(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    for handle in ("lei", "tao", "yun"):
        await make_user(handle)
    await mei.request_friend("lei", "hi", "classmate")
    await mei.request_friend("tao", "hi", "classmate")
    with pytest.raises(ApiError) as caught:
        await mei.request_friend("yun", "hi", "classmate")
    assert (caught.value.status, caught.value.code) == (429, "too_many_requests")
    assert len((await mei.friend_requests())["outgoing"]) == 2


async def test_strangers_cannot_open_a_direct_chat(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    await make_user("lei")
    with pytest.raises(ApiError) as caught:
        await mei.open_direct("lei")
    assert caught.value.status == 403
    assert await mei.conversations() == []
    await mei.request_friend("lei", "hi", "classmate")
    assert await status_of(mei.open_direct("lei")) == 403


async def test_friends_open_one_direct_chat(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    assert chat["kind"] == "direct"
    assert chat["peer"]["handle"] == "lei"
    again = await lei.open_direct("mei")
    assert again["id"] == chat["id"]
    assert again["peer"]["handle"] == "mei"


async def test_removed_friend_cannot_message(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    await mei.send(chat["id"], "before")
    await lei.remove_friend("mei")
    assert await lei.friends() == []
    assert await mei.friends() == []
    assert await status_of(mei.send(chat["id"], "after")) == 403
    assert await status_of(lei.send(chat["id"], "after")) == 403
    texts = [m["text"] for m in (await mei.history(chat["id"]))["messages"]]
    assert texts == ["before"]
    assert await status_of(lei.remove_friend("mei")) == 404
    # they may become friends again
    await befriend(lei, mei)
    await mei.send(chat["id"], "again")


async def test_update_friend_role_remark_tags(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    changed = await mei.update_friend("lei", role="partner", remark="磊磊", tags=["家"])
    assert (changed["role"], changed["remark"], changed["tags"]) == ("partner", "磊磊", ["家"])
    [lei_sees] = await lei.friends()
    assert lei_sees["role"] == "classmate"
    assert await status_of(mei.update_friend("lei", role="boss")) == 422
    await make_user("tao")
    assert await status_of(mei.update_friend("tao", remark="x")) == 404


async def test_blocked_user_cannot_request_message_or_see_profile(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    await mei.block("lei")
    assert handles(await mei.blocked()) == ["lei"]
    # lei, blocked, does not find mei at all
    assert await status_of(lei.profile("mei")) == 404
    assert await status_of(lei.send(chat["id"], "hello?")) == 403
    assert await status_of(lei.request_friend("mei", "please", "classmate")) == 404
    assert await status_of(lei.open_direct("mei")) in (403, 404)
    assert (await mei.friend_requests())["incoming"] == []
    # mei still sees lei's profile, marked blocked
    assert (await mei.profile("lei"))["is_blocked"] is True
    # the blocker cannot message across the block either
    assert await status_of(mei.send(chat["id"], "hi")) == 403
    assert [m["text"] for m in (await mei.history(chat["id"]))["messages"]] == []


async def test_block_cancels_a_pending_request(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    request = await lei.request_friend("mei", "hi", "classmate")
    await mei.block("lei")
    assert (await mei.friend_requests())["incoming"] == []
    assert await status_of(mei.accept(request["id"], "classmate")) == 409
    assert await mei.friends() == []


async def test_unblock_restores(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    await mei.block("lei")
    assert await status_of(lei.send(chat["id"], "blocked")) == 403
    await mei.unblock("lei")
    assert await mei.blocked() == []
    assert (await lei.profile("mei"))["user"]["handle"] == "mei"
    sent = await lei.send(chat["id"], "back")
    assert sent["seq"] == 1
    assert await status_of(mei.unblock("lei")) == 404


async def test_unblocked_stranger_may_request_again(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await mei.block("lei")
    assert await status_of(lei.request_friend("mei", "hi", "classmate")) == 404
    assert await status_of(mei.request_friend("lei", "hi", "classmate")) == 409
    await mei.unblock("lei")
    request = await lei.request_friend("mei", "hi", "classmate")
    await mei.accept(request["id"], "colleague")
    assert handles([f["user"] for f in await mei.friends()]) == ["lei"]


async def test_request_events_reach_both_sides(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    async with mei.events() as mei_stream, lei.events() as lei_stream:
        assert (await mei_stream.next())["type"] == "ready"
        assert (await lei_stream.next())["type"] == "ready"
        request = await mei.request_friend("lei", "你好", "family")
        received = await lei_stream.next_of("friend_request.received")
        assert received["request"]["id"] == request["id"]
        assert received["request"]["greeting"] == "你好"
        assert received["request"]["from"]["display_name"] == "林美"
        await lei.accept(request["id"], "classmate")
        for stream in (mei_stream, lei_stream):
            accepted = await stream.next_of("friend_request.accepted")
            assert accepted["request"]["id"] == request["id"]
            assert accepted["request"]["status"] == "accepted"
    # a refetch shows the same state
    assert handles([f["user"] for f in await mei.friends()]) == ["lei"]


async def test_request_event_is_replayed_to_a_device_that_was_away(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    lei: GuanxiClient = await make_user("lei")
    async with lei.events() as stream:
        cursor = (await stream.next())["cursor"]
    request = await mei.request_friend("lei", "hi", "classmate")
    async with lei.events(cursor) as stream:
        replayed = await stream.next()
        assert replayed["type"] == "friend_request.received"
        assert replayed["request"]["id"] == request["id"]
        assert (await stream.next())["type"] == "ready"


async def test_racing_answers_and_chats_make_one_of_each(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    request = await mei.request_friend("lei", "hi", "classmate")
    answers = await asyncio.gather(
        lei.accept(request["id"], "classmate"),
        lei.accept(request["id"], "family"),
        return_exceptions=True,
    )
    refused = [a for a in answers if isinstance(a, ApiError)]
    assert [a.status for a in refused] == [409]
    assert len(await lei.friends()) == 1
    chats = await asyncio.gather(mei.open_direct("lei"), lei.open_direct("mei"))
    assert chats[0]["id"] == chats[1]["id"]
    assert len(await mei.conversations()) == 1
