"""Strangers stay out of groups: one adds only one's friends; anyone else, and anyone who left,
gets an invitation to accept or decline."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import UserFactory, befriend, befriend_all, code_of, nothing_more, ready

DAY = 86_400


clock = configured.clock  # time stands still unless a test moves it


async def waiting(client: GuanxiClient) -> list[dict[str, Any]]:
    invitations: list[dict[str, Any]] = (await client.group_invitations())["invitations"]
    return invitations


def handles(users: list[dict[str, Any]]) -> list[str]:
    return [u["handle"] for u in users]


def member_handles(conversation: dict[str, Any]) -> set[str]:
    return {m["user"]["handle"] for m in conversation["members"]}


async def test_a_stranger_is_invited_not_added_and_joins_by_accepting(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend(mei, lei)
    async with tao.events() as tao_stream, lei.events() as lei_stream:
        await ready(tao_stream)
        await ready(lei_stream)
        group = await mei.create_group("周末爬山", ["lei", "tao"])
        assert member_handles(group) == {"mei", "lei"}
        assert handles(group["invited"]) == ["tao"]
        received = await tao_stream.next()
        assert received["type"] == "group_invitation.received"
        invitation = received["invitation"]
        assert invitation["conversation"] == {
            "id": group["id"],
            "name": "周末爬山",
            "member_count": 2,
        }
        assert invitation["inviter"]["handle"] == "mei"
        # not a member yet: the group stays closed to him, and nothing of it reaches him
        assert await code_of(tao.conversation(group["id"])) == (404, "not_found")
        assert await code_of(tao.send(group["id"], "hi")) == (404, "not_found")
        await mei.send(group["id"], "before tao")
        await nothing_more(tao_stream)
        assert [i["id"] for i in await waiting(tao)] == [invitation["id"]]
        joined = await tao.accept_group_invitation(invitation["id"])
        assert member_handles(joined) == {"mei", "lei", "tao"}
        assert (await tao_stream.next_of("group_invitation.accepted"))["invitation_id"] == (
            invitation["id"]
        )
        event = await lei_stream.next_of("member.joined")
        assert (handles(event["members"]), event["by"]) == (["tao"], "mei")
    assert await waiting(tao) == []
    sent = await tao.send(group["id"], "大家好")
    page = (await tao.history(group["id"]))["messages"]
    assert [m["text"] for m in page if m["kind"] != "system"] == [sent["text"]]
    assert [m["system"]["type"] for m in page if m["system"]] == ["joined"]  # tao sees it
    assert await code_of(tao.accept_group_invitation(invitation["id"])) == (409, "not_pending")


async def test_fresh_accounts_cannot_put_anyone_into_a_group(make_user: UserFactory) -> None:
    victim = await make_user("victim")
    for n in range(2):
        spammer = await make_user(f"spammer{n}")
        group = await spammer.create_group("free money", ["victim"])
        assert member_handles(group) == {f"spammer{n}"}
        await spammer.send(group["id"], "click here")
        added = await spammer.add_members(group["id"], ["victim"])
        assert (added["member_count"], handles(added["invited"])) == (1, ["victim"])
    assert await victim.conversations() == []
    assert len(await waiting(victim)) == 2


async def test_declining_is_silent_and_final_for_a_while(
    make_user: UserFactory, clock: FixedClock
) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    group = await mei.create_group("g", ["tao"])
    [invitation] = await waiting(tao)
    async with mei.events() as mei_stream, tao.events() as tao_stream:
        await ready(mei_stream)
        await ready(tao_stream)
        await tao.decline_group_invitation(invitation["id"])
        assert (await tao_stream.next())["type"] == "group_invitation.declined"
        await nothing_more(mei_stream)
        # asking again at once looks the same to mei, but tao hears nothing
        again = await mei.add_members(group["id"], ["tao"])
        assert handles(again["invited"]) == ["tao"]
        await nothing_more(tao_stream)
    assert await waiting(tao) == []
    assert await code_of(tao.accept_group_invitation(invitation["id"])) == (409, "not_pending")
    clock.advance(7 * DAY)
    await mei.add_members(group["id"], ["tao"])
    assert len(await waiting(tao)) == 1


async def test_someone_who_left_is_never_added_back_silently(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    group = await mei.create_group("g", ["lei", "tao"])
    await lei.leave(group["id"])
    await mei.remove_member(group["id"], "tao")
    back = await mei.add_members(group["id"], ["lei", "tao"])
    assert member_handles(back) == {"mei"}
    assert sorted(handles(back["invited"])) == ["lei", "tao"]
    [invitation] = await waiting(lei)
    await lei.accept_group_invitation(invitation["id"])
    assert member_handles(await mei.conversation(group["id"])) == {"mei", "lei"}


async def test_blocks_stop_invitations(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    yun = await make_user("yun")
    await tao.block("mei")
    assert await code_of(mei.create_group("g", ["tao"])) == (404, "not_found")
    await mei.block("yun")
    assert await code_of(mei.create_group("g", ["yun"])) == (403, "blocked")
    assert await mei.conversations() == []
    # a block after the invitation takes it away
    lei = await make_user("lei")
    await lei.create_group("g", ["yun"])
    [invitation] = await waiting(yun)
    await yun.block("lei")
    assert await waiting(yun) == []
    assert await code_of(yun.accept_group_invitation(invitation["id"])) == (404, "not_found")


async def test_invitations_expire(make_user: UserFactory, clock: FixedClock) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    await mei.create_group("g", ["tao"])
    [invitation] = await waiting(tao)
    assert invitation["expires_at"] is not None
    clock.advance(7 * DAY)
    assert await waiting(tao) == []
    assert await code_of(tao.accept_group_invitation(invitation["id"])) == (
        409,
        "invitation_expired",
    )


async def test_an_invitation_ends_with_its_inviters_membership(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend(mei, lei)
    group = await mei.create_group("g", ["lei"])
    await mei.set_member_role(group["id"], "lei", "admin")
    await lei.add_members(group["id"], ["tao"])
    await mei.remove_member(group["id"], "lei")
    [invitation] = await waiting(tao)
    assert await code_of(tao.accept_group_invitation(invitation["id"])) == (
        409,
        "invitation_expired",
    )
    assert member_handles(await mei.conversation(group["id"])) == {"mei"}


async def test_only_the_invitee_answers(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    tao = await make_user("tao")
    await mei.create_group("g", ["tao"])
    [invitation] = await waiting(tao)
    for call in (
        mei.accept_group_invitation(invitation["id"]),
        mei.decline_group_invitation(invitation["id"]),
        tao.accept_group_invitation(10_000),
    ):
        assert await code_of(call) == (404, "not_found")
    assert await mei.group_invitations() == {"invitations": [], "next_cursor": None}


@pytest.mark.parametrize("settings", [{"group_max_members": 3}], indirect=True)
async def test_waiting_invitations_take_places_in_the_group(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await make_user("yun")
    await befriend(mei, lei)
    assert await code_of(mei.create_group("h", ["lei", "tao", "yun"])) == (409, "group_full")
    group = await mei.create_group("g", ["tao", "yun"])
    assert await code_of(mei.add_members(group["id"], ["lei"])) == (409, "group_full")
    [invitation] = await waiting(tao)
    await tao.decline_group_invitation(invitation["id"])
    assert (await mei.add_members(group["id"], ["lei"]))["member_count"] == 2


@pytest.mark.parametrize("settings", [{"group_invitations_per_day": 2}], indirect=True)
async def test_invitations_per_day_are_limited(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    for handle in ("tao", "yun", "hua"):
        await make_user(handle)
    group = await mei.create_group("g", ["tao", "yun"])
    assert await code_of(mei.add_members(group["id"], ["hua"])) == (429, "too_many_invitations")
    assert await code_of(mei.create_group("h", ["hua"])) == (429, "too_many_invitations")
    assert [c["id"] for c in await mei.conversations()] == [group["id"]]


async def test_invitations_are_paged_newest_first(make_user: UserFactory) -> None:
    tao = await make_user("tao")
    owners = [await make_user(h) for h in ("mei", "lei", "yun")]
    groups = [(await o.create_group(f"g{n}", ["tao"]))["id"] for n, o in enumerate(owners)]
    first = await tao.group_invitations(limit=2)
    assert [i["conversation"]["id"] for i in first["invitations"]] == groups[:0:-1]
    second = await tao.group_invitations(cursor=first["next_cursor"], limit=2)
    assert [i["conversation"]["id"] for i in second["invitations"]] == groups[:1]
    assert second["next_cursor"] is None
    assert await code_of(tao.group_invitations(cursor="x")) == (422, "bad_cursor")
    assert await code_of(tao.group_invitations(limit=101)) == (422, "invalid_input")
