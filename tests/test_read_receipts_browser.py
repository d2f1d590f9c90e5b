"""Read receipts in the web client survive a reload: two browser contexts, one reading, the
other opening the chat afterwards — ✓✓ in a direct chat, "Read by N" in a group with the list
of readers on a tap."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend, befriend_all, ready
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)


async def friends_with_a_chat(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """mei and wei (Mei Lin, Wei Zhang), friends with a direct chat."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei, (await mei.open_direct("wei"))["id"]


async def reads_in_browser(reader: GuanxiClient, b: Person, title: str, text: str) -> int:
    """`b` (the reader's browser) opens the chat and shows `text`; waits for the read marker
    the page moves (the reader's own devices hear of it), and returns its seq."""
    async with reader.events() as stream:
        await ready(stream)
        await b.open_chat(title)
        await b.bubbles(text).wait_for()
        event = await stream.next_of("conversation.read")
    seq: int = event["seq"]
    return seq


async def test_a_direct_chats_read_receipt_is_shown_after_a_reload(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await friends_with_a_chat(make_user)
    first = await mei.send(chat, "read me please")
    b = await Person.open(browser, server)
    await b.log_in("wei")
    assert await reads_in_browser(wei, b, "Mei Lin", "read me please") == first["seq"]
    assert (await mei.conversation(chat))["peer_last_read_seq"] == first["seq"]
    await mei.send(chat, "not read yet")
    await b.close()

    a = await Person.open(browser, server)  # mei's page opens after wei read: no live event
    await a.log_in("mei")
    for _ in range(2):  # the first load, then a reload
        await a.open_chat("Wei Zhang")
        read = a.page.locator(".msg-row.mine", has_text="read me please").locator(".receipt")
        await read.and_(a.page.locator(".receipt.read")).wait_for()
        assert await read.get_attribute("aria-label") == "Read"
        assert await read.inner_text() == "✓✓"
        later = a.page.locator(".msg-row.mine", has_text="not read yet").locator(".receipt")
        assert await later.get_attribute("aria-label") == "Sent"
        await a.page.reload()
        await a.page.locator(".rail").wait_for()
    await a.close()


async def test_a_group_shows_read_by_n_and_who_after_a_reload(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei", "Mei Lin")
    wei, zed = await make_user("wei", "Wei Zhang"), await make_user("zed", "Zed Qian")
    await befriend_all(mei, wei, zed)
    gid = (await mei.create_group("Hiking club", ["wei", "zed"]))["id"]
    hello = await mei.send(gid, "who is coming?")
    b = await Person.open(browser, server)  # wei reads in his browser, zed on another device
    await b.log_in("wei")
    assert await reads_in_browser(wei, b, "Hiking club", "who is coming?") == hello["seq"]
    await zed.mark_read(gid, hello["seq"])
    assert [u["handle"] for u in await mei.readers(gid, hello["seq"])] == ["wei", "zed"]
    await b.close()

    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.open_chat("Hiking club")
    row = a.page.locator(".msg-row.mine", has_text="who is coming?")
    await row.get_by_role("button", name="Read by 2").wait_for()
    await mei.edit(gid, hello["seq"], "who is coming on Sunday?")  # a live event: no count
    row = a.page.locator(".msg-row.mine", has_text="who is coming on Sunday?")
    await row.get_by_role("button", name="Read by 2").click()  # the count shown is kept
    dialog = a.page.get_by_role("dialog", name="Read by")
    await dialog.get_by_text("Wei Zhang").wait_for()
    await dialog.get_by_text("Zed Qian").wait_for()
    assert await dialog.locator("li.member").count() == 2
    await dialog.get_by_role("button", name="Close").click()
    await a.close()
