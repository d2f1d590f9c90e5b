"""Per-chat mute: each member's own, stored on the server, heard at once by all their devices."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.configured import configured
from tests.conftest import (
    PASSWORD,
    UserFactory,
    befriend,
    befriend_all,
    code_of,
    nothing_more,
    ready,
)


def muted_in_list(conversations: list[dict[str, Any]], conversation_id: int) -> bool:
    [found] = [c for c in conversations if c["id"] == conversation_id]
    return bool(found["muted"])


async def test_a_mute_is_the_members_own_in_a_direct_chat(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    assert (await mei.conversation(chat))["muted"] is False
    answer = await mei.update_conversation(chat, muted=True)
    assert answer["muted"] is True
    assert (await mei.conversation(chat))["muted"] is True
    assert muted_in_list(await mei.conversations(), chat)
    # lei's side of the same chat is not muted, and nothing else of it changed
    assert (await lei.conversation(chat))["muted"] is False
    assert not muted_in_list(await lei.conversations(), chat)
    assert (await mei.update_conversation(chat, muted=False))["muted"] is False
    assert not muted_in_list(await mei.conversations(), chat)


async def test_every_device_hears_of_a_mute_and_nobody_else(
    make_user: UserFactory, server: Any
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    group = (await mei.create_group("家", ["lei"]))["id"]
    laptop = GuanxiClient(server.url)
    await laptop.login("lei", PASSWORD, device="laptop")
    try:
        async with laptop.events() as lei_laptop, mei.events() as mei_stream:
            await ready(lei_laptop)
            await ready(mei_stream)
            await lei.update_conversation(group, muted=True)
            event = await lei_laptop.next()
            assert event["type"] == "conversation.muted"
            assert (event["conversation_id"], event["muted"]) == (group, True)
            # the same setting again changes nothing and says nothing
            await lei.update_conversation(group, muted=True)
            await lei.update_conversation(group, muted=False)
            event = await lei_laptop.next()
            assert (event["type"], event["muted"]) == ("conversation.unmuted", False)
            await nothing_more(lei_laptop)
            await nothing_more(mei_stream)
        assert (await laptop.conversation(group))["muted"] is False
    finally:
        await laptop.close()


async def test_a_device_that_was_away_catches_up_on_the_mute(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    async with mei.events() as stream:
        cursor = await ready(stream)
    await mei.update_conversation(chat, muted=True)
    async with mei.events(cursor) as stream:
        event = await stream.next()
        assert (event["type"], event["conversation_id"]) == ("conversation.muted", chat)
        assert (await stream.next())["type"] == "ready"


async def test_only_members_mute(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    yun = await make_user("yun")
    await befriend(mei, lei)
    group = (await mei.create_group("家", ["lei"]))["id"]
    direct = (await mei.open_direct("lei"))["id"]
    # a stranger learns nothing: the chat does not exist for them
    assert (await code_of(yun.update_conversation(group, muted=True)))[0] == 404
    assert (await code_of(yun.update_conversation(direct, muted=True)))[0] == 404
    assert (await code_of(yun.update_conversation(10**9, muted=True)))[0] == 404
    # someone who left may not change it any more
    await lei.leave(group)
    assert await code_of(lei.update_conversation(group, muted=True)) == (403, "not_member")
    assert (await lei.conversation(group))["muted"] is False


async def test_a_chat_whose_peer_blocked_you_cannot_be_muted(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    await lei.block("mei")
    assert (await code_of(mei.update_conversation(chat, muted=True)))[0] == 404
    # the blocker's own side is theirs to mute
    assert (await lei.update_conversation(chat, muted=True))["muted"] is True


async def test_a_bad_body_changes_nothing(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    group = (await mei.create_group("old", ["lei", "tao"]))["id"]
    path = f"/conversations/{group}"
    for body in ({"muted": "yes"}, {"muted": 1}, {"muted": [True]}, {"muted": True, "x": 1}):
        assert (await code_of(lei.call("PATCH", path, body)))[0] == 422, body
    # a member may mute, but not rename: the whole body is refused, the mute included
    assert await code_of(lei.update_conversation(group, name="lei's", muted=True)) == (
        403,
        "not_admin",
    )
    seen = await lei.conversation(group)
    assert (seen["name"], seen["muted"]) == ("old", False)
    # an owner's body does both in one go
    both = await mei.update_conversation(group, name="新", muted=True)
    assert (both["name"], both["muted"]) == ("新", True)
    assert (await lei.conversation(group))["muted"] is False


async def test_a_muted_chat_still_counts_unread(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    await lei.update_conversation(chat, muted=True)
    await mei.send(chat, "在吗")
    seen = await lei.conversation(chat)
    assert (seen["muted"], seen["unread"]) == (True, 1)


@configured(rate_limit_other_writes="5,1/min")
async def test_muting_again_and_again_is_rate_limited(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    for n in range(5):  # the burst: on, off, on, off, on
        await mei.update_conversation(chat, muted=n % 2 == 0)
    assert (await code_of(mei.update_conversation(chat, muted=False)))[0] == 429
    assert (await mei.conversation(chat))["muted"] is True
