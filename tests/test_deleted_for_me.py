"""Messages deleted for oneself (issue 13) stay out of everything that member sees of the
chat: the chat list's last message and unread count, the conversation itself and search —
while every other member still sees them."""

from __future__ import annotations

from typing import Any

from tests.conftest import UserFactory, befriend, befriend_all, nothing_more, ready, said


def preview(conversation: dict[str, Any]) -> str | None:
    last = conversation["last_message"]
    return None if last is None else str(last["text"])


async def test_the_chat_list_previews_the_newest_message_not_deleted_for_me(
    make_user: UserFactory,
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    one, two, three = [await lei.send(chat, text) for text in ("one", "two", "three")]
    await mei.hide(chat, [three["seq"]])
    [listed] = await mei.conversations()
    assert (preview(listed), listed["unread"]) == ("two", 2)
    seen = await mei.conversation(chat)
    assert (preview(seen), seen["unread"]) == ("two", 2)
    # lei, who sent them, still sees all three
    assert preview((await lei.conversations())[0]) == "three"
    assert preview(await lei.conversation(chat)) == "three"
    # an older one deleted changes the count, not the preview
    await mei.hide(chat, [one["seq"]])
    [listed] = await mei.conversations()
    assert (preview(listed), listed["unread"]) == ("two", 1)
    # all of them deleted: no last message, nothing unread, the chat still listed
    await mei.hide(chat, [two["seq"]])
    [listed] = await mei.conversations()
    assert (listed["id"], listed["last_message"], listed["unread"]) == (chat, None, 0)
    seen = await mei.conversation(chat)
    assert (seen["last_message"], seen["unread"], seen["last_seq"]) == (None, 0, 3)
    assert (await mei.search("three"))["messages"] == []
    assert len((await lei.search("three"))["messages"]) == 1
    # something new is the preview again
    await lei.send(chat, "four")
    [listed] = await mei.conversations()
    assert (preview(listed), listed["unread"]) == ("four", 1)


async def test_a_group_member_who_left_keeps_the_preview_of_their_own_view(
    make_user: UserFactory,
) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    gid = (await mei.create_group("g", ["lei", "tao"]))["id"]
    await tao.send(gid, "before")
    hidden = await tao.send(gid, "secret")
    await lei.hide(gid, [hidden["seq"]])
    assert preview(await lei.conversation(gid)) == "before"
    assert [preview(c) for c in await lei.conversations()] == ["before"]
    assert preview(await mei.conversation(gid)) == "secret"
    await lei.leave(gid)
    await tao.send(gid, "after lei")
    assert preview(await lei.conversation(gid)) == "before"  # nothing after leaving either


async def test_an_edit_or_recall_of_a_message_deleted_for_me_is_not_sent_to_me(
    make_user: UserFactory,
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    gone = await lei.send(chat, "typo")
    kept = await lei.send(chat, "fine")
    await mei.hide(chat, [gone["seq"]])
    async with mei.events() as mine, lei.events() as theirs:
        await ready(mine)
        await ready(theirs)
        await lei.edit(chat, gone["seq"], "typo fixed")
        await lei.react(chat, gone["seq"], "👍")
        await lei.recall(chat, gone["seq"])
        assert [(await theirs.next())["type"] for _ in range(3)] == [
            "message.edited",
            "reaction.added",
            "message.recalled",
        ]
        await lei.edit(chat, kept["seq"], "fine!")
        event = await mine.next()  # the first mei hears of: the message she kept
        assert (event["type"], event["message"]["text"]) == ("message.edited", "fine!")
        await nothing_more(mine)
    assert said(await mei.history(chat)) == ["fine!"]


async def test_an_edit_from_before_i_joined_is_not_sent_to_me(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    gid = (await mei.create_group("g", ["lei"]))["id"]
    before = await mei.send(gid, "before tao")
    await mei.add_members(gid, ["tao"])
    async with tao.events() as stream:
        await ready(stream)
        await mei.edit(gid, before["seq"], "before tao, edited")
        await mei.react(gid, before["seq"], "👍")
        await mei.send(gid, "after")
        event = await stream.next()
        assert (event["type"], event["message"]["text"]) == ("message.created", "after")
        await nothing_more(stream)
    # nor replayed to a device catching up
    async with tao.events(cursor=0) as replay:
        named = []
        while (frame := await replay.next())["type"] != "ready":
            if "message" in frame:
                named.append((frame["type"], frame["message"]["text"]))
    assert ("message.edited", "before tao, edited") not in named
    assert named[-1] == ("message.created", "after")
