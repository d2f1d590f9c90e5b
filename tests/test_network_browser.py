"""The "My network" screen in headless Chromium for the demo community's 林美: her circles as
rings with the people in them, a fading relationship with how long it has been silent, the
contacts strongest first, and one relationship's history. Screenshots at desktop and phone
width go to docs/screenshots/network-*.png when GUANXI_WRITE_SCREENSHOTS=1 (else to a
temporary folder)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from guanxi.cli.demo import PASSWORD, seed_if_empty
from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.settings import Settings
from tests.conftest import RunningServer, UserFactory, befriend
from tests.insight_state import caught_up as follower_caught_up
from tests.test_ledger_web import open_in, shoot
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)


async def caught_up(server: RunningServer, mei: GuanxiClient) -> dict[str, Any]:
    """Insight follows the event log after commit: once its follower has applied the demo's
    whole half year, Mei's insight. (Waiting only until something fades could catch it half
    way, the family's older weeks read and their recent ones not yet: all of them fading.)"""
    await follower_caught_up(server)
    insight: dict[str, Any] = await mei.call("GET", "/me/insight")
    return insight


async def log_in(browser: Any, server: RunningServer, handle: str, phone: bool = False) -> Person:  # noqa: F811
    return await open_in(browser, server, handle, "en-US", phone, password=PASSWORD)


async def open_network(browser: Any, server: RunningServer, phone: bool) -> Person:  # noqa: F811
    person = await log_in(browser, server, "mei", phone)
    page = person.page
    await page.goto(server.url + "/#/me")
    await page.get_by_role("link", name="My network").click()
    await page.locator(".network-rings").wait_for()
    return person


