"""Deleting one's account: what goes (profile, sessions, friendships, groups, moments, likes,
comments, reactions) and what stays for the others (their copies of chats, from a deleted
account)."""

from __future__ import annotations

import pytest
import websockets

from guanxi.client import ApiError, GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend


async def refused(call: object, status: int, code: str) -> None:
    with pytest.raises(ApiError) as caught:
        await call  # type: ignore[misc]
    assert (caught.value.status, caught.value.code) == (status, code)


async def test_a_deleted_account_leaves_its_chats_to_the_others_and_takes_the_rest(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei, bo = await make_user("mei", "Mei Lin"), await make_user("lei"), await make_user("bob")
    await befriend(mei, lei)
    await befriend(mei, bo)
    await befriend(lei, bo)
    chat = await mei.open_direct("lei")
    said = await mei.send(chat["id"], "see you at the station")
    answer = await lei.send(chat["id"], "on my way")
    await mei.react(chat["id"], answer["seq"], "👍")
    group = await mei.create_group("family", ["lei", "bob"])
    kai = await make_user("kai")  # a stranger invites mei to a group: the invitation goes too
    await kai.create_group("kite club", ["mei"])
    await mei.send(group["id"], "dinner at seven")
    own = await mei.post_moment("my garden")
    await lei.like(own["id"])
    theirs = await lei.post_moment("lei's kite")
    await mei.like(theirs["id"])
    await mei.comment(theirs["id"], "beautiful")
    await lei.comment(theirs["id"], "thanks", reply_to=None)

    await refused(mei.delete_account("not the password"), 403, "wrong_password")
    assert (await mei.me())["handle"] == "mei"  # nothing changed

    async with mei.events() as stream:
        assert (await stream.next())["type"] == "ready"
        await mei.delete_account(PASSWORD)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            for _ in range(10):  # its leaving the group comes first
                assert (await stream.next())["type"] == "member.left"
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    # the others keep their chats, from a deleted account
    messages = (await lei.history(chat["id"]))["messages"]
    sent = next(m for m in messages if m["seq"] == said["seq"])
    assert sent["text"] == "see you at the station"
    gone = sent["sender"]
    assert gone.startswith("deleted.")
    profile = (await lei.profile(gone))["user"]
    assert profile["display_name"] == "Deleted account" and profile["is_deleted"] is True
    assert profile["bio"] == ""
    # no one is behind it to reach: no friend request, no direct chat
    await refused(lei.request_friend(gone, greeting="hi"), 404, "not_found")
    await refused(lei.open_direct(gone), 404, "not_found")
    await refused(lei.create_group("after", [gone]), 404, "not_found")
    reacted = next(m for m in messages if m["seq"] == answer["seq"])
    assert reacted["reactions"] == []
    # friendships, groups, moments, likes and comments are gone
    assert "mei" not in [f["user"]["handle"] for f in await lei.friends()]
    assert gone not in [f["user"]["handle"] for f in await lei.friends()]
    members = [m["user"]["handle"] for m in await bo.members(group["id"])]
    assert sorted(members) == ["bob", "lei"]
    assert "owner" in [m["role"] for m in await bo.members(group["id"])]
    await refused(lei.moment(own["id"]), 404, "not_found")
    assert await kai.conversations()
    kite = await lei.moment(theirs["id"])
    assert kite["likes"] == [] and [c["text"] for c in kite["comments"]] == ["thanks"]
    # the account cannot be used again; its old handle is free, its new one reserved
    await refused(mei.me(), 401, "unauthorized")
    async with GuanxiClient(server.url) as again:
        await refused(again.login("mei", PASSWORD), 401, "bad_credentials")
        await refused(again.login(gone, PASSWORD), 401, "bad_credentials")
        await refused(again.register(gone, PASSWORD, "Impostor"), 422, "invalid_handle")
        await again.register("mei", PASSWORD, "Another Mei")
        assert (await again.profile("lei"))["is_friend"] is False
