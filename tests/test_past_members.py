"""Someone outside a stretch of a group's history sees nothing of it: a past member sees the
group as it was when they left, and no later edit or reaction; a new member reads no quote of
what was said before they joined."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import UserFactory, befriend_all

clock = configured.clock  # time stands still unless a test moves it


@pytest.fixture
async def group(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, GuanxiClient, int]:
    """mei's group "old name" with her friends lei and tao."""
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    created = await mei.create_group("old name", ["lei", "tao"])
    await mei.update_conversation(created["id"], announcement="old announcement")
    return mei, lei, tao, int(created["id"])


def frozen_part(view: dict[str, Any]) -> dict[str, Any]:
    members = sorted((m["user"]["handle"], m["role"]) for m in view["members"])
    keys = ("name", "announcement", "owner", "updated_at", "last_seq", "member_count")
    return {"members": members, **{key: view[key] for key in keys}}


async def test_a_past_member_sees_the_group_as_it_was_when_they_left(
    group: tuple[GuanxiClient, GuanxiClient, GuanxiClient, int],
    make_user: UserFactory,
    clock: FixedClock,
) -> None:
    mei, _lei, tao, gid = group
    await mei.send(gid, "before")
    clock.advance(1)
    await tao.leave(gid)
    at_leaving = frozen_part(await tao.conversation(gid))
    assert at_leaving["name"] == "old name"
    assert at_leaving["members"] == [("lei", "member"), ("mei", "owner")]
    clock.advance(60)
    await befriend_all(mei, await make_user("yun"))
    await mei.update_conversation(gid, name="new name", announcement="new announcement")
    await mei.add_members(gid, ["yun"])
    await mei.set_member_role(gid, "lei", "admin")
    await mei.send(gid, "after")
    clock.advance(60)
    await mei.send(gid, "later still")
    assert frozen_part(await tao.conversation(gid)) == at_leaving
    assert (await mei.conversation(gid))["name"] == "new name"


async def test_edits_and_reactions_after_leaving_do_not_reach_a_past_member(
    group: tuple[GuanxiClient, GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    mei, lei, tao, gid = group
    early = await mei.send(gid, "fixed before")
    await mei.edit(gid, early["seq"], "fixed before!")
    later = await mei.send(gid, "said while tao was here")
    await tao.react(gid, later["seq"], "👍")
    clock.advance(1)
    await tao.leave(gid)
    clock.advance(1)
    await mei.edit(gid, later["seq"], "rewritten after tao left @lei")
    await lei.react(gid, later["seq"], "❤️")
    await lei.react(gid, early["seq"], "🎉")
    seen = {m["seq"]: m for m in (await tao.history(gid))["messages"]}
    assert seen[early["seq"]]["text"] == "fixed before!"  # an edit he saw stays
    assert seen[early["seq"]]["reactions"] == []
    withheld = seen[later["seq"]]
    assert (withheld["text"], withheld["mentions"], withheld["edited"]) == ("", [], True)
    assert withheld["reactions"] == [{"emoji": "👍", "count": 1, "handles": ["tao"]}]
    assert (await tao.search("rewritten"))["messages"] == []
    last = (await tao.conversation(gid))["last_message"]
    assert (last["seq"], last["text"]) == (later["seq"], "")
    # those still in the group see everything
    [current, _] = [m for m in (await lei.history(gid))["messages"] if m["kind"] != "system"]
    assert current["text"] == "rewritten after tao left @lei"
    assert len(current["reactions"]) == 2


async def test_a_new_member_reads_no_quote_from_before_joining(
    group: tuple[GuanxiClient, GuanxiClient, GuanxiClient, int], make_user: UserFactory
) -> None:
    mei, lei, tao, gid = group
    secret = await mei.send(gid, "the old secret")
    yun = await make_user("yun")
    await befriend_all(mei, yun)
    await mei.add_members(gid, ["yun"])
    async with yun.events() as stream:
        assert (await stream.next())["type"] == "ready"
        reply = await lei.send(gid, "about that", reply_to=secret["seq"])
        live = (await stream.next_of("message.created"))["message"]
        assert live["reply_to"]["seq"] == secret["seq"]
        assert live["reply_to"]["text"] == ""
        await lei.edit(gid, reply["seq"], "about that!")
        edited = (await stream.next_of("message.edited"))["message"]
        assert edited["reply_to"]["text"] == ""
    assert reply["reply_to"]["text"] == "the old secret"  # the sender saw it
    [own] = [m for m in (await yun.history(gid))["messages"] if m["kind"] != "system"]
    assert own["reply_to"]["text"] == ""
    [listed] = [c for c in (await yun.conversations()) if c["id"] == gid]
    assert listed["last_message"]["reply_to"]["text"] == ""
    assert (await yun.conversation(gid))["last_message"]["reply_to"]["text"] == ""
    newest = (await tao.history(gid))["messages"][0]
    assert newest["reply_to"]["text"] == "the old secret"  # tao was there


async def test_a_replay_shows_a_past_member_no_later_edit(
    group: tuple[GuanxiClient, GuanxiClient, GuanxiClient, int], clock: FixedClock
) -> None:
    mei, _lei, tao, gid = group
    async with tao.events() as stream:
        assert (await stream.next())["type"] == "ready"
        sent = await mei.send(gid, "while tao was here")
        await stream.next_of("message.created")
        cursor = stream.cursor
        clock.advance(1)
        await tao.leave(gid)
    clock.advance(1)
    await mei.edit(gid, sent["seq"], "rewritten after tao left")
    assert cursor is not None
    async with tao.events(cursor - 1) as replay:
        created = await replay.next_of("message.created")
    assert created["message"]["text"] == ""
    assert created["message"]["edited"] is True