async def test_my_network_shows_the_demo_users_circles_and_fading_ties(
    settings: Settings,
    server: RunningServer,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert await seed_if_empty(settings, Clock().now_ms())
    async with GuanxiClient(server.url) as mei:
        await mei.login("mei", PASSWORD)
        insight = await caught_up(server, mei)
        contacts = (await mei.call("GET", "/me/insight/contacts", limit=100))["contacts"]

    desk = await open_network(browser, server, phone=False)
    page = desk.page
    # the rings: one per circle, each person in the ring of the innermost circle holding them
    circles = [c for c in insight["circles"] if c["size"]]
    assert await page.locator(".network-rings .ring").count() == len(circles)
    drawn = page.locator(".network-rings .ring-person")
    handles = {await drawn.nth(i).get_attribute("data-handle") for i in range(await drawn.count())}
    assert handles == {h for c in circles for h in c["handles"]}
    assert "mama" in circles[0]["handles"] or "mama" in circles[1]["handles"]
    names = await page.locator(".network-rings .ring-name").all_text_contents()
    assert "妈妈" in names and "磊磊" in names  # the remarks 林美 gave them
    await drawn_where_they_are(page, circles, contacts)
    # the legend says what the rings show: each row the people drawn in its ring, and how much
    # bigger the circle is than the one inside it, in words
    sympathy = page.locator('.circle-legend li[data-circle="sympathy group"]')
    assert re.search(r"\d\.\d× the circle inside", await sympathy.inner_text())
    assert await sympathy.locator(".circle-ratio").get_attribute("title") == (
        f"{circles[1]['size'] / circles[0]['size']:.1f} times as many people as the support clique"
    )
    assert "about 3 times the one inside it" in await page.locator(".circles-are").inner_text()
    # the fading classmates, in words: 王磊 (remark 磊磊) has been silent for about four months
    fading = {c["handle"] for c in contacts if c["fading"]}
    assert {"lei", "yun"} <= fading and not {"mama", "baba", "xiaodi"} & fading
    rows = page.locator(".fading-row")
    assert await rows.count() == len(fading)
    lei = await page.locator('.fading-row[data-handle="lei"]').inner_text()
    assert re.search(r"You have not talked with 磊磊 for [45] months", lei), lei
    # every contact, strongest first, as the API orders them
    table = page.locator(".network-table tbody tr")
    shown = [await table.nth(i).get_attribute("data-handle") for i in range(await table.count())]
    assert shown == [c["handle"] for c in contacts][: len(shown)]
    fan = page.locator('.network-table tr[data-handle="fan"]')
    assert await fan.locator("td .stage-contact").count() == 1  # met in a group, never more
    share = insight["feedback_share"]["24h"]
    feedback = page.locator(".network-feedback .share-row", has_text="Within a day")
    assert f"{round(share * 100)}%" in await feedback.inner_text()
    await shoot(page, "network-desktop", tmp_path, 1700)
    phone = await open_network(browser, server, phone=True)
    await drawn_where_they_are(phone.page, circles, contacts)
    await shoot(phone.page, "network-phone", tmp_path, 2650)
    await phone.close()

    # one relationship: since when, how much, of which kinds, who starts
    await page.locator('.network-table tr[data-handle="mama"] a').click()
    await page.locator(".month-bars").wait_for()
    detail = await mei_detail(server)
    assert await page.locator(".month").count() == min(12, len(detail["months"]))
    starts = page.locator(".stat-card", has_text="Who starts")
    assert f"{detail['starts']['me']} (" in await starts.inner_text()
    total = sum(m["sent"] + m["received"] for m in detail["months"])
    together = page.locator(".stat-card", has_text="Together")
    assert f"{total:,}" in await together.inner_text()
    await desk.close()

    async with GuanxiClient(server.url) as fan:  # markup in a name is shown as text
        await fan.login("fan", PASSWORD)
        await fan.call("PATCH", "/me", {"display_name": "<b>樊宇</b>"})
    phone = await open_network(browser, server, phone=True)
    ring = phone.page.locator('.network-rings .ring-person[data-handle="fan"] title')
    assert await ring.text_content() == "<b>樊宇</b>"
    row = phone.page.locator('.network-table tr[data-handle="fan"]')
    assert "<b>樊宇</b>" in await row.inner_text()
    assert await phone.page.locator(".network-page b").count() == 0
    await phone.close()

    # 林美's mother sees her own network: 林美's colleague is nobody there
    mama = await log_in(browser, server, "mama")
    await mama.page.goto(server.url + "/#/me/network")
    await mama.page.locator(".network-table").wait_for()
    assert await mama.page.locator('.network-table tr[data-handle="anna"]').count() == 0
    assert await mama.page.locator('.network-table tr[data-handle="mei"]').count() == 1
    await mama.page.goto(server.url + "/#/me/network/anna")
    await mama.page.locator(".form-error").wait_for()
    assert await mama.page.locator(".month-bars").count() == 0
    await mama.close()


async def drawn_where_they_are(
    page: Any, circles: list[dict[str, Any]], contacts: list[dict[str, Any]]
) -> None:
    """Every drawn person's disc lies wholly inside the ring of the circle the API gives for
    them (its distance from the centre), and so does their name under it (its top and bottom
    in the middle), and the legend row of that circle names them."""
    circle_of = {c["handle"]: c["circle"] for c in contacts}
    drawn: dict[str, Any] = await page.evaluate(
        """() => {
          const svg = document.querySelector('.network-rings');
          const [x0, y0] = svg.getAttribute('viewBox').split(' ').slice(2).map((n) => n / 2);
          const edges = [...svg.querySelectorAll('circle.ring')].map((c) => c.r.baseVal.value);
          const people = [...svg.querySelectorAll('.ring-person')].map((a) => {
            const c = a.querySelector('circle');
            const d = Math.hypot(c.cx.baseVal.value - x0, c.cy.baseVal.value - y0);
            const name = a.querySelector('title').textContent;
            const box = a.querySelector('.ring-name').getBBox();
            const x = box.x + box.width / 2 - x0;
            const label = [box.y, box.y + box.height].map((y) => Math.hypot(x, y - y0));
            return { handle: a.dataset.handle, d, r: c.r.baseVal.value, name, label };
          });
          const me = svg.querySelector('.ring-me circle').r.baseVal.value;
          return { edges: edges.sort((a, b) => a - b), people, me };
        }"""
    )
    edges = drawn["edges"]
    assert len(edges) == len(circles)
    in_ring: dict[str, set[str]] = {c["name"]: set() for c in circles}
    for person in drawn["people"]:
        ring = next(i for i, edge in enumerate(edges) if person["d"] < edge)
        inner = edges[ring - 1] if ring else drawn["me"]
        assert inner < person["d"] - person["r"] and person["d"] + person["r"] < edges[ring], person
        assert all(inner < d < edges[ring] for d in person["label"]), person  # the name too
        assert circles[ring]["name"] == circle_of[person["handle"]], person
        in_ring[circles[ring]["name"]].add(person["name"])
    everyone = set().union(*in_ring.values())
    for circle in circles:
        row = page.locator(f'.circle-legend li[data-circle="{circle["name"]}"] .circle-own')
        text = await row.inner_text()
        named = {name for name in everyone if name in text}
        assert named == in_ring[circle["name"]], (circle["name"], text)


async def mei_detail(server: RunningServer) -> dict[str, Any]:
    async with GuanxiClient(server.url) as mei:
        await mei.login("mei", PASSWORD)
        detail: dict[str, Any] = await mei.call("GET", "/me/insight/contacts/mama")
        return detail


async def test_a_new_users_network_says_what_will_come(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    await make_user("xin", "Xin")
    person = await Person.open(browser, server)
    await person.log_in("xin")
    await person.page.goto(server.url + "/#/me/network")
    await person.page.get_by_text("No one yet").wait_for()
    assert await person.page.locator(".network-rings").count() == 0
    assert await person.page.get_by_text("Your circles form as you keep talking").count() == 1
    hero = person.page.locator(".network-hero")
    assert await hero.get_by_text("0 contacts · 0 relationships").count() == 1
    await person.close()


async def test_one_friend_chatted_with_is_a_contact_and_says_what_makes_a_relationship(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    xin = await make_user("xin", "Xin")
    bo = await make_user("bowen", "Bowen")
    await befriend(xin, bo)
    chat = int((await xin.open_direct("bowen"))["id"])
    for i in range(3):
        await xin.send(chat, f"how was the trip {i}")
        await bo.send(chat, f"great, thanks {i}")
    await server.services.insight_follower.catch_up()
    [contact] = (await xin.call("GET", "/me/insight/contacts"))["contacts"]
    assert contact["stage"] == "contact" and contact["circle"] == "support clique"

    for locale, counts, rule in (
        ("en-US", "1 contact · 0 relationships", "in at least 3 different weeks, 14 days or more"),
        (
            "zh-CN",
            "1 位联系人 · 0 段关系",
            "至少在 3 个不同的星期里，从第一次到最后一次回应相隔 14 天",
        ),
    ):
        person = await open_in(browser, server, "xin", locale)
        page = person.page
        await page.goto(server.url + "/#/me/network")
        await page.locator('.network-rings .ring-person[data-handle="bowen"]').wait_for()
        hero = page.locator(".network-hero")
        assert await hero.locator(".assets-hero-big").inner_text() == counts
        assert rule in await hero.locator(".network-stages").inner_text()
        await person.close()
