"""Flows of the web client in a real Chromium: "typing…" in a direct chat, "Message" on a
contact without an empty chat on top of the list, accepting a friend request with a chosen
role and then "Send message" (the sender's screen updates), the moment composer's file button,
and the phone's "Offline" strip that leaves the chat header uncovered."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, status_of
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)


async def friends(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient]:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei


async def logged_in(
    chromium: Any, server: RunningServer, handle: str, phone: bool = False
) -> Person:
    person = await Person.open(chromium, server, phone=phone)
    await person.log_in(handle)
    return person


def listed(person: Person, title: str) -> Any:
    return person.page.locator(".list-pane .conv-item", has_text=title)


async def test_typing_shows_in_the_other_persons_header_until_their_message(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await friends(make_user)
    chat = (await mei.open_direct("wei"))["id"]
    await mei.send(chat, "first")
    a, b = await logged_in(browser, server, "mei"), await logged_in(browser, server, "wei")
    await a.open_chat("Wei Zhang")
    await b.open_chat("Mei Lin")
    await wei.send(chat, "live?")  # both pages' sockets are up: typing is live only
    await a.bubbles("live?").wait_for()
    await mei.send(chat, "live!")
    await b.bubbles("live!").wait_for()
    subtitle = b.page.locator(".chat-head .subtitle")
    assert await subtitle.inner_text() == "@mei"
    await a.page.get_by_label("Message", exact=True).press_sequentially("on my way")
    await b.page.locator(".chat-head .subtitle", has_text="typing…").wait_for()
    assert await a.page.locator(".chat-head .subtitle").inner_text() == "@wei"  # not to oneself
    await a.page.get_by_label("Message", exact=True).press("Enter")
    await b.bubbles("on my way").wait_for()
    await b.page.locator(".chat-head .subtitle", has_text="@mei").wait_for()  # cleared
    await a.close()
    await b.close()


async def test_message_on_a_contact_lists_the_chat_only_once_something_is_sent(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await friends(make_user)
    a, b = await logged_in(browser, server, "mei"), await logged_in(browser, server, "wei")
    await b.page.goto(server.url + "/#/chats")
    await a.page.goto(server.url + "/#/contacts/u/wei")
    await a.page.get_by_role("button", name="Message", exact=True).click()
    await a.page.locator(".composer-input").wait_for()
    assert "#/chats/" in a.page.url
    await a.page.locator(".chat-head h2", has_text="Wei Zhang").wait_for()
    assert await listed(a, "Wei Zhang").count() == 0  # opened, not on top of the list
    hint = a.page.locator(".list-pane .list-empty", has_text="No chats yet")
    assert await hint.is_visible()
    assert await listed(b, "Mei Lin").count() == 0  # nor on the other side
    await a.say("hello there")
    await listed(a, "Wei Zhang").wait_for()
    assert not await hint.is_visible()
    await listed(b, "Mei Lin").wait_for()
    assert "hello there" in await listed(b, "Mei Lin").inner_text()
    await a.close()
    await b.close()


async def test_accepting_asks_for_the_role_then_offers_send_message(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await wei.request_friend("mei", "hi, it's Wei", "classmate")
    a, b = await logged_in(browser, server, "mei"), await logged_in(browser, server, "wei")
    await b.page.goto(server.url + "/#/contacts/new")
    await b.page.get_by_text("@mei · waiting").wait_for()
    await a.page.goto(server.url + "/#/contacts/new")
    role = a.page.get_by_label("They are my")
    assert await role.input_value() == ""  # nothing chosen for her
    await a.page.get_by_role("button", name="Accept").click()
    assert await role.evaluate("el => el.matches(':invalid')")  # the form asks for a role
    assert await mei.friends() == []
    await role.select_option("classmate")
    await a.page.get_by_role("button", name="Accept").click()
    await a.page.get_by_text("You and Wei Zhang are now friends.").wait_for()
    assert [(f["user"]["handle"], f["role"]) for f in await mei.friends()] == [("wei", "classmate")]

    await b.page.get_by_text("Mei Lin accepted your friend request").wait_for()  # the sender
    await b.page.get_by_text("@mei · waiting").wait_for(state="detached")
    await b.page.locator(".list-pane .conv-item", has_text="Mei Lin").wait_for()  # a friend now

    await a.page.get_by_role("button", name="Send message").click()
    await a.page.locator(".composer-input").wait_for()
    await a.page.locator(".chat-head h2", has_text="Wei Zhang").wait_for()
    await a.say("welcome")
    await b.page.goto(server.url + "/#/chats")
    await listed(b, "Mei Lin").wait_for()
    await a.close()
    await b.close()


async def test_the_moment_composer_has_a_file_button_and_no_native_file_text(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
    tmp_path: Any,
) -> None:
    await make_user("mei", "Mei Lin")
    a = await logged_in(browser, server, "mei")
    await a.page.goto(server.url + "/#/moments")
    await a.page.get_by_role("button", name="Post").click()
    picker = a.page.locator("#mo-photos")
    button = a.page.locator("label.file-button", has_text="Add photos")
    await button.wait_for()
    box = await picker.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1  # the native input
    assert await a.page.get_by_label("Add photos (up to 9) or a video").count() == 1
    photo = tmp_path / "tea.png"
    image = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(image, "PNG")
    photo.write_bytes(image.getvalue())
    await picker.set_input_files(str(photo))
    await a.page.get_by_text("1 chosen").wait_for()
    await a.page.locator(".previews img").wait_for()
    await a.close()


async def test_the_phones_offline_strip_leaves_the_chat_header_uncovered(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _ = await friends(make_user)
    chat = (await mei.open_direct("wei"))["id"]
    await mei.send(chat, "first")
    b = await logged_in(browser, server, "wei", phone=True)
    await b.open_chat("Mei Lin")
    await b.context.set_offline(True)
    await b.page.evaluate("window.guanxi.dropConnection()")
    strip = b.page.locator(".conn-status.visible")
    await strip.wait_for()
    assert "Offline" in await strip.inner_text()
    band, head = await strip.bounding_box(), await b.page.locator(".chat-head").bounding_box()
    assert band is not None and head is not None
    assert band["y"] + band["height"] <= head["y"]  # above the header, not over it
    assert await b.page.locator(".chat-head .back").is_visible()
    await b.context.set_offline(False)
    await b.page.evaluate("window.dispatchEvent(new Event('online'))")
    await strip.wait_for(state="hidden")
    await b.close()


async def test_me_changes_the_password_and_logs_out_a_device_by_name(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    phone = await make_user("mei", "Mei Lin")  # one session, made by the API
    laptop = GuanxiClient(server.url)
    await laptop.login("mei", PASSWORD, device="laptop")
    a = await logged_in(browser, server, "mei")
    await a.page.goto(server.url + "/#/me")
    await a.page.get_by_role("link", name="Password and devices").click()
    rows = a.page.locator(".session-row")
    await rows.nth(2).wait_for()
    assert await rows.count() == 3
    await a.page.locator(".session-row", has_text="This device").wait_for()
    await a.page.get_by_role("button", name="Log out laptop").click()
    await a.page.get_by_text("laptop is logged out").wait_for()
    await a.page.get_by_role("button", name="Log out laptop").wait_for(state="detached")
    assert await status_of(laptop.me()) == 401
    assert (await phone.me())["handle"] == "mei"

    await a.page.get_by_label("Current password").fill(PASSWORD)
    await a.page.get_by_label("New password").fill("a new pass phrase")
    await a.page.get_by_role("button", name="Change password").click()
    await a.page.get_by_text("Password changed; your other devices are logged out").wait_for()
    await rows.nth(1).wait_for(state="detached")  # only this device is left
    assert await rows.count() == 1 and "This device" in await rows.inner_text()
    assert await status_of(phone.me()) == 401
    await laptop.login("mei", "a new pass phrase", device="laptop")
    assert await status_of(laptop.login("mei", PASSWORD)) == 401
    await laptop.close()
    await a.close()
