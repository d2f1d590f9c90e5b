"""Accessibility of the web client in a real Chromium: axe-core (pinned in package.json,
installed by scripts/check-js, injected only by this test) finds no serious or critical
violation on any screen, in English and Chinese, in the light and the dark theme; the keyboard
reaches everything without a tab stop per message (a roving tab index in lists and menus),
skip links jump to the chat list and the message box, and the shortcuts work."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend
from tests.test_web_client import WAIT, Person, browser  # noqa: F401 (the fixture)

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


async def log_in(person: Person, handle: str) -> None:
    """Logs in whatever the interface's language (by the fields' ids, not their labels)."""
    await person.page.locator("#auth-handle").fill(handle)
    await person.page.locator("#auth-password").fill(PASSWORD)
    await person.page.locator("#auth-password").press("Enter")
    await person.page.locator(".rail").wait_for()


@functools.cache
def axe_source() -> str:
    """axe-core's script, ending in `undefined`: evaluated for its effect (`window.axe`)."""
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


async def axe_violations(page: Any) -> list[str]:
    """Runs axe on the page as it is; the serious and critical violations, one line each. axe
    is put into the page by the browser's debugging protocol, which the client's Content
    Security Policy (no inline script) does not govern, so the test need not loosen it. (A
    script tag served through `page.route` failed now and then: once the client's service
    worker controls the page, its requests pass the worker, which Playwright cannot route.)"""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(axe_source())
    found = await page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map((v) => ({id: v.id, impact: v.impact,
                          nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " " +
                                 (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}))"""
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found if v["impact"] in BLOCKING]


async def a_full_account(make_user: UserFactory) -> dict[str, Any]:
    """mei with a friend, a direct chat, a group, a moment and a friend request waiting."""
    mei, wei, lan = (
        await make_user("mei", "Mei Lin"),
        await make_user("wei", "Wei Zhang"),
        await make_user("lan", "Lan Chen"),
    )
    await befriend(mei, wei)
    direct = await mei.open_direct("wei")
    await mei.send(direct["id"], "first message")
    await wei.send(direct["id"], "a reply from wei")
    group = await mei.create_group("Hiking", ["wei"])
    await mei.send(group["id"], "hello group")
    await wei.post_moment("a walk in the hills")
    await lan.request_friend("mei", "hi, we met at the market", "acquaintance")
    return {"direct": direct["id"], "group": group["id"], "wei": wei}


SCREENS = [
    "#/chats",
    "#/chats/{direct}",
    "#/chats/{group}/info",
    "#/contacts",
    "#/contacts/u/wei",
    "#/contacts/new",
    "#/moments",
    "#/me",
    "#/me/security",
    "#/me/network",
    "#/me/assets",
]


async def shown(page: Any, hash_: str) -> None:
    """Goes to a screen and waits until it has drawn (the detail pane holds content)."""
    await page.evaluate("(h) => { location.hash = h; }", hash_)
    await page.locator(".main-pane > *").first.wait_for()
    await page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_no_serious_accessibility_violation_on_any_screen(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
    locale: str,
    scheme: str,
) -> None:
    if not AXE.exists():  # scripts/check (and so CI) runs scripts/check-js first: it installs it
        if os.environ.get("GUANXI_REQUIRE_BROWSER") == "1":
            raise RuntimeError(f"{AXE} is missing: bash scripts/check-js installs it")
        pytest.skip(f"no {AXE}: run bash scripts/check-js (it installs the pinned axe-core)")
    ids = await a_full_account(make_user)
    person = await Person.open(browser, server, locale=locale)
    await person.page.emulate_media(color_scheme=scheme)
    found: dict[str, list[str]] = {}
    found["login"] = await axe_violations(person.page)
    # signing up, with the handle's rule under the field and a handle that breaks it
    await person.page.locator(".auth-card .switch button").click()
    await person.page.locator("#auth-handle").fill("mei lin")
    await person.page.locator("#auth-handle-problem:not(:empty)").wait_for()
    found["signup"] = await axe_violations(person.page)
    await person.page.locator(".auth-card .switch button").click()
    await person.page.locator("#auth-handle").fill("")
    await log_in(person, "mei")
    theme = await person.page.evaluate("document.documentElement.dataset.theme")
    assert theme == scheme  # the theme follows the system's by default
    for screen in SCREENS:
        await shown(person.page, screen.format(**ids))
        found[screen] = await axe_violations(person.page)
    for k, v in found.items():
        print(k, *v, sep="\n  ")
    assert {k: v for k, v in found.items() if v} == {}
    await person.close()


async def focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus: its classes, text and, for a message, its seq."""
    return dict(
        await page.evaluate(
            """() => { const el = document.activeElement;
                return {cls: el.className || "", text: (el.textContent || "").trim().slice(0, 60),
                        seq: el.closest(".msg-row")?.dataset.seq || null,
                        conv: el.dataset?.conv || null, tag: el.tagName}; }"""
        )
    )


async def mei_and_wei(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """mei and wei, friends, and their direct chat's id."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    return mei, wei, (await mei.open_direct("wei"))["id"]


async def mei_logged_in(
    browser: Any,  # noqa: F811
    server: RunningServer,
    scheme: str = "light",
) -> Person:
    person = await Person.open(browser, server)
    await person.page.emulate_media(color_scheme=scheme)
    await person.log_in("mei")
    return person


async def test_a_chat_is_one_tab_stop_for_all_its_messages_and_arrows_move_through_them(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    mei, wei, conv = await mei_and_wei(make_user)
    for n in range(1, 13):
        await (mei if n % 2 else wei).send(conv, f"message {n}")
    person = await mei_logged_in(browser, server)
    page = person.page
    await person.open_chat("Wei Zhang")
    await person.bubbles("message 12").wait_for()
    await page.locator(".composer-input:focus").wait_for()  # the chat has loaded
    # from the page's first stop to the message box: every stop on the way, one message only
    await page.evaluate("document.querySelector('.skip-link').focus()")
    stops: list[dict[str, Any]] = []
    while "composer-input" not in (await focused(page))["cls"]:
        await page.keyboard.press("Tab")
        stops.append(await focused(page))
        assert len(stops) < 40, stops
    messages = [s for s in stops if "bubble" in s["cls"]]
    assert [m["seq"] for m in messages] == ["12"]  # the stop is on the newest message
    assert sum("conv-item" in s["cls"] for s in stops) == 1  # the chat list: one stop too
    # the rail, the list's tools, the chat header (notifications, chat menu, info), the log,
    # the newest message, the composer: eight stops from the chat's header to its box, however
    # long the chat
    header = next(i for i, s in enumerate(stops) if "conv-item" in s["cls"])
    assert len(stops) - header - 1 <= 8, [(s["cls"], s["text"][:20]) for s in stops[header:]]
    # arrows move between messages; Home and End go to the ends
    await page.keyboard.press("Shift+Tab")
    while (await focused(page))["seq"] != "12":
        await page.keyboard.press("Shift+Tab")
    await page.keyboard.press("ArrowUp")
    assert (await focused(page))["seq"] == "11"
    await page.keyboard.press("Home")
    assert (await focused(page))["seq"] == "1"
    await page.keyboard.press("ArrowDown")
    assert (await focused(page))["seq"] == "2"
    await page.keyboard.press("End")
    assert (await focused(page))["seq"] == "12"
    await page.keyboard.press("ArrowUp")
    # the tab stop stays where the reader left it: Tab away and back lands on message 11
    tab_index = await page.evaluate(
        "[...document.querySelectorAll('.bubble')].filter(b => b.tabIndex === 0)"
        ".map(b => b.closest('.msg-row').dataset.seq)"
    )
    assert tab_index == ["11"]
    # Enter opens the message's menu: arrows go through its items, Esc closes it and gives
    # the focus back to the message
    await page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    await menu.wait_for()
    first = await focused(page)
    assert first["cls"] == "menu-emoji"
    await page.keyboard.press("End")
    last = await focused(page)
    assert last["cls"] == "menu-item" and last["text"] == "Select messages"  # the last item
    await page.keyboard.press("Home")
    assert (await focused(page))["text"] == first["text"]
    await page.keyboard.press("ArrowDown")
    assert (await focused(page))["text"] != first["text"]
    await page.keyboard.press("Escape")
    await menu.wait_for(state="detached")
    assert (await focused(page))["seq"] == "11"
    await person.close()


async def test_the_focus_put_elsewhere_while_a_chat_loads_stays_there(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    """A chat that has loaded focuses its message box, unless the focus moved meanwhile: not
    only by a key or a pointer, but by a script or an assistive tool (no key event comes)."""
    _, wei, conv = await mei_and_wei(make_user)
    await wei.send(conv, "are you there?")  # unread: once loaded, the chat marks it read
    person = await mei_logged_in(browser, server)
    page = person.page
    came, released = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        came.set()
        await released.wait()
        await route.continue_()

    await page.route(re.compile(rf"/api/v1/conversations/{conv}$"), hold)
    await page.goto(f"{server.url}/#/chats/{conv}")
    await asyncio.wait_for(came.wait(), WAIT / 1000)
    await page.evaluate("document.querySelector('.search-input').focus()")
    # the read mark is sent 250 ms after the chat finished loading, when it chose the focus
    async with page.expect_request(lambda r: r.url.endswith(f"/conversations/{conv}/read")):
        released.set()
    await person.bubbles("are you there?").wait_for()
    assert "search-input" in (await focused(page))["cls"]
    # the box still takes what is typed: the search finds the message
    await page.keyboard.type("there")
    await page.locator(".search-group .search-hit").first.wait_for()
    await person.close()


async def test_skip_links_shortcuts_and_the_chat_list_by_keyboard(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    mei, wei, lan = (
        await make_user("mei", "Mei Lin"),
        await make_user("wei", "Wei Zhang"),
        await make_user("lan", "Lan Chen"),
    )
    await befriend(mei, wei)
    await befriend(mei, lan)
    older = await mei.open_direct("lan")
    await lan.send(older["id"], "older chat")
    newer = await mei.open_direct("wei")
    await wei.send(newer["id"], "newer chat")
    person = await Person.open(browser, server)
    await person.log_in("mei")
    page = person.page
    await page.locator(".conv-item", has_text="Lan Chen").wait_for()
    # the page's first tab stop is "Skip to chat list" (shown when focused); Enter puts the
    # focus in the list
    first = await page.evaluate(
        """() => [...document.querySelectorAll("a[href], button, input, textarea, [tabindex]")]
            .find((el) => el.tabIndex >= 0 && !el.disabled && !el.closest("[hidden]"))
            .textContent"""
    )
    assert first == "Skip to chat list"
    skip = page.get_by_role("button", name="Skip to chat list")
    await skip.focus()
    assert await skip.evaluate("el => el.getBoundingClientRect().top >= 0")  # on screen
    await page.keyboard.press("Enter")  # the focus moves once the router has drawn #/chats
    await page.wait_for_function(
        "(id) => document.activeElement?.dataset?.conv === id", arg=str(newer["id"])
    )  # the list's one stop
    # ↓ and ↑ move in the list (one tab stop); Enter opens the chat
    await page.keyboard.press("ArrowDown")
    assert (await focused(page))["conv"] == str(older["id"])
    await page.keyboard.press("Enter")
    await page.wait_for_function(f"() => location.hash === '#/chats/{older['id']}'")
    # "Skip to message box" is there while a chat is open (on a desktop the box takes the
    # focus once the chat has loaded: wait for that first)
    await page.wait_for_function(
        "() => document.activeElement.classList.contains('composer-input')"
    )
    await page.evaluate("document.querySelector('.skip-link').focus()")
    await page.keyboard.press("Tab")
    assert (await focused(page))["text"] == "Skip to message box"
    await page.keyboard.press("Enter")
    assert "composer-input" in (await focused(page))["cls"]
    # Enter sends, Shift+Enter breaks the line
    await page.keyboard.type("two")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("lines")
    await page.keyboard.press("Enter")
    await person.bubbles("two\nlines").wait_for()
    # Alt+↑ / Alt+↓: the previous and the next chat in the list's order (newest first; the
    # chat just written to is on top now)
    await page.keyboard.press("Alt+ArrowDown")
    await page.wait_for_function(f"() => location.hash === '#/chats/{newer['id']}'")
    await page.keyboard.press("Alt+ArrowUp")
    await page.wait_for_function(f"() => location.hash === '#/chats/{older['id']}'")
    # Ctrl+K goes to the search box from anywhere; Esc empties it
    await page.evaluate("location.hash = '#/me'")
    await page.locator("#me-name").wait_for()
    await page.keyboard.press("Control+k")
    search = page.locator(".search-input")
    assert await search.evaluate("el => el === document.activeElement")
    await person.close()


async def test_the_theme_is_chosen_in_me_and_kept_on_the_device(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    await make_user("mei", "Mei Lin")
    person = await Person.open(browser, server)
    page = person.page
    await page.emulate_media(color_scheme="light")
    await person.log_in("mei")
    theme = "document.documentElement.dataset.theme"
    assert await page.evaluate(theme) == "light"
    await page.evaluate("location.hash = '#/me'")
    await page.get_by_label("Theme").select_option("dark")
    assert await page.evaluate(theme) == "dark"
    background = "getComputedStyle(document.querySelector('.card')).backgroundColor"
    assert await page.evaluate(background) == "rgb(38, 44, 49)"
    await page.reload()
    await page.locator(".rail").wait_for()
    assert await page.evaluate(theme) == "dark"  # kept on this device
    # "as the system" follows the system's setting, live
    await page.get_by_label("Theme").select_option("system")
    assert await page.evaluate(theme) == "light"
    await page.emulate_media(color_scheme="dark")
    await page.wait_for_function(f"() => {theme} === 'dark'")
    await person.close()


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 300), (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


async def test_a_profile_picture_is_cropped_sent_and_shown_where_initials_were(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    mei, wei, conv = await mei_and_wei(make_user)
    await wei.send(conv, "hi mei")
    await wei.create_group("家", ["mei"])  # a one-character group name
    person = await mei_logged_in(browser, server)
    page = person.page
    # the group named by one character gets the group glyph, not a lone "initial"
    group = page.locator(".conv-item", has_text="家")
    await group.locator(".avatar svg.icon").wait_for()
    await page.evaluate("location.hash = '#/me'")
    await page.locator(".picture-card input[type=file]").set_input_files(
        {"name": "wide.png", "mimeType": "image/png", "buffer": picture()}
    )
    dialog = page.get_by_role("dialog", name="Crop your picture")
    await dialog.wait_for()
    canvas = dialog.locator("canvas")
    assert await canvas.evaluate("el => el === document.activeElement")  # keyboard first
    await page.keyboard.press("+")
    await page.keyboard.press("ArrowRight")
    assert float(await dialog.get_by_role("slider", name="Zoom").input_value()) > 1
    await dialog.get_by_role("button", name="Use this picture").click()
    await page.locator(".picture-card .avatar img.avatar-img").wait_for()
    version = (await mei.me())["avatar"]
    assert version
    square = Image.open(io.BytesIO(await wei.avatar("mei")))
    assert square.width == square.height  # cropped to a square in the client
    # the friend sees it where the initials were: the chat list and the contact
    other = await Person.open(browser, server)
    await other.log_in("wei")
    await other.page.locator(".conv-item", has_text="Mei Lin").locator("img.avatar-img").wait_for()
    # removed: initials again
    await page.get_by_role("button", name="Remove picture").click()
    await page.locator(".picture-card .avatar img").wait_for(state="detached")
    assert (await mei.me())["avatar"] is None
    await person.close()
    await other.close()


CONTRAST = """(sel) => {
    const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const backOf = (el) => { for (; el; el = el.parentElement) {
        const c = getComputedStyle(el).backgroundColor;
        if (!c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c; }
        return "rgb(255, 255, 255)"; };
    return [...document.querySelectorAll(sel)].map((el) => {
        const [a, b] = [lum(getComputedStyle(el).color), lum(backOf(el))];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_read_tick_times_and_initials_meet_aa_contrast(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
    scheme: str,
) -> None:
    """What axe may pass over (a glyph, text hidden from screen readers) measured here: the
    ✓✓ of a read message at 11 px, the time beside it, and the initials on every colour."""
    mei, wei, conv = await mei_and_wei(make_user)
    sent = await mei.send(conv, "read me")
    await wei.mark_read(conv, sent["seq"])
    for n in range(8):  # enough people for every avatar colour, in my contacts
        friend = await make_user(f"friend{n}", f"Friend {n}")
        await befriend(mei, friend)
    person = await mei_logged_in(browser, server, scheme)
    page = person.page
    await person.open_chat("Wei Zhang")
    await page.locator(".mine .receipt.read").wait_for()
    for selector in [".mine .receipt.read", ".mine .meta time", ".msg-row .meta"]:
        ratios = await page.evaluate(CONTRAST, selector)
        assert ratios and min(ratios) >= 4.5, (selector, ratios)
    await page.evaluate("location.hash = '#/contacts'")
    await page.locator(".conv-item", has_text="Friend 7").wait_for()
    colours = await page.evaluate(
        "[...new Set([...document.querySelectorAll('.avatar')].map("
        "(el) => getComputedStyle(el).backgroundColor))]"
    )
    assert len(colours) >= 5
    ratios = await page.evaluate(CONTRAST, ".conv-list .avatar")
    assert min(ratios) >= 4.5, ratios
    await person.close()
