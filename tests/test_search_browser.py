"""Search in the web client (headless Chromium, real server): one box finds chats, contacts,
messages and moments; a message hit's match is marked as text (markup typed by a user stays
text) and a tap opens the chat at that message, loading earlier history to reach it; a
recalled message is not shown; "no results" is said; a late answer to an older query never
replaces a newer query's results; Ctrl+K focuses the box from anywhere."""

from __future__ import annotations

import asyncio
from typing import Any

from guanxi.client import GuanxiClient
from tests import configured
from tests.conftest import RunningServer, UserFactory, befriend
from tests.test_moments_live_browser import logged_in
from tests.test_unread_browser import IN_VIEW
from tests.test_web_client import browser  # noqa: F401  (fixture)

# a hundred messages set up in a moment, past the default burst
settings = configured.settings(rate_limit_messages="500,100/s")


async def friends(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """mei and wei, friends, with their direct chat."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei, int((await mei.open_direct("wei"))["id"])


async def history(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int, int]:
    """mei and wei, friends; early in their chat wei wrote of <b>badminton</b>, then a hundred
    messages followed (more than two pages) and one about badminton that wei recalled; wei
    posted a moment about badminton. Returns the clients, the chat and the early seq."""
    mei, wei, chat = await friends(make_user)
    await mei.send(chat, "hello")
    early = await wei.send(chat, "Sunday: <b>Badminton</b> at the gym?")
    for n in range(1, 101):
        await mei.send(chat, f"filler {n}")
    gone = await wei.send(chat, "badminton is off, forget it")
    await wei.recall(chat, gone["seq"])
    await wei.post_moment("Badminton club tonight")
    return mei, wei, chat, int(early["seq"])


async def test_one_box_finds_messages_and_moments_and_opens_the_chat_at_the_hit(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    _, _, chat, early = await history(make_user)
    a = await logged_in(browser, server, "mei")
    page = a.page
    await page.locator(".conv-item", has_text="Wei Zhang").wait_for()  # the chats are loaded
    box = page.get_by_label("Search chats, contacts, messages and moments")
    await box.fill("badminton")

    messages = page.locator(".search-group[aria-label=Messages] .search-hit")
    await messages.first.wait_for()
    assert await messages.count() == 1  # the recalled one is not found, not shown
    hit = messages.first
    assert await hit.locator(".search-line").inner_text() == "Sunday: <b>Badminton</b> at the gym?"
    assert await hit.locator("mark").all_inner_texts() == ["Badminton"]
    assert await hit.locator("b").count() == 0  # markup typed by a user stays text
    results = page.locator(".search-results")
    assert "forget it" not in await results.inner_text()
    moments = page.locator(".search-group[aria-label=Moments] .search-hit")
    assert await moments.count() == 1
    assert await moments.locator("mark").all_inner_texts() == ["Badminton"]
    assert not await page.locator(".conv-list").is_visible()  # the results stand in for the list

    # a tap opens the chat at that message, two pages back
    await hit.click()
    await page.wait_for_url(f"**/#/chats/{chat}/at/{early}")
    row = page.locator(f".msg-row[data-seq='{early}']")
    await row.and_(page.locator(".flash")).wait_for()
    assert await row.evaluate(IN_VIEW)
    assert await row.locator(".text").inner_text() == "Sunday: <b>Badminton</b> at the gym?"
    assert await page.locator(".msg-row .text", has_text="forget it").count() == 0

    # the moment hit leads to the author's moments
    await box.fill("club")
    await page.locator(".search-group[aria-label=Moments] .search-hit").click()
    await page.wait_for_url("**/#/moments/wei")
    await page.get_by_text("Badminton club tonight").wait_for()
    await a.close()


async def test_chats_and_contacts_by_name_and_no_results(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await friends(make_user)
    await mei.send(chat, "hello")
    a = await logged_in(browser, server, "mei")
    page = a.page
    box = page.get_by_label("Search chats, contacts, messages and moments")
    await box.fill("zhang")
    chats = page.locator(".search-group[aria-label=Chats] .search-hit")
    contacts = page.locator(".search-group[aria-label=Contacts] .search-hit")
    await contacts.first.wait_for()
    await chats.first.wait_for()  # each as soon as the client has loaded its chats and friends
    assert await chats.locator("mark").all_inner_texts() == ["Zhang"]
    assert await contacts.locator(".search-title").inner_text() == "Wei Zhang"
    await page.locator(".search-status").wait_for(state="detached")  # messages: none, said by none
    await contacts.click()
    await page.wait_for_url("**/#/contacts/u/wei")

    await page.goto(server.url + "/#/chats")
    await box.fill("nothing like this")
    await page.get_by_text("No results for “nothing like this”").wait_for()
    assert await page.locator(".search-hit").count() == 0
    # Esc empties the box and the chats come back
    await box.press("Escape")
    await page.locator(".conv-item", has_text="Wei Zhang").wait_for()
    await a.close()


async def test_a_late_answer_never_replaces_a_newer_querys_results(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    _, wei, chat = await friends(make_user)
    await wei.send(chat, "apples and pears")
    await wei.send(chat, "pears only")
    a = await logged_in(browser, server, "mei")
    page = a.page
    held, release = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:  # the answer for "apples" is kept back
        held.set()
        await release.wait()
        await route.continue_()

    await page.route("**/api/v1/search?q=apples*", hold)
    await page.locator(".conv-item", has_text="Wei Zhang").wait_for()  # the chats are loaded
    box = page.get_by_label("Search chats, contacts, messages and moments")
    await box.fill("apples")
    await asyncio.wait_for(held.wait(), 20)  # the request for "apples" has left
    await box.fill("pears only")
    lines = page.locator(".search-group[aria-label=Messages] .search-line")
    await lines.first.wait_for()
    assert await lines.all_inner_texts() == ["pears only"]

    async with page.expect_event("requestfinished", lambda r: "q=apples" in r.url):
        release.set()
    await page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # its handler ran
    assert await lines.all_inner_texts() == ["pears only"]
    assert await box.input_value() == "pears only"
    await a.close()


async def test_ctrl_k_focuses_the_search_box(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await make_user("mei", "Mei Lin")
    a = await logged_in(browser, server, "mei")
    page = a.page
    box = page.get_by_label("Search chats, contacts, messages and moments")
    await page.locator(".rail").click()
    await page.keyboard.press("Control+k")
    assert await box.evaluate("(el) => el === document.activeElement")
    await page.goto(server.url + "/#/moments")  # another section: Chats first, then the box
    await page.locator(".feed").wait_for()
    await page.keyboard.press("Meta+k")
    await box.wait_for()
    await page.wait_for_function("() => document.activeElement?.classList.contains('search-input')")
    assert page.url.endswith("#/chats")
    await a.close()


async def test_a_message_hit_in_a_direct_chat_wears_the_chats_avatar_whoever_wrote_it(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await friends(make_user)
    await mei.send(chat, "mine about tea")  # titled "Wei Zhang": not in my own colour
    await wei.send(chat, "theirs about tea")
    a = await logged_in(browser, server, "mei")
    page = a.page
    listed = page.locator(".conv-item", has_text="Wei Zhang").locator(".avatar")
    await listed.wait_for()
    colour = await listed.evaluate("el => el.style.background")
    await page.get_by_label("Search chats, contacts, messages and moments").fill("tea")
    hits = page.locator(".search-group[aria-label=Messages] .search-hit")
    await hits.nth(1).wait_for()
    for n in range(2):
        avatar = hits.nth(n).locator(".avatar")
        assert await avatar.inner_text() == "W"
        assert await avatar.evaluate("el => el.style.background") == colour
    await a.close()
