"""Groups and message actions in the web client (headless Chromium, real server): a group's
system lines and announcement, the admin buttons and a member's profile; pin, archive and
delete-for-me of a chat; forwarding and deleting messages for oneself, one or several."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend_all, said
from tests.test_web_client import Person, browser, png  # noqa: F401  (fixture)


async def three_friends(make_user: UserFactory) -> tuple[GuanxiClient, ...]:
    mei = await make_user("mei", "Mei Lin")
    wei = await make_user("wei", "Wei Zhang")
    tao = await make_user("tao", "Tao Wu")
    await befriend_all(mei, wei, tao)
    return mei, wei, tao


async def two_chats(
    make_user: UserFactory, from_wei: str, from_tao: str
) -> tuple[GuanxiClient, GuanxiClient, GuanxiClient, int, int]:
    """mei's chats with wei and then tao, each with a message from them."""
    mei, wei, tao = await three_friends(make_user)
    with_wei = (await mei.open_direct("wei"))["id"]
    await wei.send(with_wei, from_wei)
    with_tao = (await mei.open_direct("tao"))["id"]
    await tao.send(with_tao, from_tao)
    return mei, wei, tao, with_wei, with_tao


async def test_a_groups_lines_announcement_and_admins(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei", "Mei Lin")
    wei = await make_user("wei", "Wei Zhang")
    tao = await make_user("tao", "Tao")
    await befriend_all(mei, wei)
    gid = (await mei.create_group("Hiking", ["wei"]))["id"]
    await mei.update_conversation(gid, announcement="Saturday 8:00 at the gate")
    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.open_chat("Hiking")
    page = a.page
    lines = page.locator(".sys-line")
    await lines.filter(has_text="Mei Lin created the group “Hiking”").wait_for()
    await lines.filter(has_text="Mei Lin added Wei Zhang").wait_for()
    await lines.filter(has_text="Mei Lin changed the announcement").wait_for()
    banner = page.locator(".announcement-banner")
    await banner.filter(has_text="Saturday 8:00 at the gate").wait_for()
    # a line arrives live; the announcement banner is dismissed on this device
    await mei.update_conversation(gid, name="Hiking club")
    await lines.filter(has_text="Mei Lin renamed the group to “Hiking club”").wait_for()
    await page.get_by_role("button", name="Hide the announcement").click()
    await banner.wait_for(state="hidden")
    await page.reload()
    await page.locator(".composer-input").wait_for()
    assert await banner.is_hidden()
    # group info: back to the chat on a desktop too; make wei an admin
    await page.get_by_role("button", name="Group info").click()
    back = page.get_by_role("link", name="Back")
    await back.wait_for()
    assert await back.is_visible()
    await page.locator("[data-admin=wei]").click()
    await page.locator(".member", has_text="Wei Zhang").locator(".chip").wait_for()
    assert (await mei.conversation(gid))["members"][1]["role"] == "admin"
    await page.locator("[data-admin=wei]", has_text="Remove admin").wait_for()
    await back.click()
    await lines.filter(has_text="Mei Lin made Wei Zhang an admin").wait_for()
    # a stranger in the group: their name opens their profile with "Add friend"
    await mei.add_members(gid, ["tao"])  # tao is no friend of mei: invited
    [invitation] = (await tao.group_invitations())["invitations"]
    await tao.accept_group_invitation(invitation["id"])
    await tao.send(gid, "hello all")
    await a.bubbles("hello all").wait_for()
    await page.locator(".sender .profile-link", has_text="Tao").click()
    await page.get_by_role("link", name="Add friend").click()
    await page.get_by_role("button", name="Send friend request").click()
    await page.get_by_text("Friend request sent").first.wait_for()
    await a.close()


async def test_pin_archive_and_delete_a_chat_for_me(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, _, with_wei, _ = await two_chats(make_user, "older chat", "newer chat")
    a = await Person.open(browser, server)
    a.confirm = True
    await a.log_in("mei")
    page = a.page
    titles = page.locator(".conv-item .conv-title")
    await titles.first.wait_for()
    assert await titles.all_inner_texts() == ["Tao Wu", "Wei Zhang"]
    await a.open_chat("Wei Zhang")
    await page.get_by_role("button", name="Chat actions").click()
    await page.get_by_role("menuitem", name="Pin to top").click()
    await page.locator(".conv-item", has_text="Wei Zhang").locator(".conv-pinned").wait_for()
    assert await titles.all_inner_texts() == ["Wei Zhang", "Tao Wu"]
    assert (await mei.conversation(with_wei))["pinned"] is True
    # archive tao's chat: it moves under "Archived chats (1)"
    await a.open_chat("Tao Wu")
    await page.get_by_role("button", name="Chat actions").click()
    await page.get_by_role("menuitem", name="Archive").click()
    entry = page.locator(".archive-entry")
    await entry.filter(has_text="Archived chats (1)").wait_for()
    assert await titles.all_inner_texts() == ["Wei Zhang"]
    await entry.click()
    assert await titles.all_inner_texts() == ["Tao Wu"]
    await entry.click()
    # delete wei's chat for me: it leaves the list; wei keeps it; a new message brings it back
    await a.open_chat("Wei Zhang")
    await page.get_by_role("button", name="Chat actions").click()
    await page.get_by_role("menuitem", name="Delete chat for me").click()
    await page.locator(".conv-item", has_text="Wei Zhang").wait_for(state="detached")
    assert said(await wei.history(with_wei)) == ["older chat"]
    await wei.send(with_wei, "are you there?")
    await page.locator(".conv-item", has_text="Wei Zhang").click()
    await a.bubbles("are you there?").wait_for()
    assert await a.bubbles("older chat").count() == 0
    await a.close()


async def test_forward_and_delete_messages_for_me(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, tao = await three_friends(make_user)
    with_wei = (await mei.open_direct("wei"))["id"]
    with_tao = (await mei.open_direct("tao"))["id"]
    await tao.send(with_tao, "hi")
    for text in ("one", "two", "three"):
        await wei.send(with_wei, text)
    a = await Person.open(browser, server)
    a.confirm = True
    await a.log_in("mei")
    await a.open_chat("Wei Zhang")
    page = a.page
    # forward one message from its menu
    await a.bubbles("one").click(button="right")
    await page.get_by_role("menuitem", name="Forward").click()
    await page.locator("label.pick", has_text="Tao Wu").click()
    await page.get_by_role("button", name="Send").click()
    await page.get_by_text("Forwarded to 1 chat").wait_for()
    forwarded = (await tao.history(with_tao))["messages"][0]
    assert (forwarded["text"], forwarded["sender"], forwarded["forwarded"]) == ("one", "mei", True)
    # a reaction beyond the six quick ones, from the emoji picker
    await a.bubbles("one").click(button="right")
    await page.get_by_role("menuitem", name="More reactions").click()
    picker = page.locator(".emoji-picker")
    await picker.get_by_role("button", name="Animals and nature").click()
    await picker.get_by_role("button", name="panda", exact=True).click()
    await page.locator(".reaction", has_text="🐼").wait_for()
    assert (await wei.history(with_wei))["messages"][2]["reactions"][0]["emoji"] == "🐼"
    # select two and delete them for me: gone here, still there for wei
    await a.bubbles("two").click(button="right")
    await page.get_by_role("menuitem", name="Select messages").click()
    await a.bubbles("three").click()
    await page.locator(".select-count", has_text="2 selected").wait_for()
    await page.locator(".select-bar").get_by_role("button", name="Delete for me").click()
    await a.bubbles("three").wait_for(state="detached")
    assert await a.bubbles("two").count() == 0
    assert said(await mei.history(with_wei)) == ["one"]
    assert said(await wei.history(with_wei)) == ["three", "two", "one"]
    # the forward shows its mark in tao's chat
    await a.open_chat("Tao Wu")
    row = page.locator(".msg-row", has=page.locator(".text", has_text="one"))
    await row.locator(".forwarded-mark", has_text="Forwarded").wait_for()
    await a.close()


async def test_a_photo_with_a_caption_and_the_photo_viewer(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
    tmp_path: Any,
) -> None:
    mei, wei, _ = await three_friends(make_user)
    chat = (await mei.open_direct("wei"))["id"]
    first = await wei.upload_media(png((200, 100)), "a.png", "image/png")
    await wei.send(chat, "", "image", None, None, first["id"])
    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.open_chat("Wei Zhang")
    page = a.page
    # one photo and words go out as one message: the photo with its caption
    picture = tmp_path / "b.png"
    picture.write_bytes(png((100, 200)))
    await page.locator("input[type=file]").first.set_input_files(str(picture))
    await a.say("the view from the top")
    await a.bubbles("the view from the top").wait_for()
    [captioned] = [m for m in (await wei.history(chat))["messages"] if m["text"]]
    assert (captioned["kind"], captioned["sender"]) == ("image", "mei")
    assert len((await wei.history(chat))["messages"]) == 2
    # the viewer opens the first photo, steps to the next, zooms on a tap
    await page.locator(".photo-btn").first.click()
    await page.locator(".viewer-count", has_text="1 / 2").wait_for()
    await page.get_by_role("button", name="Next photo").click()
    await page.locator(".viewer-count", has_text="2 / 2").wait_for()
    await page.keyboard.press("ArrowRight")
    await page.locator(".viewer-count", has_text="1 / 2").wait_for()
    await page.locator(".lightbox-img").click()
    await page.locator(".lightbox.zoomed").wait_for()
    await a.close()


async def test_the_chat_list_never_previews_a_message_deleted_for_me(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, _ = await three_friends(make_user)
    chat = (await mei.open_direct("wei"))["id"]
    sent = [await wei.send(chat, text) for text in ("one", "two", "three")]
    a = await Person.open(browser, server)
    a.confirm = True
    await a.log_in("mei")
    page = a.page
    item = page.locator(".conv-item", has_text="Wei Zhang")
    await item.locator(".conv-preview", has_text="three").wait_for()
    await item.locator(".unread", has_text="3").wait_for()
    # deleted for me on another device, with the chat not loaded here: the preview is the
    # newest message left, the count drops
    await mei.hide(chat, [sent[2]["seq"]])
    await item.locator(".conv-preview", has_text="two").wait_for()
    await item.locator(".unread", has_text="2").wait_for()
    # deleted here from the message's menu
    await a.open_chat("Wei Zhang")
    await a.bubbles("two").click(button="right")
    await page.get_by_role("menuitem", name="Delete for me").click()
    await a.bubbles("two").wait_for(state="detached")
    await item.locator(".conv-preview", has_text="one").wait_for()
    # and so after a reload
    await page.reload()
    await item.locator(".conv-preview", has_text="one").wait_for()
    assert await item.locator(".conv-preview").inner_text() == "one"
    await a.close()


async def test_an_archived_chat_comes_back_with_a_new_message_unless_muted(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, tao, with_wei, with_tao = await two_chats(make_user, "hello", "hi")
    await mei.update_conversation(with_wei, archived=True)
    await mei.update_conversation(with_tao, archived=True, muted=True)
    a = await Person.open(browser, server)
    await a.log_in("mei")
    page = a.page
    titles = page.locator(".conv-item .conv-title")
    entry = page.locator(".archive-entry")
    await entry.filter(has_text="Archived chats (2)").wait_for()
    assert await titles.count() == 0
    # wei writes: his chat is back in the list; tao's, muted, stays archived
    await wei.send(with_wei, "back again")
    item = page.locator(".conv-item", has_text="Wei Zhang")
    await item.locator(".conv-preview", has_text="back again").wait_for()
    await entry.filter(has_text="Archived chats (1)").wait_for()
    await tao.send(with_tao, "psst")
    assert await titles.all_inner_texts() == ["Wei Zhang"]
    await entry.click()
    await (
        page.locator(".conv-item", has_text="Tao Wu")
        .locator(".conv-preview", has_text="psst")
        .wait_for()
    )
    assert await titles.all_inner_texts() == ["Tao Wu"]
    await a.close()


async def test_forwarding_again_after_a_lost_answer_forwards_once(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    _, wei, tao, with_wei, with_tao = await two_chats(make_user, "worth sharing", "hi")
    a = await Person.open(browser, server)
    await a.log_in("mei")
    page = a.page
    bodies: list[dict[str, Any]] = []

    async def lose_the_first_answer(route: Any) -> None:
        bodies.append(route.request.post_data_json)
        if len(bodies) > 1:
            return await route.continue_()
        await route.fetch()  # the server forwards; the answer never reaches the client
        await route.abort("timedout")

    await page.route("**/forward", lose_the_first_answer)
    await a.open_chat("Wei Zhang")
    await a.bubbles("worth sharing").click(button="right")
    await page.get_by_role("menuitem", name="Forward").click()
    await page.locator("label.pick", has_text="Tao Wu").click()
    send = page.get_by_role("button", name="Send")
    await send.click()
    await page.locator(".toast.error").first.wait_for()
    assert said(await tao.history(with_tao)) == ["worth sharing", "hi"]  # it did go out
    await send.click()  # the user tries again
    await page.get_by_text("Forwarded to 1 chat").wait_for()
    assert said(await tao.history(with_tao)) == ["worth sharing", "hi"]  # not twice
    [first, second] = bodies
    assert first == second and first["client_id"].startswith("web-")
    assert said(await wei.history(with_wei)) == ["worth sharing"]
    # another forward is another client_id
    await a.bubbles("worth sharing").click(button="right")
    await page.get_by_role("menuitem", name="Forward").click()
    await page.locator("label.pick", has_text="Tao Wu").click()
    async with page.expect_response("**/forward") as answer:
        await send.click()
    assert (await answer.value).status == 201
    assert len(bodies) == 3 and bodies[2]["client_id"] != first["client_id"]
    assert said(await tao.history(with_tao)) == ["worth sharing", "worth sharing", "hi"]
    await a.close()
