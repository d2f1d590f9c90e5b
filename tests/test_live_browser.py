"""The web client stays live without a reload: a friend's new name and picture in the chat
list, the open chat and contacts (two contexts); a group's "Read by N" rising as members read
(three contexts); and a read answered 503 `busy` with a short Retry-After asked once more,
while a write is not."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from tests.conftest import RunningServer, UserFactory, befriend, befriend_all
from tests.test_web_client import Person, browser, png  # noqa: F401 (the fixture)

BUSY = '{"error": {"code": "busy", "message": "The server is busy; try again shortly."}}'


async def not_reloaded(person: Person) -> None:
    """Marks the page: `still_the_same_page` is false once it was loaded again."""
    await person.page.evaluate("window.sameLoad = true")


async def still_the_same_page(person: Person) -> bool:
    return bool(await person.page.evaluate("window.sameLoad === true"))


async def test_a_new_name_and_picture_appear_live_in_the_chat_list_chat_and_contacts(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    zed = await make_user("zed", "Zed Qian")
    await befriend_all(mei, wei, zed)
    await befriend(wei, zed)
    await mei.send((await mei.open_direct("wei"))["id"], "hi wei")
    gid = (await zed.create_group("Hiking club", ["mei", "wei"]))["id"]
    await mei.send(gid, "who is coming?")
    a, b = await Person.open(browser, server), await Person.open(browser, server)
    await a.log_in("mei")
    await b.log_in("wei")
    await b.open_chat("Hiking club")
    sender = b.page.locator(".msg-row:not(.mine) .sender")
    await sender.filter(has_text="Mei Lin").wait_for()
    await not_reloaded(b)

    await a.page.goto(server.url + "/#/me")  # mei renames herself in her browser
    await a.page.get_by_label("Display name").fill("Mei Chen")
    await a.page.get_by_role("button", name="Save").click()
    await sender.filter(has_text="Mei Chen").wait_for()  # the open group chat
    direct = b.page.locator(".conv-item", has_text="hi wei")  # the chat list
    await direct.filter(has_text="Mei Chen").wait_for()

    await mei.set_avatar(png(), "p.png", "image/png")  # a picture: in the list and the chat
    await direct.locator(".avatar.has-picture img").wait_for()
    mine = b.page.locator(".msg-row:not(.mine)", has_text="who is coming?")
    await mine.locator(".avatar.has-picture img").wait_for()

    await b.page.goto(server.url + "/#/contacts")  # the same page: only the route changes
    contact = b.page.locator(".conv-title", has_text="Mei Chen")
    await contact.wait_for()
    await mei.update_me(display_name="Mei Wang")
    await b.page.locator(".conv-title", has_text="Mei Wang").wait_for()
    assert await still_the_same_page(b)
    await a.close()
    await b.close()


async def test_a_groups_read_count_rises_live_as_members_read(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    zed = await make_user("zed", "Zed Qian")
    await befriend_all(mei, wei, zed)
    gid = (await mei.create_group("Hiking club", ["wei", "zed"]))["id"]
    await mei.send(gid, "who is coming?")
    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.open_chat("Hiking club")
    row = a.page.locator(".msg-row.mine", has_text="who is coming?")
    await row.locator(".receipt[aria-label='Sent']").wait_for()
    await not_reloaded(a)
    for handle, count in (("wei", 1), ("zed", 2)):  # each reads in a browser of their own
        reader = await Person.open(browser, server)
        await reader.log_in(handle)
        await reader.open_chat("Hiking club")
        await row.get_by_role("button", name=f"Read by {count}").wait_for()
        await reader.close()
    assert await still_the_same_page(a)
    await a.close()


async def test_a_read_answered_busy_is_asked_once_more_and_a_write_is_not(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """page.route answers in place of the server, as a busy server would (503 `busy` with
    Retry-After: 1): the first ask for the readers of a message, and every send."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    gid = (await mei.create_group("Hiking club", ["wei"]))["id"]
    sent = await mei.send(gid, "who is coming?")
    await wei.mark_read(gid, sent["seq"])
    a = await Person.open(browser, server)
    asked = {"readers": 0, "send": 0}
    messages = f"/api/v1/conversations/{gid}/messages"

    async def busy(route: Any) -> None:
        request = route.request
        readers = urlparse(request.url).path.endswith("/readers")
        if request.method == "GET" and not readers:
            return await route.continue_()  # the chat's history passes untouched
        key = "readers" if readers else "send"
        asked[key] += 1
        if key == "send" or asked["readers"] == 1:
            headers = {"Retry-After": "1"}
            await route.fulfill(
                status=503, headers=headers, content_type="application/json", body=BUSY
            )
        else:
            await route.continue_()

    def readers_or_send(url: str) -> bool:
        return urlparse(url).path.startswith(messages)

    await a.page.route(readers_or_send, busy)
    await a.log_in("mei")
    await a.open_chat("Hiking club")
    await a.page.get_by_role("button", name="Read by 1").click()
    dialog = a.page.get_by_role("dialog", name="Read by")
    await dialog.get_by_text("Wei Zhang").wait_for()  # the second ask was answered
    assert asked["readers"] == 2
    await dialog.get_by_role("button", name="Close").click()

    await a.say("anyone?")
    failed = a.page.locator(".pending-rows .msg-row", has_text="anyone?")
    await failed.get_by_role("button", name="Remove").wait_for()  # shown as failed at once
    assert asked["send"] == 1
    await a.close()
