"""The full emoji picker for reactions (headless Chromium, real server): a search by English or
Chinese name finds the emoji, picking it reacts for both people in the chat (and puts it
first next time), a skin tone chosen applies to the emoji that take one, and the picker is
driven by keyboard alone — the search box, the tone, the group tabs and the grid one tab
stop each, arrow keys within them, ↓ a row down the grid, Esc to close — with no serious axe
finding."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend
from tests.test_a11y_browser import axe_violations, log_in
from tests.test_web_client import Person, browser, friends_in_a_chat  # noqa: F401  (fixture)

FOCUSED = "document.activeElement.getAttribute('aria-label')"


async def open_picker(person: Person) -> Any:
    """Opens the full picker on "first message" (friends_in_a_chat's), its emoji loaded."""
    await person.bubbles("first message").click(button="right")
    await person.page.get_by_role("menuitem", name="More reactions").click()
    picker = person.page.locator(".emoji-picker")
    await picker.get_by_role("button", name="grinning face", exact=True).wait_for()
    return picker


async def test_search_pizza_pick_it_and_both_see_the_reaction(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    _, wei, a, b, conv = await friends_in_a_chat(make_user, browser, server)
    page = a.page
    picker = await open_picker(a)
    await picker.get_by_label("Search emoji").fill("pizza")
    results = picker.locator(".emoji")
    assert await results.first.get_attribute("aria-label") == "pizza"
    await picker.get_by_role("button", name="pizza", exact=True).click()
    await picker.wait_for(state="detached")
    for person in (a, b):
        await person.page.locator(".reaction", has_text="🍕").wait_for()
    reactions = (await wei.history(conv))["messages"][0]["reactions"]
    assert [(r["emoji"], r["handles"]) for r in reactions] == [("🍕", ["mei"])]
    # the picker opens on what this device picked last; English words match at their start:
    # "cat" is not in "communication" (📞)
    await a.bubbles("first message").click(button="right")
    await page.get_by_role("menuitem", name="More reactions").click()
    recent = picker.get_by_role("button", name="Recently used")
    assert await recent.get_attribute("aria-pressed") == "true"
    assert await results.all_text_contents() == ["🍕"]
    await picker.get_by_label("Search emoji").fill("cat")
    assert await results.first.get_attribute("aria-label") == "cat"
    assert "📞" not in await results.all_text_contents()
    await page.keyboard.press("Escape")
    # a search that finds nothing says so
    await a.bubbles("first message").click(button="right")
    await page.get_by_role("menuitem", name="More reactions").click()
    await picker.get_by_label("Search emoji").fill("qqqzzz")
    await picker.get_by_text("No emoji found").wait_for()
    # a skin tone, kept on the device, applies to the emoji that take one
    await picker.get_by_label("Search emoji").fill("")
    await picker.get_by_label("Skin tone").select_option("3")
    await picker.get_by_role("button", name="People and body").click()
    await picker.get_by_role("button", name="waving hand", exact=True).click()
    for person in (a, b):
        await person.page.locator(".reaction", has_text="👋🏽").wait_for()
    assert await page.evaluate("localStorage.getItem('guanxi.emoji.tone')") == "3"
    await a.close()
    await b.close()


async def picker_in_chinese(
    make_user: UserFactory,
    browser: Any,  # noqa: F811
    server: RunningServer,
) -> tuple[GuanxiClient, int, Person]:
    """wei asks mei out for pizza; mei, her browser in Chinese, opens the full picker on it."""
    mei, wei = await make_user("mei", "林美"), await make_user("wei", "张伟")
    await befriend(mei, wei)
    conv = (await mei.open_direct("wei"))["id"]
    await wei.send(conv, "周末去吃比萨吗？")
    person = await Person.open(browser, server, locale="zh-CN")
    await log_in(person, "mei")
    await person.page.locator(".conv-item", has_text="张伟").click()
    await person.bubbles("比萨").click(button="right")
    await person.page.get_by_role("menuitem", name="更多表情").click()
    return wei, conv, person


async def test_the_picker_by_keyboard_in_chinese(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    wei, conv, person = await picker_in_chinese(make_user, browser, server)
    page = person.page
    picker = page.locator(".emoji-picker")
    search = picker.get_by_label("搜索表情")
    await picker.get_by_role("button", name="嘿嘿", exact=True).wait_for()  # 😀, named in Chinese
    assert await page.evaluate(FOCUSED) == "搜索表情"  # typing searches at once
    assert await axe_violations(page) == []
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "肤色"
    await page.keyboard.press("Tab")
    assert await page.evaluate(FOCUSED) == "笑脸与情感"  # the group tabs: one stop
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("ArrowRight")
    assert await page.evaluate(FOCUSED) == "动物与自然"
    await page.keyboard.press("Enter")
    await picker.get_by_role("button", name="猴头", exact=True).wait_for()  # 🐵 leads the group
    await page.keyboard.press("Tab")  # the grid: one stop, its first emoji
    assert await page.evaluate(FOCUSED) == "猴头"
    await page.keyboard.press("ArrowDown")  # a row (8) down
    ninth = await picker.locator(".emoji").nth(8).get_attribute("aria-label")
    assert await page.evaluate(FOCUSED) == ninth
    await page.keyboard.press("Escape")
    await picker.wait_for(state="detached")
    # a Chinese name finds it; Enter in the search box picks the best match
    await person.bubbles("比萨").click(button="right")
    await page.get_by_role("menuitem", name="更多表情").click()
    await search.fill("披萨")
    assert await picker.locator(".emoji").first.text_content() == "🍕"
    await search.press("Enter")
    await page.locator(".reaction", has_text="🍕").wait_for()
    assert (await wei.history(conv))["messages"][0]["reactions"][0]["emoji"] == "🍕"
    await person.close()


# Which of `list` the page's fonts cannot draw, judged per emoji from its pixels: an emoji is
# drawn when its ink is neither what an unassigned code point gets nor the flag a font shows
# for a region it does not know (🇶🇶 is none), and is no wider than one emoji (a sequence the
# fonts lack falls apart into its parts, side by side).
UNDRAWN = """(list) => {
  const c = document.createElement('canvas');
  c.width = 200; c.height = 60;
  const g = c.getContext('2d', {willReadFrequently: true});
  g.font = '40px ' + getComputedStyle(document.querySelector('.emoji')).fontFamily;
  g.textBaseline = 'top';
  const ink = (s) => {
    g.clearRect(0, 0, 200, 60);
    g.fillText(s, 4, 6);
    const d = g.getImageData(0, 0, 200, 60).data;
    let left = 200, right = -1;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 60) {
      const x = ((i - 3) / 4) % 200;
      left = Math.min(left, x); right = Math.max(right, x);
    }
    return {pixels: d.join(), width: right - left + 1};
  };
  const missing = [ink('\\u{10FFFD}').pixels, ink('\\u{1F1F6}\\u{1F1F6}').pixels];
  const one = ink('😀').width;
  return list.filter((s) => {
    const it = ink(s);
    return missing.includes(it.pixels) || it.width > one * 1.4;
  });
}"""
ALL_EMOJI = """import('/static/js/emoji-data.js')
  .then(({default: data}) => Object.values(data).flat().map((e) => e[0]))"""


async def test_the_picker_offers_only_emoji_this_device_draws(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    _, _, a, b, _ = await friends_in_a_chat(make_user, browser, server)
    page = a.page
    picker = await open_picker(a)
    shown: list[str] = []
    for tab in await picker.locator(".emoji-tab").all():
        await tab.click()
        shown += await picker.locator(".emoji").all_text_contents()
    every: list[str] = await page.evaluate(ALL_EMOJI)
    hidden = [e for e in every if e not in set(shown)]
    assert set(shown) <= set(every)
    # a device with no emoji font draws even 😀 as an empty box: the picker cannot judge there
    # and shows everything (emoji-fonts.js); scripts/check installs the font this test needs
    assert await page.evaluate(UNDRAWN, ["😀"]) == [], "no emoji font: fonts-noto-color-emoji"
    assert await page.evaluate(UNDRAWN, shown) == []  # all drawn: no empty box
    assert await page.evaluate(UNDRAWN, hidden) == hidden  # none hidden that could be drawn
    # a search offers none of them either
    for name in ("phoenix", "harp"):  # 🐦‍🔥 (Emoji 15.1), 🪉 (16.0)
        await picker.get_by_label("Search emoji").fill(name)
        found = await picker.locator(".emoji").all_text_contents()
        assert set(found) <= set(shown)
    await a.close()
    await b.close()


async def test_chinese_names_take_the_full_width_colon(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    _, _, person = await picker_in_chinese(make_user, browser, server)
    picker = person.page.locator(".emoji-picker")
    for query in ("旗", "红发", "台湾"):
        await picker.get_by_label("搜索表情").fill(query)
        await picker.locator(".emoji").first.wait_for()
        found = await picker.locator(".emoji").all()
        names = [await e.get_attribute("aria-label") or "" for e in found]
        assert names == [await e.get_attribute("title") for e in found]  # shown on hover
        assert not [n for n in names if ":" in n], query
    assert "旗：台湾" in names
    await picker.get_by_label("搜索表情").fill("旗：台湾")  # as it reads
    assert await picker.locator(".emoji").first.get_attribute("aria-label") == "旗：台湾"
    await person.close()


async def test_a_group_chosen_while_the_emoji_load_is_the_group_shown(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    """The emoji arrive after the picker opens (loaded on first use): a group tab clicked
    meanwhile is not lost — the picker opens on it once they arrive (it opened on the first
    group, and a test clicking "Animals and nature" at once waited for the panda in vain)."""
    _, _, a, _, _ = await friends_in_a_chat(make_user, browser, server)
    page = a.page
    held: list[Any] = []

    async def hold(route: Any) -> None:
        held.append(route)

    await page.route("**/emoji-data.js", hold)
    await a.bubbles("first message").click(button="right")
    await page.get_by_role("menuitem", name="More reactions").click()
    picker = page.locator(".emoji-picker")
    animals = picker.get_by_role("button", name="Animals and nature")
    await animals.click()
    assert held and await picker.locator(".emoji").count() == 0  # nothing loaded yet
    assert await animals.get_attribute("aria-pressed") == "true"
    await held[0].continue_()
    await picker.get_by_role("button", name="panda", exact=True).wait_for()
    assert await picker.get_by_role("button", name="grinning face", exact=True).count() == 0
    await a.close()
