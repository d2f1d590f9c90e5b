"""The web client in Simplified Chinese and English: every string the code shows comes from the
catalogues (js/i18n/en.js and zh-CN.js, the same keys, none unused); a browser whose language
is Chinese gets a Chinese interface on every main screen, with no English word of the catalogue
left; dates say "昨天" or "Yesterday", never both, and never an all-digit date; the switch in Me
changes the language at once, without a reload, and is remembered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)

JS = Path(__file__).resolve().parent.parent / "src" / "guanxi" / "web" / "static" / "js"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([\w.]+)["']""")
PREFIX_KEY = re.compile(r"""\b(?:t|has)\(\s*`([\w.]+\.)\$\{""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# what may stay in Latin letters on a Chinese screen: the product's name, the handles of the
# people in the test, the device name the web client logs in with (its browser and system:
# "Chrome · Linux"), units of size, and "English" in the language switch (each language is
# named in itself)
ALLOWED = {"guanxi", "mei", "wei", "lan", "web", "Chrome", "Linux", "KB", "MB", "GB", "English"}
PRODUCTS = {"guanxi", "zip", "Telegram", "WhatsApp"}  # names, the same in every language
TABS = ["聊天", "通讯录", "朋友圈", "我"]  # the rail in Chinese


def keys_in_code() -> tuple[set[str], set[str]]:
    """The keys the client's code asks for: literal ones, and prefixes of computed ones
    (t(`role.${role}`) uses every role.* key)."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in JS.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        literal |= set(LITERAL_KEY.findall(text))
        prefixes |= set(PREFIX_KEY.findall(text))
    return literal, prefixes


async def catalogues(page: Any) -> dict[str, dict[str, Any]]:
    return dict(
        await page.evaluate(
            """async () => ({
                en: (await import("/static/js/i18n/en.js")).default,
                zh: (await import("/static/js/i18n/zh-CN.js")).default,
            })"""
        )
    )


def forms(value: Any) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


async def test_both_catalogues_hold_every_key_the_code_uses_and_no_other(
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    person = await Person.open(browser, server)
    found = await catalogues(person.page)
    en, zh = found["en"], found["zh"]
    literal, prefixes = keys_in_code()
    assert len(literal) > 300 and {"role.", "error.", "kind.", "tag."} <= prefixes
    assert literal - set(en) == set(), "keys the code uses that en.js lacks"
    assert set(en) == set(zh), "en.js and zh-CN.js differ in keys"
    unused = {k for k in en if k not in literal and not any(k.startswith(p) for p in prefixes)}
    assert unused == set(), "catalogue keys no code uses"
    for key, value in en.items():
        if isinstance(value, dict):
            assert set(value) == {"one", "other"}, key
        wanted = {p for form in forms(value) for p in PLACEHOLDER.findall(form)}
        for form in forms(zh[key]):
            assert set(PLACEHOLDER.findall(form)) <= wanted, key  # no value the code does not give
            assert "{" not in form or PLACEHOLDER.search(form), key
        chinese = PLACEHOLDER.sub("", " ".join(forms(zh[key])))
        assert not set(re.findall(r"[A-Za-z]{2,}", chinese)) - PRODUCTS, (
            f"English in zh-CN.js: {key}"
        )
    await person.close()


def english_words(en: dict[str, Any]) -> set[str]:
    """Every word of three letters or more in the English catalogue (placeholders aside)."""
    words: set[str] = set()
    for value in en.values():
        for form in forms(value):
            words |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", PLACEHOLDER.sub(" ", form))}
    return words - {"guanxi"}


SCREEN_TEXT = """() => {
    const parts = [document.body.innerText];
    for (const el of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]"))
        for (const name of ["aria-label", "title", "placeholder", "alt"])
            if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
    return parts.join("\\n");
}"""


async def latin_left(page: Any) -> set[str]:
    """The Latin words on screen (text and labels) that are not names, handles or units."""
    text = await page.evaluate(SCREEN_TEXT)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED - PRODUCTS


async def chinese_community(make_user: UserFactory) -> tuple[GuanxiClient, int, int]:
    """林美 (mei) with a friend 张伟 (wei), a direct chat and a group in Chinese, a moment liked
    and commented on, and a friend request waiting from 陈兰 (lan)."""
    mei, wei = await make_user("mei", "林美"), await make_user("wei", "张伟")
    lan = await make_user("lan", "陈兰")
    await befriend(mei, wei, "colleague", "colleague")
    await mei.update_friend("wei", remark="伟哥", tags=["同事"])
    direct = (await mei.open_direct("wei"))["id"]
    first = await wei.send(direct, "周六还去打羽毛球吗？")
    await mei.send(direct, "去！老地方十点见 🏸", reply_to=first["seq"])
    await wei.react(direct, first["seq"], "👍")
    await wei.send(direct, "好的，我来订场地。")
    group = (await mei.create_group("羽毛球小组", ["wei"]))["id"]
    await wei.send(group, "大家周末愉快！")
    moment = await wei.post_moment("今天的日出真美 ⛰️", place="香山")
    await mei.like(moment["id"])
    await mei.comment(moment["id"], "太美了！")
    await lan.request_friend("mei", "你好，我是陈兰", "classmate")
    return mei, direct, group


async def test_a_chinese_browser_gets_the_whole_interface_in_chinese(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    _, direct, group = await chinese_community(make_user)
    person = await Person.open(browser, server, locale="zh-CN")
    page = person.page
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    assert await latin_left(page) == set()  # the sign-in screen
    await page.get_by_label("账号").fill("mei")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.locator(".conv-item").first.wait_for()
    words = english_words((await catalogues(page))["en"])
    screens = [
        ("#/chats", ".conv-item"),
        (f"#/chats/{direct}", ".msg-row .bubble"),
        (f"#/chats/{group}", ".msg-row .bubble"),
        (f"#/chats/{group}/info", ".member"),
        ("#/contacts", ".conv-list .conv-item"),
        ("#/contacts/u/wei", "#f-role"),
        ("#/contacts/new", ".request"),
        ("#/moments", ".moment .comments"),
        ("#/me", "#me-language"),
        ("#/me/security", ".session-row"),
        ("#/me/network", ".network-hero"),
        ("#/me/network/wei", ".contact-hero"),
        ("#/me/assets", ".assets-hero, .assets-figures .card"),
    ]
    for route, ready in screens:
        await page.goto(f"{server.url}/{route}")
        await page.locator(ready).first.wait_for()
        if route == f"#/chats/{direct}":
            await page.locator(".msg-more").first.click()  # the message menu too
            await page.locator(".msg-menu").wait_for()
        left = await latin_left(page)
        assert left == set(), f"{route}: Latin words on a Chinese screen: {sorted(left)}"
        assert {w for w in left if w.lower() in words} == set()
    # the labels are Chinese: the tabs, the composer, the search box
    await page.goto(f"{server.url}/#/chats/{direct}")
    await page.get_by_label("发消息", exact=True).wait_for()
    assert await page.locator(".tab-label").all_text_contents() == TABS
    await page.get_by_label("搜索聊天、联系人、消息和朋友圈").fill("羽毛球")
    await page.locator(".search-group[aria-label=消息]").wait_for()
    await person.close()


DATES = """async () => {
    const f = await import("/static/js/format.js");
    const ago = (days) => new Date(Date.now() - days * 86400000).toISOString();
    const old = new Date(Date.UTC(2024, 10, 27, 12)).toISOString();
    return {
        yesterday: f.shortTime(ago(1)),
        weekday: f.shortTime(ago(3)),
        old: f.shortTime(old),
        day: f.dayLabel(ago(1)),
        today: f.dayLabel(ago(0)),
        ago: f.agoTime(ago(2)),
        since: f.dateText(old),
    };
}"""


async def test_dates_and_times_are_in_the_chosen_language_and_unambiguous(
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    zh = await Person.open(browser, server, locale="zh-CN")
    said = await zh.page.evaluate(DATES)
    assert said["yesterday"] == said["day"] == "昨天" and said["today"] == "今天"
    assert re.fullmatch(r"(周|星期)[一二三四五六日]", said["weekday"]), said
    assert said["old"] == said["since"] == "2024年11月27日", said
    assert said["ago"] == "2天前", said
    en = await Person.open(browser, server)  # en-US
    said = await en.page.evaluate(DATES)
    assert said["yesterday"] == said["day"] == "Yesterday" and said["today"] == "Today"
    assert said["weekday"] in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}, said
    assert said["old"] == said["since"] == "Nov 27, 2024", said
    assert said["ago"] == "2 days ago", said
    for text in [*said.values()]:
        assert not re.search(r"\d+/\d+/\d+|[\u4e00-\u9fff]", text), text  # no 26/11/27, no 周日
    await zh.close()
    await en.close()


async def test_the_switch_in_me_changes_the_language_at_once_and_is_kept(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    conv = await mei.open_direct("wei")
    await wei.send(conv["id"], "hello")
    person = await Person.open(browser, server)  # the browser speaks English
    page = person.page
    await person.log_in("mei")
    await page.goto(server.url + "/#/me")
    await page.evaluate("window.sameDocument = true")  # gone if the page reloads
    await page.get_by_label("Language").select_option("zh-CN")
    await page.get_by_role("button", name="退出登录").wait_for()  # Me, drawn again in Chinese
    assert await page.locator(".tab-label").all_text_contents() == TABS
    assert await page.evaluate("document.documentElement.lang") == "zh-CN"
    assert await page.evaluate("window.sameDocument") is True
    # the unread badge survives the redraw, its label in Chinese
    chats = page.locator('.tab[data-section="chats"]')
    await chats.and_(page.locator('[aria-label="聊天，1 项新内容"]')).wait_for()
    await page.reload()
    await page.get_by_label("语言").wait_for()  # kept on this device
    await page.goto(server.url + "/#/chats")
    await page.get_by_text("hello").wait_for()
    await page.goto(server.url + "/#/me")
    await page.get_by_label("语言").select_option("en")
    await page.get_by_role("button", name="Log out").wait_for()
    assert await page.evaluate("document.documentElement.lang") == "en"
    await person.close()


async def test_a_known_error_is_told_in_the_chosen_language(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    await make_user("mei", "林美")
    person = await Person.open(browser, server, locale="zh-CN")
    page = person.page
    await page.get_by_label("账号").fill("mei")
    await page.get_by_label("密码").fill("not the password")
    await page.get_by_role("button", name="登录").click()
    await page.get_by_role("alert").filter(has_text="账号或密码错误。").wait_for()
    await person.close()


async def test_the_servers_refusals_are_told_in_chinese_unknown_codes_in_its_words(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    mei = await make_user("mei", "林美")
    person = await Person.open(browser, server, locale="zh-CN")
    page = person.page
    alert = page.get_by_role("alert")
    # registering a handle that is taken: 409 handle_taken, worded from its code
    await page.get_by_role("button", name="第一次来？创建账号").click()
    await page.get_by_label("账号", exact=True).fill("mei")
    await page.get_by_label("昵称").fill("另一个林美")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="注册").click()
    await alert.filter(has_text="这个账号已被占用。").wait_for()
    # too many failed logins for a handle: 429 too_many_logins, with the server's wait
    await page.get_by_role("button", name="已有账号？登录").click()
    stranger = GuanxiClient(server.url)
    for _ in range(5):
        with pytest.raises(ApiError):
            await stranger.login("mei", "not the password")
    await stranger.close()
    await page.get_by_label("账号", exact=True).fill("mei")
    await page.get_by_label("密码").fill("not the password")
    await page.get_by_role("button", name="登录").click()
    await alert.filter(has_text=re.compile(r"^登录失败次数太多，请 \d+ 秒后再试。$")).wait_for()
    assert await mei.me()  # the owner's own session is untouched
    # a code the catalogue does not know is told in the server's words; a failed job's known
    # code (an import's, an export's) in the catalogue's
    said = await page.evaluate(
        """async () => {
            const { ApiError } = await import("/static/js/api.js");
            const { errorText, reasonText } = await import("/static/js/i18n.js");
            return {
                unknown: errorText(new ApiError(422, "brand_new_rule", "Words the server chose.")),
                job: reasonText({ code: "unknown_format", message: "This is not an export…" }),
                jobUnknown: reasonText({ code: "bad_record", message: "record 3: bad" }),
                offline: errorText(new TypeError("Failed to fetch")),
            };
        }"""
    )
    assert said == {
        "unknown": "Words the server chose.",
        "job": "guanxi 读不懂这种导出文件。",
        "jobUnknown": "record 3: bad",
        "offline": "无法连接服务器。",
    }
    await person.close()
