"""Group chats: friends join, others are invited; owners and admins, leaving, events."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from guanxi.client import ApiError
from tests.conftest import (
    UserFactory,
    befriend,
    befriend_all,
    nothing_more,
    ready,
    said,
    status_of,
)


def member_roles(conversation: dict[str, Any]) -> dict[str, str]:
    return {m["user"]["handle"]: m["role"] for m in conversation["members"]}


async def test_group_with_someone_who_is_nobodys_friend(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    tao = await make_user("tao", "陶")
    await befriend(mei, lei)
    group = await mei.create_group("周末爬山", ["lei", "tao"])
    assert group["kind"] == "group"
    assert group["name"] == "周末爬山"
    assert group["owner"] == "mei"
    # the friend joins; tao, nobody's friend, is invited and is not in it until he accepts
    assert member_roles(group) == {"mei": "owner", "lei": "member"}
    assert [u["handle"] for u in group["invited"]] == ["tao"]
    assert await tao.conversations() == []
    [invitation] = (await tao.group_invitations())["invitations"]
    await tao.accept_group_invitation(invitation["id"])
    assert member_roles(await tao.conversation(group["id"])) == {
        "mei": "owner",
        "lei": "member",
        "tao": "member",
    }
    # once in, tao can talk
    assert [c["id"] for c in await tao.conversations()] == [group["id"]]
    sent = await tao.send(group["id"], "大家好")
    assert sent["seq"] == 4  # after the lines "created", "added lei" and "tao joined"
    assert said(await lei.history(group["id"])) == ["大家好"]
    # but tao still cannot message mei directly
    assert await status_of(tao.open_direct("mei")) == 403


async def test_group_needs_a_name_and_real_members(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    assert await status_of(mei.create_group("  ", [])) == 422
    assert await status_of(mei.create_group("x", ["nobody"])) == 404
    assert await mei.conversations() == []
    alone = await mei.create_group("notes", [])
    assert member_roles(alone) == {"mei": "owner"}


async def test_outsiders_do_not_see_a_group(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    yun = await make_user("yun")
    group = await mei.create_group("秘密", [])
    for call in (
        yun.conversation(group["id"]),
        yun.history(group["id"]),
        yun.send(group["id"], "hi"),
        yun.update_conversation(group["id"], name="mine"),
        yun.add_members(group["id"], ["yun"]),
        yun.mark_read(group["id"], 0),
    ):
        assert await status_of(call) == 404


async def test_owner_and_admin_rename_and_announce_member_cannot(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    group = await mei.create_group("old", ["lei", "tao"])
    renamed = await mei.update_conversation(group["id"], name="新名字", announcement="周六九点")
    assert (renamed["name"], renamed["announcement"]) == ("新名字", "周六九点")
    assert await status_of(tao.update_conversation(group["id"], name="tao's")) == 403
    await mei.set_member_role(group["id"], "lei", "admin")
    by_admin = await lei.update_conversation(group["id"], announcement="改到周日")
    assert by_admin["announcement"] == "改到周日"
    seen = await tao.conversation(group["id"])
    assert (seen["name"], seen["announcement"]) == ("新名字", "改到周日")
    assert await status_of(tao.set_member_role(group["id"], "tao", "admin")) == 403
    assert await status_of(lei.set_member_role(group["id"], "tao", "admin")) == 403


async def test_add_and_remove_members_by_owner_and_admin(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    yun = await make_user("yun")
    hua = await make_user("hua")
    await befriend_all(mei, lei, tao)
    await befriend_all(lei, yun, hua)
    group = await mei.create_group("g", ["lei"])
    assert await status_of(lei.add_members(group["id"], ["tao"])) == 403
    added = await mei.add_members(group["id"], ["tao"])
    assert set(member_roles(added)) == {"mei", "lei", "tao"}
    await mei.set_member_role(group["id"], "lei", "admin")
    by_admin = await lei.add_members(group["id"], ["yun", "hua"])
    assert set(member_roles(by_admin)) == {"mei", "lei", "tao", "yun", "hua"}
    # adding someone already in changes nothing
    again = await lei.add_members(group["id"], ["yun"])
    assert again["member_count"] == 5
    # an admin removes members, not the owner
    await lei.remove_member(group["id"], "yun")
    assert await status_of(lei.remove_member(group["id"], "mei")) == 403
    # a plain member removes nobody
    assert await status_of(tao.remove_member(group["id"], "hua")) == 403
    await mei.remove_member(group["id"], "hua")
    assert await status_of(mei.remove_member(group["id"], "hua")) == 404
    final = await tao.conversation(group["id"])
    assert member_roles(final) == {"mei": "owner", "lei": "admin", "tao": "member"}


async def test_leave_and_owner_hands_over(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    group = await mei.create_group("g", ["lei", "tao"])
    await tao.leave(group["id"])
    assert await tao.conversations() == []
    await mei.set_member_role(group["id"], "lei", "admin")
    await mei.leave(group["id"])
    after = await lei.conversation(group["id"])
    assert after["owner"] == "lei"
    assert member_roles(after) == {"lei": "owner"}
    assert await status_of(mei.leave(group["id"])) == 403


async def test_a_direct_chat_cannot_be_left_or_managed(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    assert await status_of(mei.leave(chat["id"])) == 403
    assert await status_of(mei.update_conversation(chat["id"], name="us")) == 403
    assert await status_of(mei.add_members(chat["id"], ["mei"])) == 403


@pytest.mark.parametrize("settings", [{"group_max_members": 3}], indirect=True)
async def test_group_size_limit(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    for handle in ("lei", "tao", "yun"):
        await befriend(mei, await make_user(handle))
    with pytest.raises(ApiError) as caught:
        await mei.create_group("big", ["lei", "tao", "yun"])
    assert caught.value.status in (409, 422)
    assert caught.value.code == "group_full"
    assert await mei.conversations() == []
    group = await mei.create_group("full", ["lei", "tao"])
    with pytest.raises(ApiError) as caught:
        await mei.add_members(group["id"], ["yun"])
    assert caught.value.code == "group_full"
    assert (await mei.conversation(group["id"]))["member_count"] == 3
    await mei.remove_member(group["id"], "tao")
    assert (await mei.add_members(group["id"], ["yun"]))["member_count"] == 3
    # a waiting invitation takes a place too: tao, who left, is invited, not added
    await mei.remove_member(group["id"], "yun")
    assert (await mei.add_members(group["id"], ["tao"]))["member_count"] == 2
    with pytest.raises(ApiError) as caught:
        await mei.add_members(group["id"], ["yun"])
    assert caught.value.code == "group_full"


async def test_default_group_limit_is_500(server: Any) -> None:
    assert server.services.settings.group_max_members == 500


async def test_creation_and_membership_events(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    async with lei.events() as lei_stream, tao.events() as tao_stream:
        await ready(lei_stream)
        await ready(tao_stream)
        group = await mei.create_group("g", ["lei"])
        created = await lei_stream.next_of("conversation.created")
        assert created["conversation"]["id"] == group["id"]
        await mei.add_members(group["id"], ["tao"])
        for stream in (lei_stream, tao_stream):
            joined = await stream.next_of("member.joined")
            assert joined["conversation_id"] == group["id"]
            assert [u["handle"] for u in joined["members"]] == ["tao"]
            assert joined["by"] == "mei"
        await mei.update_conversation(group["id"], name="新", announcement="公告")
        for stream in (lei_stream, tao_stream):
            updated = await stream.next_of("conversation.updated")
            assert updated["conversation"]["name"] == "新"
            assert updated["conversation"]["announcement"] == "公告"
        await tao.leave(group["id"])
        for stream in (lei_stream, tao_stream):
            left = await stream.next_of("member.left")
            assert (left["handle"], left["by"]) == ("tao", "tao")
        await mei.remove_member(group["id"], "lei")
        removed = await lei_stream.next_of("member.left")
        assert (removed["handle"], removed["by"]) == ("lei", "mei")
        await nothing_more(tao_stream)


async def test_a_left_member_cannot_send_and_hears_nothing_more(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    await befriend(mei, tao)
    group = await mei.create_group("g", ["tao"])
    await mei.send(group["id"], "before")
    async with tao.events() as stream:
        cursor = await ready(stream)
        await tao.leave(group["id"])
        await stream.next_of("member.left")
        await mei.send(group["id"], "after")
        await mei.update_conversation(group["id"], name="renamed")
        await nothing_more(stream)
    assert await status_of(tao.send(group["id"], "let me back")) == 403
    # history stops where they left; a replay from before leaving stops there too
    assert said(await tao.history(group["id"])) == ["before"]
    async with tao.events(cursor) as stream:
        assert (await stream.next())["type"] == "member.left"
        assert (await stream.next())["type"] == "ready"


async def test_a_new_member_does_not_see_earlier_history(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    yun = await make_user("yun")
    await befriend(mei, yun)
    group = await mei.create_group("g", [])
    first = await mei.send(group["id"], "old secret")
    async with yun.events() as stream:
        cursor = await ready(stream)
        await mei.add_members(group["id"], ["yun"])
        await stream.next_of("member.joined")
        line = await stream.next_of("message.created")  # "mei added yun", which yun sees
        assert line["message"]["system"]["who"] == ["yun"]
        await mei.send(group["id"], "welcome")
        live = await stream.next_of("message.created")
        assert live["message"]["text"] == "welcome"
    page = await yun.history(group["id"])
    assert said(page) == ["welcome"]
    assert [m["kind"] for m in page["messages"]] == ["text", "system"]
    assert page["has_more"] is False
    before = page["messages"][0]["seq"] + 1
    assert (await yun.history(group["id"], before=before))["messages"][0]["text"] == "welcome"
    assert await status_of(yun.react(group["id"], first["seq"], "👍")) == 404
    assert await status_of(yun.send(group["id"], "re", reply_to=first["seq"])) == 422
    [listed] = await yun.conversations()
    assert listed["unread"] == 1
    assert listed["last_message"]["text"] == "welcome"
    # the replay from before joining starts at the joining, not at the old message
    async with yun.events(cursor) as stream:
        frames = [await stream.next() for _ in range(4)]
    kinds = ["member.joined", "message.created", "message.created", "ready"]
    assert [f["type"] for f in frames] == kinds


async def test_rejoining_member_sees_only_the_new_window(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    await befriend(mei, tao)
    group = await mei.create_group("g", ["tao"])
    await mei.send(group["id"], "one")
    await tao.leave(group["id"])
    await mei.send(group["id"], "two")
    await mei.add_members(group["id"], ["tao"])  # someone who left is invited, not added
    [invitation] = (await tao.group_invitations())["invitations"]
    await tao.accept_group_invitation(invitation["id"])
    await mei.send(group["id"], "three")
    assert said(await tao.history(group["id"])) == ["three"]


@pytest.mark.parametrize("settings", [{"group_max_members": 4}], indirect=True)
async def test_concurrent_adds_never_exceed_the_limit(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    handles = [f"user{i}" for i in range(6)]
    for handle in handles:
        await befriend(mei, await make_user(handle))
    group = await mei.create_group("g", [])
    results = await asyncio.gather(
        *(mei.add_members(group["id"], [h]) for h in handles), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, ApiError)]
    assert len(refused) == 3
    assert {r.code for r in refused} == {"group_full"}
    assert (await mei.conversation(group["id"]))["member_count"] == 4


async def test_the_new_owner_is_announced(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    group = await mei.create_group("g", ["lei"])
    async with lei.events() as stream:
        await ready(stream)
        await mei.leave(group["id"])
        await stream.next_of("member.left")
        updated = await stream.next_of("conversation.updated")
    assert updated["conversation"]["owner"] == "lei"


async def test_a_past_member_learns_nothing_of_what_came_after(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    await befriend(mei, tao)
    group = await mei.create_group("g", ["tao"])
    await mei.send(group["id"], "one")
    await mei.send(group["id"], "two")
    await tao.leave(group["id"])
    for n in range(3):
        await mei.send(group["id"], f"after {n}")
    seen = await tao.conversation(group["id"])
    assert seen["last_seq"] == 4  # "created", "added tao", "one", "two"
    assert seen["unread"] == 2
    assert seen["last_message"]["text"] == "two"
