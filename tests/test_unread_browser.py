"""Unread messages and drafts in the web client (headless Chromium, real server): a chat with
unread messages opens at a "New messages" divider above the first of them, loading earlier
history to reach it; a button jumps back up to it; the jump-to-bottom button counts what is
new below; tapping a reply's quote jumps to the quoted message, loading history as far back
as needed; drafts stay per chat across switching and reloading, show as "Draft:" in the chat
list, and go when sent or on logging out."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from guanxi.client import GuanxiClient
from tests import configured
from tests.conftest import RunningServer, UserFactory, befriend, befriend_all
from tests.test_web_client import Person, browser  # noqa: F401  (fixture)

# a hundred messages set up in a moment, past the default burst
settings = configured.settings(rate_limit_messages="500,100/s")

IN_VIEW = """(el) => {
  const box = el.closest('.messages').getBoundingClientRect();
  const r = el.getBoundingClientRect();
  return r.bottom > box.top && r.top < box.bottom;
}"""


async def in_view(page: Any, selector: Any) -> bool:
    shown: bool = await selector.evaluate(IN_VIEW)
    return shown


async def new_below(page: Any) -> int:
    """The number the jump-to-bottom button shows (0 when it shows none)."""
    text = await page.locator(".jump").inner_text()
    found = re.match(r"(\d+) new", text)
    return int(found.group(1)) if found else 0


async def chat_of(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei, int((await mei.open_direct("wei"))["id"])


async def wei_in(browser: Any, server: RunningServer) -> Person:  # noqa: F811
    b = await Person.open(browser, server)
    await b.log_in("wei")
    return b


async def test_a_chat_opens_at_the_first_unread(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    for n in range(1, 6):
        await mei.send(chat, f"seen before {n}")
    await wei.mark_read(chat, 5)
    for n in range(1, 61):  # more than a page: the first unread is on an earlier one
        await mei.send(chat, f"unread {n}")
    b = await wei_in(browser, server)
    page = b.page
    await b.open_chat("Mei Lin")
    divider = page.locator(".unread-divider")
    await divider.wait_for()
    assert await page.locator(".unread-divider").count() == 1
    row = page.locator(".msg-row", has=divider)
    assert await row.locator(".text").inner_text() == "unread 1"
    assert await in_view(page, divider)
    assert await in_view(page, b.bubbles("seen before 5"))
    # the rest lies below: the jump-to-bottom button counts it
    jump = page.locator(".jump")
    await jump.wait_for()
    below = await new_below(page)
    assert 0 < below < 60

    # one more arrives while wei reads up there: one more below
    await mei.send(chat, "while you read")
    await page.locator(".jump", has_text=f"{below + 1} new").wait_for()

    # to the bottom: the newest in view, nothing counted; the way back up is offered
    await jump.click()
    assert await in_view(page, b.bubbles("while you read"))
    await jump.wait_for(state="hidden")
    back = page.get_by_role("button", name="Jump to the first of 60 unread messages")
    await back.click()
    await page.wait_for_function(IN_VIEW, arg=await divider.element_handle())
    await back.wait_for(state="hidden")
    await b.close()


async def test_the_first_unread_further_back_is_reached_by_its_button(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    await mei.send(chat, "the last one read")
    await wei.mark_read(chat, 1)
    for n in range(1, 201):  # more pages than opening the chat loads
        await mei.send(chat, f"unread {n}")
    b = await wei_in(browser, server)
    page = b.page
    await b.open_chat("Mei Lin")
    back = page.get_by_role("button", name="Jump to the first of 200 unread messages")
    await back.wait_for()
    assert await page.locator(".unread-divider").count() == 0
    await back.click()
    divider = page.locator(".unread-divider")
    await divider.wait_for()
    row = page.locator(".msg-row", has=divider)
    assert await row.locator(".text").inner_text() == "unread 1"
    await page.wait_for_function(IN_VIEW, arg=await divider.element_handle())
    assert await in_view(page, b.bubbles("the last one read"))
    await b.close()


async def test_a_chat_without_unread_opens_at_the_bottom(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    for n in range(1, 50):
        last = await mei.send(chat, f"line {n}")
    await wei.mark_read(chat, last["seq"])
    b = await wei_in(browser, server)
    await b.open_chat("Mei Lin")
    await b.bubbles("line 49").wait_for()
    assert await in_view(b.page, b.bubbles("line 49"))
    assert await b.page.locator(".unread-divider").count() == 0
    assert await b.page.locator(".jump-unread").is_hidden()
    await b.close()


async def test_a_quote_jumps_to_the_message_it_quotes(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    original = await mei.send(chat, "the original question")
    for n in range(90):  # two pages and more between the question and its answer
        await mei.send(chat, f"filler {n}")
    answer = await wei.send(chat, "the answer", reply_to=original["seq"])
    await wei.mark_read(chat, answer["seq"])
    b = await wei_in(browser, server)
    page = b.page
    await b.open_chat("Mei Lin")
    await b.bubbles("the answer").wait_for()
    assert await page.locator(f'.msg-row[data-seq="{original["seq"]}"]').count() == 0
    await page.locator(".msg-row", has_text="the answer").locator(".quote").click()
    target = page.locator(f'.msg-row[data-seq="{original["seq"]}"]')
    await target.wait_for()
    await page.wait_for_function(IN_VIEW, arg=await target.element_handle())
    assert "flash" in (await target.get_attribute("class") or "")
    await b.close()


async def test_a_quote_from_before_one_joined_stays_out_of_reach(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, lei = await make_user("mei", "Mei Lin"), await make_user("lei", "Lei")
    wei = await make_user("wei", "Wei Zhang")
    await befriend_all(mei, lei, wei)
    group = int((await mei.create_group("家", ["lei"]))["id"])
    before = await mei.send(group, "said before wei came")
    await mei.add_members(group, ["wei"])
    await lei.send(group, "answering it", reply_to=before["seq"])
    b = await wei_in(browser, server)
    page = b.page
    await b.open_chat("家")
    await b.bubbles("answering it").wait_for()
    await page.locator(".msg-row", has_text="answering it").locator(".quote").click()
    await page.get_by_text("That message is not in the history you can see.").wait_for()
    assert await page.get_by_text("said before wei came").count() == 0
    await b.close()


async def test_drafts_stay_per_chat_and_go_when_sent_or_on_logout(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    tao = await make_user("tao", "Tao")
    await befriend(tao, wei)
    await tao.send(int((await tao.open_direct("wei"))["id"]), "hi from tao")
    await mei.send(chat, "hi from mei")
    b = await wei_in(browser, server)
    page = b.page
    box = page.locator(".composer-input")
    await b.open_chat("Mei Lin")
    await box.fill("half a thought\nsecond line")
    await b.open_chat("Tao")
    assert await box.input_value() == ""
    mei_item = page.locator(".conv-item", has_text="Mei Lin")
    await mei_item.locator(".conv-preview", has_text="Draft: half a thought").wait_for()
    assert "second line" not in await mei_item.inner_text()

    # a reload keeps it, and the chat's box has it back
    await page.reload()
    await mei_item.locator(".conv-preview", has_text="Draft: half a thought").wait_for()
    await b.open_chat("Mei Lin")
    assert await box.input_value() == "half a thought\nsecond line"

    # sent: gone from the list and from the device
    await box.press("Enter")
    await b.bubbles("second line").wait_for()
    await page.goto(server.url + "/#/chats")
    await mei_item.locator(".conv-preview", has_text="half a thought").wait_for()
    assert await mei_item.locator(".draft-label").count() == 0
    assert (
        await page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('guanxi.draft.'))")
        == []
    )

    # a new draft, then logging out: nothing of it stays on the device
    await b.open_chat("Tao")
    await box.fill("for tao")
    await page.goto(server.url + "/#/me")
    await page.get_by_role("button", name="Log out").click()
    await page.get_by_role("button", name="Log in").wait_for()
    assert (
        await page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('guanxi.draft.'))")
        == []
    )
    await b.close()


async def hold_the_load(page: Any, chat: int) -> asyncio.Event:
    """The chat's own load (GET /conversations/{chat}) waits until the event is set."""
    release = asyncio.Event()

    async def held(route: Any) -> None:
        await release.wait()
        await route.continue_()

    await page.route(re.compile(rf".*/api/v1/conversations/{chat}$"), held)
    return release


