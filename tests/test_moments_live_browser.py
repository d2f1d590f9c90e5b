"""Moments live in the web client (headless Chromium, two people, real server): a friend's new
post shows in an open feed as a "1 new moment" bar and only when tapped, never slipped in under
the reader's eyes, and never to someone it is not for; likes and comments by others on one's
own moments raise a badge on the Moments tab and a "new messages" bar that lists who did what
(as text), cleared when seen and still cleared after a reload."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend
from tests.test_web_client import Person, browser  # noqa: F401  (fixture)


async def friends(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient]:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei


async def logged_in(browser: Any, server: RunningServer, handle: str) -> Person:  # noqa: F811
    person = await Person.open(browser, server)
    await person.log_in(handle)
    return person


async def test_a_friends_new_moment_waits_behind_a_bar(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await friends(make_user)
    tao = await make_user("tao", "Tao Wu")  # a stranger to mei
    await befriend(wei, tao)
    await mei.post_moment("an older moment")
    a, b = await logged_in(browser, server, "mei"), await logged_in(browser, server, "wei")
    c = await logged_in(browser, server, "tao")
    await wei.send(int((await wei.open_direct("tao"))["id"]), "hi")
    for person in (b, c):
        # the chat list is loaded once the event stream is ready: from then on nothing is missed
        await person.page.locator(".conv-item").first.wait_for()
        await person.page.get_by_role("link", name="Moments").click()
        await person.page.locator(".feed").wait_for()
    await b.page.get_by_text("an older moment").wait_for()

    # mei posts in her browser: one only for herself, then one for all her friends
    await a.page.goto(server.url + "/#/moments")
    for text, audience in (("just for me", "private"), ("spring walk", "all")):
        await a.page.locator(".pane-head button", has_text="Post").click()
        await a.page.locator("#mo-text").fill(text)
        await a.page.locator("#mo-audience").select_option(audience)
        await a.page.locator("form.stack button[type=submit]").click()
        await a.page.locator(".moment-text", has_text=text).wait_for()
    assert await a.page.locator(".new-moments").count() == 0  # her own posts are no news to her

    bar = b.page.locator(".new-moments")
    await bar.wait_for()
    assert await bar.inner_text() == "1 new moment"  # the private one never reached wei
    assert await b.page.locator(".moment-text", has_text="spring walk").count() == 0
    await bar.click()
    await b.page.locator(".moment-text", has_text="spring walk").wait_for()
    texts = await b.page.locator(".moment-text").all_inner_texts()
    assert texts == ["spring walk", "an older moment"]
    assert await bar.count() == 0
    # the stranger's open feed heard of none of it
    assert await c.page.locator(".new-moments").count() == 0
    assert await c.page.locator(".moment").count() == 0
    for person in (a, b, c):
        await person.close()


async def test_likes_and_comments_on_my_moments_raise_a_badge_with_who_did_what(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei = await friends(make_user)
    moment = int((await mei.post_moment("my garden"))["id"])
    await mei.comment(moment, "my own words are no news")
    a = await logged_in(browser, server, "mei")
    page = a.page
    tab = page.locator(".tab[data-section=moments] .badge")
    assert await page.get_by_role("link", name="Moments", exact=True).count() == 1

    await wei.like(moment)
    await wei.comment(moment, "<b>so</b> pretty")
    await page.get_by_role("link", name="Moments, 2 new").wait_for()
    assert await tab.inner_text() == "2"

    await page.get_by_role("link", name="Moments, 2 new").click()
    bar = page.locator(".notices-bar")
    assert await bar.inner_text() == "2 new messages"
    await bar.click()
    notices = page.locator(".notice")
    await notices.first.wait_for()
    whats = await page.locator(".notice-what").all_inner_texts()
    assert sorted(whats) == ["Wei Zhang commented: <b>so</b> pretty", "Wei Zhang liked your moment"]
    assert await page.locator(".notice b").count() == 0  # a comment's markup stays text
    assert await page.locator(".notice-on").all_inner_texts() == ["“my garden”"] * 2
    await tab.wait_for(state="hidden")  # seen: the badge is gone
    assert await bar.count() == 0

    # seen stays seen after a reload; a new comment is news again
    await page.reload()
    await page.locator(".feed .moment").first.wait_for()
    assert await tab.is_hidden()
    await wei.comment(moment, "again")
    await page.get_by_role("link", name="Moments, 1 new").wait_for()
    await page.locator(".notices-bar", has_text="1 new message").click()
    assert await page.locator(".notice-what").all_inner_texts() == ["Wei Zhang commented: again"]
    await a.close()
