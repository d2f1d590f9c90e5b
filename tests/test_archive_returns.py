"""A new message brings an archived chat back to the main list (issue 13), as Telegram does:
for each member who has not muted it, on every device of theirs; a muted chat stays in the
archive. Nobody else learns of anyone's archive."""

from __future__ import annotations

from tests.conftest import (
    RunningServer,
    UserFactory,
    another_device,
    befriend,
    befriend_all,
    nothing_more,
    ready,
)


async def test_a_new_message_unarchives_the_chat_on_every_device(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    await mei.send(chat, "hi")
    await mei.update_conversation(chat, archived=True)
    async with another_device(server, "mei") as laptop:
        async with laptop.events() as mei_laptop, lei.events() as lei_stream:
            await ready(mei_laptop)
            await ready(lei_stream)
            await lei.send(chat, "are you there?")
            assert (await mei_laptop.next())["type"] == "message.created"
            event = await mei_laptop.next()
            assert (event["type"], event["conversation_id"], event["archived"]) == (
                "conversation.unarchived",
                chat,
                False,
            )
            assert (await lei_stream.next())["type"] == "message.created"
            await nothing_more(lei_stream)  # lei never learns of mei's archive
            await nothing_more(mei_laptop)
            # no longer archived: a further message changes nothing more
            await lei.send(chat, "hello?")
            assert (await mei_laptop.next())["type"] == "message.created"
            await nothing_more(mei_laptop)
        assert (await laptop.conversation(chat))["archived"] is False
    [listed] = await mei.conversations()
    assert (listed["id"], listed["archived"]) == (chat, False)


async def test_a_muted_archived_chat_stays_archived(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = (await mei.open_direct("lei"))["id"]
    await mei.update_conversation(chat, archived=True, muted=True)
    async with mei.events() as stream:
        await ready(stream)
        await lei.send(chat, "quiet one")
        assert (await stream.next())["type"] == "message.created"
        await nothing_more(stream)
    [listed] = await mei.conversations()
    assert (listed["archived"], listed["muted"], listed["unread"]) == (True, True, 1)
    # unmuted, the next message brings it back
    await mei.update_conversation(chat, muted=False)
    await lei.send(chat, "loud one")
    assert (await mei.conversation(chat))["archived"] is False


async def test_in_a_group_each_member_by_their_own_mute(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    tao, yun = await make_user("tao"), await make_user("yun")
    await befriend_all(mei, lei, tao, yun)
    gid = (await mei.create_group("g", ["lei", "tao", "yun"]))["id"]
    await lei.update_conversation(gid, archived=True)
    await tao.update_conversation(gid, archived=True, muted=True)
    await yun.update_conversation(gid, archived=True)
    await yun.leave(gid)  # a former member's archive is theirs to keep
    # a system line (a rename) is no new message: it brings nothing back
    await mei.update_conversation(gid, name="renamed")
    assert (await lei.conversation(gid))["archived"] is True
    await mei.send(gid, "hello all")
    assert (await lei.conversation(gid))["archived"] is False
    assert (await tao.conversation(gid))["archived"] is True
    assert (await yun.conversation(gid))["archived"] is True


async def test_sending_or_forwarding_into_an_archived_chat_brings_it_back(
    make_user: UserFactory,
) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    chat = (await mei.open_direct("lei"))["id"]
    hello = await mei.send(chat, "hello")
    await mei.update_conversation(chat, archived=True)
    await mei.send(chat, "me again")  # the sender's own archive too
    assert (await mei.conversation(chat))["archived"] is False
    to_tao = (await mei.open_direct("tao"))["id"]
    await tao.send(to_tao, "hi mei")
    await tao.update_conversation(to_tao, archived=True)
    async with tao.events() as stream:
        await ready(stream)
        await mei.forward(chat, [hello["seq"]], [to_tao])
        assert (await stream.next())["type"] == "message.created"
        assert (await stream.next())["type"] == "conversation.unarchived"
    assert (await tao.conversation(to_tao))["archived"] is False