async def test_typing_while_a_chat_loads_goes_on_in_the_loaded_box(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """The box shown while the chat loads is replaced by the loaded chat's own: what was typed
    moves over, and so does the focus, so keys pressed after the swap are not lost."""
    mei, _, chat = await chat_of(make_user)
    await mei.send(chat, "hi from mei")
    b = await wei_in(browser, server)
    page = b.page
    release = await hold_the_load(page, chat)
    await page.locator(".conv-item", has_text="Mei Lin").click()
    box = page.locator(".composer-input")
    await box.click()
    await box.evaluate("el => { el.dataset.first = '1'; }")
    await page.keyboard.type("before ")
    release.set()
    await page.locator(".composer-input:not([data-first])").wait_for()  # loaded: box replaced
    await page.keyboard.type("after")
    assert await box.input_value() == "before after"
    await page.unroute(re.compile(rf".*/api/v1/conversations/{chat}$"))
    await page.goto(server.url + "/#/chats")
    mei_item = page.locator(".conv-item", has_text="Mei Lin")
    await mei_item.locator(".conv-preview", has_text="Draft: before after").wait_for()


async def test_a_focus_moved_while_a_chat_loads_stays_where_the_reader_put_it(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """On a desktop the loaded chat puts the focus in its message box, unless the reader moved
    it elsewhere while the chat loaded: a keyboard user tabbing through the header keeps
    their place (tabbing was cut short by the box taking the focus)."""
    mei, _, chat = await chat_of(make_user)
    await mei.send(chat, "hi from mei")
    b = await wei_in(browser, server)
    page = b.page
    release = await hold_the_load(page, chat)
    await page.locator(".conv-item", has_text="Mei Lin").click()
    await page.locator(".composer-input").wait_for()
    search = page.locator(".search-input")
    await search.click()
    async with page.expect_request(re.compile(rf".*/conversations/{chat}/read$")):
        release.set()  # the chat loads; its read marker goes out after the focus was decided
    assert await search.evaluate("el => el === document.activeElement")
    # untouched, the loaded chat's box takes the focus
    await page.unroute(re.compile(rf".*/api/v1/conversations/{chat}$"))
    await page.goto(server.url + "/#/chats")
    await page.locator(".conv-item", has_text="Mei Lin").click()
    await page.locator(".composer-input:focus").wait_for()
