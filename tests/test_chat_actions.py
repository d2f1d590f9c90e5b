"""Groups and message actions (issue 13): a group's system lines in its history, each
member's own pin, archive and delete-for-me of a chat, deleting messages for oneself and
forwarding them — through the public API, with what a stranger, a blocked user or a former
member may do."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests import media_files
from tests.configured import configured
from tests.conftest import (
    RunningServer,
    UserFactory,
    another_device,
    befriend,
    befriend_all,
    code_of,
    nothing_more,
    ready,
    said,
    status_of,
)


def lines(page: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The system lines of a history page, oldest first: (type, by, who)."""
    found = [m["system"] for m in reversed(page["messages"]) if m["kind"] == "system"]
    return [(s["type"], s["by"], s["who"]) for s in found]


async def replayed_texts(client: GuanxiClient) -> list[str]:
    """The texts of the messages a replay from the start names, in order."""
    texts = []
    async with client.events(cursor=0) as replay:
        while (frame := await replay.next())["type"] != "ready":
            if frame["type"] == "message.created":
                texts.append(frame["message"]["text"])
    return texts


def listed(conversations: list[dict[str, Any]]) -> list[int]:
    return [c["id"] for c in conversations]


# -- system lines ---------------------------------------------------------------------------


async def test_a_groups_history_keeps_its_system_lines(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    gid = (await mei.create_group("爬山", ["lei"]))["id"]
    await mei.update_conversation(gid, name="周末爬山", announcement="周六八点")
    await mei.add_members(gid, ["tao"])
    await mei.set_member_role(gid, "lei", "admin")
    await mei.set_member_role(gid, "lei", "admin")  # no change, no line
    await lei.remove_member(gid, "tao")
    await mei.update_conversation(gid, announcement="")
    page = await mei.history(gid)
    assert lines(page) == [
        ("created", "mei", []),
        ("added", "mei", ["lei"]),
        ("renamed", "mei", []),
        ("announcement", "mei", []),
        ("added", "mei", ["tao"]),
        ("admin", "mei", ["lei"]),
        ("removed", "lei", ["tao"]),
        ("announcement", "mei", []),
    ]
    system = [m for m in page["messages"] if m["kind"] == "system"]
    assert {m["sender"] for m in system} == {""}
    assert system[0]["system"]["on"] is False  # the announcement taken away
    assert [m["system"]["name"] for m in system if m["system"]["type"] == "renamed"] == ["周末爬山"]
    assert system[-1]["text"] == 'mei created the group "爬山"'  # English for other clients
    # a system line is nobody's unread message and takes no reaction or forward
    assert (await lei.conversation(gid))["unread"] == 0
    assert await code_of(lei.react(gid, system[0]["seq"], "👍")) == (409, "system_entry")
    assert await code_of(lei.forward(gid, [system[0]["seq"]], [gid])) == (409, "system_entry")


async def test_each_member_sees_the_lines_of_their_own_time_only(make_user: UserFactory) -> None:
    mei, lei, yun = await make_user("mei"), await make_user("lei"), await make_user("yun")
    await befriend_all(mei, lei, yun)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    await mei.update_conversation(gid, name="before yun")
    async with yun.events() as stream:
        await ready(stream)
        await mei.add_members(gid, ["yun"])
        await stream.next_of("member.joined")
        live = (await stream.next_of("message.created"))["message"]
        assert (live["kind"], live["system"]["type"], live["system"]["who"]) == (
            "system",
            "added",
            ["yun"],
        )
    # yun, joining later, sees that she was added and nothing from before
    assert lines(await yun.history(gid)) == [("added", "mei", ["yun"])]
    await lei.leave(gid)
    await mei.update_conversation(gid, name="after lei")
    # lei, gone, sees up to his leaving (not even the line about it)
    seen_by_lei = lines(await lei.history(gid))
    assert seen_by_lei[-1] == ("added", "mei", ["yun"])
    assert ("left", "lei", ["lei"]) in lines(await mei.history(gid))
    assert lines(await yun.history(gid))[-2:] == [("left", "lei", ["lei"]), ("renamed", "mei", [])]


async def test_accepting_an_invitation_leaves_a_joined_line(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend(mei, lei)
    gid = (await mei.create_group("g", ["lei", "tao"]))["id"]  # tao, a stranger, is invited
    [invitation] = (await tao.group_invitations())["invitations"]
    await tao.accept_group_invitation(invitation["id"])
    assert lines(await lei.history(gid))[-1] == ("joined", "mei", ["tao"])


# -- a member's own state of a chat ----------------------------------------------------------


async def test_pins_come_first_and_archives_are_marked_for_that_member_only(
    make_user: UserFactory,
) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    older = (await mei.create_group("older", ["lei"]))["id"]
    newer = (await mei.create_group("newer", ["lei"]))["id"]
    chat = (await mei.open_direct("tao"))["id"]
    await mei.send(chat, "hi")
    assert listed(await mei.conversations()) == [chat, newer, older]
    pinned = await mei.update_conversation(older, pinned=True)
    assert pinned["pinned"] is True and pinned["archived"] is False
    assert listed(await mei.conversations()) == [older, chat, newer]
    # paging keeps the order across pages
    first = await mei.conversations_page(limit=1)
    second = await mei.conversations_page(cursor=first["next_cursor"], limit=2)
    assert listed(first["conversations"] + second["conversations"]) == [older, chat, newer]
    await mei.update_conversation(newer, archived=True)
    [archived] = [c for c in await mei.conversations() if c["archived"]]
    assert archived["id"] == newer
    # lei's list is his own
    theirs = await lei.conversations()
    assert listed(theirs) == [newer, older]
    assert not any(c["pinned"] or c["archived"] for c in theirs)
    assert (await lei.conversation(older))["pinned"] is False
    assert await code_of(mei.update_conversation(older, pinned="yes")) == (422, "invalid_input")


async def test_a_pin_reaches_every_device_of_the_member_and_nobody_else(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    async with another_device(server, "lei") as laptop:
        async with laptop.events() as lei_laptop, mei.events() as mei_stream:
            await ready(lei_laptop)
            await ready(mei_stream)
            await lei.update_conversation(gid, pinned=True, archived=True)
            first, second = await lei_laptop.next(), await lei_laptop.next()
            assert (first["type"], first["pinned"]) == ("conversation.pinned", True)
            assert (second["type"], second["archived"]) == ("conversation.archived", True)
            await nothing_more(mei_stream)
        assert (await laptop.conversation(gid))["pinned"] is True


async def test_deleting_a_chat_for_me_hides_it_until_something_new(
    make_user: UserFactory,
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    await mei.send(chat, "old one")
    await lei.send(chat, "old two")
    await mei.update_conversation(chat, pinned=True)
    async with mei.events() as stream:
        await ready(stream)
        await mei.delete_for_me(chat)
        event = await stream.next_of("conversation.cleared")
        assert event["seq"] == 2
    assert listed(await mei.conversations()) == []
    assert said(await mei.history(chat)) == []
    seen = await mei.conversation(chat)
    assert (seen["last_message"], seen["unread"], seen["pinned"]) == (None, 0, False)
    # lei keeps everything
    assert said(await lei.history(chat)) == ["old two", "old one"]
    assert listed(await lei.conversations()) == [chat]
    # the old messages cannot be reached one by one either
    assert await status_of(mei.react(chat, 1, "👍")) == 404
    assert await status_of(mei.hide(chat, [1])) == 404
    await lei.send(chat, "new")
    [back] = await mei.conversations()
    assert (back["id"], back["unread"], back["last_message"]["text"]) == (chat, 1, "new")
    assert said(await mei.history(chat)) == ["new"]
    # a replay from the start no longer names the old messages
    assert await replayed_texts(mei) == ["new"]


async def test_a_group_deleted_for_me_keeps_me_in_it(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    await mei.send(gid, "secret plan")
    await lei.delete_for_me(gid)
    assert listed(await lei.conversations()) == []
    assert (await mei.conversation(gid))["member_count"] == 2
    assert (await lei.search("secret"))["messages"] == []
    await mei.send(gid, "next")
    assert said(await lei.history(gid)) == ["next"]


async def test_a_former_member_or_stranger_cannot_touch_a_chats_state(
    make_user: UserFactory,
) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend(mei, lei)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    await lei.leave(gid)
    assert await code_of(lei.update_conversation(gid, pinned=True)) == (403, "not_member")
    assert await code_of(lei.delete_for_me(gid)) == (403, "not_member")
    assert await status_of(tao.update_conversation(gid, archived=True)) == 404
    assert await status_of(tao.delete_for_me(gid)) == 404


# -- delete messages for me ------------------------------------------------------------------


async def test_a_message_deleted_for_me_is_gone_on_my_devices_only(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    one = await lei.send(chat, "秘密 one")
    two = await lei.send(chat, "two")
    async with another_device(server, "mei") as laptop:
        async with laptop.events() as mei_laptop, lei.events() as lei_stream:
            await ready(mei_laptop)
            await ready(lei_stream)
            assert await mei.hide(chat, [one["seq"], one["seq"]]) == [one["seq"]]
            event = await mei_laptop.next()
            assert (event["type"], event["seqs"]) == ("message.hidden", [one["seq"]])
            assert await mei.hide(chat, [one["seq"]]) == []  # again: nothing new, no event
            await nothing_more(mei_laptop)
            await nothing_more(lei_stream)
        assert said(await laptop.history(chat)) == ["two"]
    assert said(await lei.history(chat)) == ["two", "秘密 one"]
    assert (await mei.search("秘密"))["messages"] == []
    assert len((await lei.search("秘密"))["messages"]) == 1
    assert await replayed_texts(mei) == [two["text"]]


async def test_deleting_what_one_cannot_see_is_refused_whole(make_user: UserFactory) -> None:
    mei, lei, yun = await make_user("mei"), await make_user("lei"), await make_user("yun")
    await befriend_all(mei, lei, yun)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    before = await mei.send(gid, "before yun")
    await mei.add_members(gid, ["yun"])
    after = await mei.send(gid, "after")
    # yun never saw `before`: the whole call is refused and nothing is hidden
    assert await status_of(yun.hide(gid, [after["seq"], before["seq"]])) == 404
    assert await status_of(yun.hide(gid, [after["seq"] + 50])) == 404
    assert said(await yun.history(gid)) == ["after"]
    stranger = await make_user("tao")
    assert await status_of(stranger.hide(gid, [after["seq"]])) == 404
    assert await code_of(yun.hide(gid, [])) == (422, "invalid_input")
    assert await code_of(yun.hide(gid, list(range(1, 102)))) == (422, "invalid_input")


# -- forward ---------------------------------------------------------------------------------


async def test_forwarding_sends_new_messages_as_mine_to_each_chat(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    source = (await mei.open_direct("lei"))["id"]
    photo = await lei.upload_media(media_files.image("PNG"), "p.png", "image/png")
    text = await lei.send(source, "@mei look at this")
    image = await lei.send(source, "", "image", None, None, photo["id"])
    to_tao = (await mei.open_direct("tao"))["id"]
    group = (await mei.create_group("g", ["tao"]))["id"]
    async with tao.events() as stream:
        await ready(stream)
        sent = await mei.forward(source, [image["seq"], text["seq"]], [to_tao, group])
        created = [(await stream.next_of("message.created"))["message"] for _ in range(4)]
    assert [(m["conversation_id"], m["kind"]) for m in sent] == [
        (to_tao, "text"),
        (to_tao, "image"),
        (group, "text"),
        (group, "image"),
    ]
    assert [m["id"] for m in created] == [m["id"] for m in sent]
    for message in sent:
        assert (message["sender"], message["forwarded"], message["mentions"]) == ("mei", True, [])
        assert message["reply_to"] is None
    assert sent[1]["media"]["id"] == photo["id"]  # by reference: tao may now fetch it
    assert await tao.download_bytes(photo["id"]) == await lei.download_bytes(photo["id"])
    # the source chat is unchanged, and lei is not told where it went
    assert said(await lei.history(source)) == ["", "@mei look at this"]


async def test_forwarding_is_refused_where_a_send_would_be(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    yun = await make_user("yun")
    await befriend_all(mei, lei, tao)
    source = (await mei.open_direct("lei"))["id"]
    hello = await mei.send(source, "hello")
    to_tao = (await mei.open_direct("tao"))["id"]
    # tao blocked mei: forwarding into their chat is refused, and so the whole forward
    await tao.block("mei")
    assert await status_of(mei.forward(source, [hello["seq"]], [source, to_tao])) == 404
    assert said(await mei.history(source)) == ["hello"]
    # a chat one is not in, or left
    group = (await lei.create_group("lei's", []))["id"]
    assert await status_of(mei.forward(source, [hello["seq"]], [group])) == 404
    # a message one cannot see: someone else's chat, or deleted for me
    assert await status_of(yun.forward(source, [hello["seq"]], [source])) == 404
    await mei.hide(source, [hello["seq"]])
    assert await status_of(mei.forward(source, [hello["seq"]], [source])) == 404
    # bounds
    other = await mei.send(source, "other")
    eleven = [source, *range(10_000, 10_010)]
    assert await code_of(mei.forward(source, [other["seq"]], eleven)) == (422, "invalid_input")
    assert await code_of(mei.forward(source, [], [source])) == (422, "invalid_input")
    # a recalled message
    await mei.recall(source, other["seq"])
    assert await code_of(mei.forward(source, [other["seq"]], [source])) == (409, "recalled")


@configured(rate_limit_messages="3,1/h")
async def test_each_forwarded_message_counts_as_a_send(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    hello = await mei.send(chat, "hello")  # one send of three
    group = (await mei.create_group("g", ["lei"]))["id"]
    assert await status_of(mei.forward(chat, [hello["seq"]], [chat, group, group + 1])) == 429
