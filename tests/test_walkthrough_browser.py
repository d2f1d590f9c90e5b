"""Glitches a new user's walk-through of the web client found (headless Chromium, real
server): the friend list does not repeat a role that a tag merely restates; a tab's unread
count leaves its icon visible; a photo's caption sits under it, its time over neither; the
group announcement and my network's circles are readable in both themes; the phone's
selection bar keeps each label on one line; a note (toast) covers neither the message box
nor the chat's header; a group's fields a member may not change do not look editable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend
from tests.test_a11y_browser import CONTRAST, mei_and_wei, mei_logged_in
from tests.test_web_client import Person, browser, png  # noqa: F401  (the fixture)

# where a text element's words are drawn (its box may be padded)
WORDS = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const b = range.getBoundingClientRect();
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}"""


async def test_the_friend_list_does_not_repeat_a_role_a_tag_restates(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(wei, mei, "family", "family")
    await befriend(mei, await make_user("yun", "Yun Zhao"), "colleague", "colleague")
    await mei.update_friend("wei", tags=["家人", "羽毛球"])
    await mei.update_friend("yun", tags=["Colleague"])
    person = await Person.open(browser, server, locale="zh-CN")
    await person.page.get_by_label("账号").fill("mei")
    await person.page.get_by_label("密码").fill(PASSWORD)
    await person.page.get_by_role("button", name="登录").click()
    await person.page.goto(server.url + "/#/contacts")
    wei_line = person.page.locator(".conv-item", has_text="Wei Zhang").locator(".conv-preview")
    assert await wei_line.inner_text() == "家人 · 羽毛球"
    yun_line = person.page.locator(".conv-item", has_text="Yun Zhao").locator(".conv-preview")
    assert await yun_line.inner_text() == "同事 · Colleague"  # another language's word stays
    await person.close()


async def test_a_two_digit_unread_count_leaves_the_chats_icon_visible(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    chat = (await wei.open_direct("mei"))["id"]
    for n in range(12):
        await wei.send(chat, f"ping {n}")
    for phone in (False, True):
        person = await Person.open(browser, server, phone=phone)
        await person.log_in("mei")
        tab = person.page.locator(".tab[data-section=chats]")
        badge = tab.locator(".badge")
        await tab.locator(".badge:not([hidden])", has_text="12").wait_for()
        icon, count = await tab.locator(".icon").bounding_box(), await badge.bounding_box()
        assert icon is not None and count is not None
        assert count["x"] > icon["x"] + icon["width"] / 2  # on the icon's right half at most
        await person.close()


async def test_a_photos_caption_is_inset_under_it_and_its_time_does_not_cover_either(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    await mei.send((await mei.open_direct("wei"))["id"], "first")
    person = await Person.open(browser, server, phone=True)
    await person.log_in("mei")
    await person.open_chat("Wei Zhang")
    attach = person.page.locator("input[type=file]").first
    picture = {"name": "a.png", "mimeType": "image/png", "buffer": png((300, 200))}
    await attach.set_input_files([picture])
    await person.say("the view from the top")
    bubble = person.page.locator(".msg-row:not(.pending) .bubble.kind-image")
    await bubble.locator(".photo").wait_for()
    photo = await bubble.locator(".photo").bounding_box()
    caption = await bubble.locator(".text").evaluate(WORDS)  # the words, not their box
    time = await bubble.locator(".meta").bounding_box()
    assert photo is not None and caption is not None and time is not None
    assert caption["x"] >= photo["x"] + 4  # inset, not against the bubble's edge
    assert caption["y"] >= photo["y"] + photo["height"]  # under the photo
    assert time["y"] >= photo["y"] + photo["height"]  # the time is not over the photo
    beside = time["x"] >= caption["x"] + caption["width"]
    assert beside or time["y"] >= caption["y"] + caption["height"]  # nor over the caption
    await person.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_group_announcement_is_readable_in_both_themes(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
    scheme: str,
) -> None:
    mei, _, _ = await mei_and_wei(make_user)
    group = await mei.create_group("Hikers", ["wei"])
    await mei.update_conversation(group["id"], announcement="Saturday 8:00 at the gate")
    person = await mei_logged_in(browser, server, scheme)
    await person.open_chat("Hikers")
    await person.page.locator(".announcement-banner", has_text="8:00").wait_for()
    for selector in [".announcement-banner .announcement-text", ".announcement-banner strong"]:
        ratios = await person.page.evaluate(CONTRAST, selector)
        assert ratios and min(ratios) >= 4.5, (selector, ratios)
    await person.close()


# the lowest contrast of the circles' names and labels against any circle's colour (SVG fills)
RING_CONTRAST = """() => {
    const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const fills = (sel) =>
        [...document.querySelectorAll(sel)].map((el) => getComputedStyle(el).fill);
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const rings = fills(".network-rings .ring");
    const texts = fills(".ring-name, .ring-label");
    return Math.min(...texts.flatMap((text) => rings.map((r) => ratio(text, r))));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_my_networks_circles_are_readable_in_both_themes(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
    scheme: str,
) -> None:
    mei, wei, chat = await mei_and_wei(make_user)
    await mei.send(chat, "tea?")
    await wei.send(chat, "yes")
    person = await mei_logged_in(browser, server, scheme)
    await person.page.goto(server.url + "/#/me/network")
    await person.page.locator(".network-rings .ring-name").first.wait_for()
    assert await person.page.evaluate(RING_CONTRAST) >= 4.5
    await person.close()


async def test_the_phones_selection_bar_keeps_each_label_on_one_line(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await mei_and_wei(make_user)
    await mei.send(chat, "pick me")
    person = await Person.open(browser, server, phone=True)
    await person.log_in("mei")
    await person.open_chat("Wei Zhang")
    await (
        person.page.locator(".msg-row", has_text="pick me").get_by_label("Message actions").click()
    )
    await person.page.get_by_role("menuitem", name="Select messages").click()
    bar = person.page.get_by_role("toolbar", name="Selected messages")
    await bar.get_by_text("1 selected").wait_for()
    rows: set[int] = set()
    for part in [
        bar.get_by_text("1 selected"),
        *[bar.get_by_role("button").nth(n) for n in range(3)],
    ]:
        box = await part.bounding_box()
        assert box is not None and box["height"] <= 40, (await part.inner_text(), box)
        rows.add(round(box["y"] + box["height"] / 2))
    assert len(rows) == 1  # and all on one row
    await person.close()


async def test_a_toast_covers_neither_the_message_box_nor_the_chat_header(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await mei_and_wei(make_user)
    await mei.send(chat, "hello")
    for phone, handle in ((False, "yun"), (True, "lei")):
        stranger = await make_user(handle, f"{handle.title()} Zhao")
        person = await Person.open(browser, server, phone=phone)
        await person.log_in("mei")
        await person.open_chat("Wei Zhang")
        await stranger.request_friend("mei", "hi", "classmate")  # a note arrives live
        note = person.page.locator(".toast", has_text=f"{handle.title()} Zhao")
        await note.wait_for()
        box = await note.bounding_box()
        assert box is not None
        for part in [".composer-input", ".chat-head"]:
            other = await person.page.locator(part).bounding_box()
            assert other is not None
            apart = (
                box["y"] >= other["y"] + other["height"] or other["y"] >= box["y"] + box["height"]
            )
            assert apart, (part, box, other)
        await person.close()


async def test_a_members_group_fields_do_not_look_like_fields_to_type_in(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, _ = await mei_and_wei(make_user)
    await mei.create_group("Hikers", ["wei"])
    looks = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderColor]"
    seen: dict[str, list[str]] = {}
    for handle in ("mei", "wei"):  # the owner, a member
        person = await Person.open(browser, server)
        await person.log_in(handle)
        await person.open_chat("Hikers")
        await person.page.get_by_role("button", name="Group info").click()
        name = person.page.get_by_label("Group name")
        await name.wait_for()
        seen[handle] = await name.evaluate(looks)
        assert await name.is_disabled() == (handle == "wei")
        note = person.page.get_by_label("Announcement")  # none yet: only who may write it sees it
        assert await note.count() == (1 if handle == "mei" else 0)
        await person.close()
    assert seen["wei"][0] != seen["mei"][0]  # another background
    assert seen["wei"][1] != seen["mei"][1]  # and no field's border


async def test_a_login_names_its_browser_and_a_group_skips_a_leading_stroke(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """Two browsers could not be told apart under "Password and devices" (both were "web"),
    and the group 一家人 wore 一, which reads as a dash."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    group = (await mei.create_group("一家人", ["wei"]))["id"]
    await mei.send(group, "晚饭吃什么")
    person = await mei_logged_in(browser, server)
    await person.page.goto(server.url + "/#/me/security")
    rows = person.page.locator(".session-row")
    await rows.filter(has_text="Chrome · Linux").first.wait_for()  # headless Chromium here
    await person.page.goto(server.url + "/#/chats")
    item = person.page.locator(".conv-item", has_text="一家人")
    assert await item.locator(".avatar").inner_text() == "家"
    await person.close()
