"""What floats over a chat stays out of the way, on a phone (390×844) and on a desktop (headless
Chromium, real server): the full emoji picker lies whole on the screen wherever its message is
(near the top, near the bottom, one's own, one taller than the screen) and scrolls inside; the
button back to the first unread message hides no message, and moves none as it comes and
goes; notes (toasts) cover no header control, such as the phone's search box over the chat
list."""

from __future__ import annotations

from typing import Any

from tests import configured
from tests.conftest import RunningServer, UserFactory
from tests.test_unread_browser import chat_of
from tests.test_web_client import Person, browser  # noqa: F401  (fixture)

# a couple of hundred messages set up in a moment, past the default burst
settings = configured.settings(rate_limit_messages="500,100/s")

Box = tuple[float, float, float, float]  # left, top, right, bottom
BOX = "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
LONG = "a long story " * 120
# scrolls the "New messages" divider just out of view, marks a message below it, and says
# where that message is on the screen
PAST_THE_DIVIDER = """() => {
  const list = document.querySelector('.messages');
  const divider = document.querySelector('.unread-divider');
  list.scrollTop += divider.getBoundingClientRect().bottom - list.getBoundingClientRect().top + 4;
  const top = list.getBoundingClientRect().top + 100;
  const below = (b) => b.getBoundingClientRect().top > top;
  const row = [...list.querySelectorAll('.bubble')].find(below);
  row.dataset.marked = '1';
  return row.getBoundingClientRect().top;
}"""


async def box(locator: Any) -> Box:
    left, top, right, bottom = await locator.evaluate(BOX)
    return left, top, right, bottom


def inside(inner: Box, outer: Box) -> bool:
    left, top, right, bottom = outer
    return inner[0] >= left and inner[1] >= top and inner[2] <= right and inner[3] <= bottom


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clipped(a: Box, to: Box) -> Box:
    return max(a[0], to[0]), max(a[1], to[1]), min(a[2], to[2]), min(a[3], to[3])


def screen(page: Any) -> Box:
    size = page.viewport_size
    return 0, 0, size["width"], size["height"]


async def picker_is_whole(page: Any, text: Any, block: str) -> None:
    """Opens the full picker on the message `text`, scrolled to `block` of the list, and checks
    it lies on the screen with its first row whole, and scrolls inside."""
    await text.evaluate(f"(el) => el.scrollIntoView({{block: '{block}'}})")
    await text.click(button="right")
    await page.get_by_role("menuitem", name="More reactions").click()
    picker = page.locator(".emoji-picker")
    await picker.locator(".emoji").nth(8).wait_for()
    where = await box(picker)
    assert inside(where, screen(page)), (block, where)
    for n in range(8):  # the first row, its first column too
        assert inside(await box(picker.locator(".emoji").nth(n)), where)
    grid = picker.locator(".emoji-body")
    await grid.hover()
    await page.mouse.wheel(0, 400)
    await page.wait_for_function("() => document.querySelector('.emoji-body').scrollTop > 0")
    assert await box(picker) == where  # the picker scrolled, not the chat under it
    await page.keyboard.press("Escape")
    await picker.wait_for(state="detached")


async def test_the_full_emoji_picker_lies_whole_on_the_screen(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    await mei.send(chat, "the very first")
    await mei.send(chat, LONG)
    for n in range(1, 31):
        await (wei if n % 3 == 0 else mei).send(chat, f"line {n}")
    for phone in (True, False):
        b = await Person.open(browser, server, phone=phone)
        page = b.page
        await b.log_in("wei")
        await b.open_chat("Mei Lin")
        for text, block in [
            ("the very first", "start"),  # near the top of the chat
            ("line 29", "end"),  # near the bottom
            ("line 30", "end"),  # wei's own, on the right
            ("line 3", "start"),
            ("a long story", "center"),  # taller than the room above and below
        ]:
            await picker_is_whole(page, b.bubbles(text).first, block)
        await b.close()


async def test_the_button_to_the_first_unread_hides_no_message(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await chat_of(make_user)
    await mei.send(chat, "the last one read")
    await wei.mark_read(chat, 1)
    for phone in (True, False):
        for n in range(1, 201):  # more than opening the chat loads: the button shows
            await mei.send(chat, f"unread {n}, a line long enough to reach across a phone's screen")
        b = await Person.open(browser, server, phone=phone)
        page = b.page
        await b.log_in("wei")
        await b.open_chat("Mei Lin")
        up = page.locator(".jump-unread")
        await up.wait_for()
        for scrolled in (0, 300, 1200):
            await page.evaluate(f"document.querySelector('.messages').scrollTop = {scrolled}")
            await page.wait_for_function("() => !document.querySelector('.jump-unread').hidden")
            pill, list_ = await box(up), await box(page.locator(".messages"))
            assert inside(pill, screen(page))
            for control in await page.locator(".pane-head button, .pane-head a").all():
                assert not overlap(pill, await box(control))
            for bubble in await page.locator(".messages .bubble").all():
                seen = clipped(await box(bubble), list_)  # as far as the list shows it
                assert not overlap(pill, seen), (phone, scrolled, seen, pill)
        # at the divider the button goes; scrolled past it, it comes back, moving nothing
        await up.click()
        await page.locator(".unread-divider").wait_for()
        await up.wait_for(state="hidden")
        before = await page.evaluate(PAST_THE_DIVIDER)
        await up.wait_for()
        marked = page.locator("[data-marked]")
        after = await marked.evaluate("(el) => el.getBoundingClientRect().top")
        assert abs(after - before) < 1
        await b.close()


async def test_notes_cover_no_header_control(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await chat_of(make_user)
    await mei.send(chat, "hello")
    n = 0
    for phone in (True, False):
        b = await Person.open(browser, server, phone=phone)
        page = b.page
        await b.log_in("wei")
        await page.locator(".conv-item", has_text="Mei Lin").wait_for()
        for where in ("the chat list", "a chat"):
            if where == "a chat":
                await b.open_chat("Mei Lin")
            n += 1
            stranger = await make_user(f"stranger{n}", f"Stranger {n}")
            await stranger.request_friend("wei", "hi", "classmate")  # a note arrives live
            toast = page.locator(".toast", has_text=f"Stranger {n}")
            await toast.wait_for()
            shown = await box(toast)
            assert inside(shown, screen(page))
            controls = page.locator(".pane-head :is(button, a, input), .list-search input")
            for control in await controls.all():
                if await control.is_visible():
                    assert not overlap(shown, await box(control)), (phone, where)
        await b.close()
