"""The web client in a real headless Chromium, against a real server: people sign up, become
friends, chat live both ways, survive a reload and a cut network, send a photo and a voice
note, and like and comment on moments under the visibility rule. Markup typed by a user shows
as text."""

from __future__ import annotations

import asyncio
import io
import math
import os
import re
import struct
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = Path(os.environ.get("GUANXI_TEST_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
WAIT = 20_000  # ms: the longest any one thing may take to appear (CI may share the CPU)

if not CHROMIUM.exists():
    if os.environ.get("GUANXI_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """One Chromium per test: Playwright's async objects belong to the test's event loop,
    and a launch costs a few hundred milliseconds."""
    async with playwright_api.async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        await chromium.close()


class Person:
    """One browser context (one device) driving the web client."""

    def __init__(self, context: Any, page: Any, server: RunningServer) -> None:
        self.context, self.page, self.server = context, page, server
        self.dialogs: list[str] = []
        self.confirm = False  # answer confirm() dialogs with OK
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await (dialog.accept() if self.confirm else dialog.dismiss())

    @classmethod
    async def open(
        cls, browser: Any, server: RunningServer, phone: bool = False, locale: str = "en-US"
    ) -> Person:
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
        # no service worker: once one controls the page, its requests pass the worker and
        # Playwright's routes (the tests' held or refused answers) no longer see them; the
        # worker has its own test (test_notify_browser.py), in a context that allows it
        context = await browser.new_context(viewport=size, locale=locale, service_workers="block")
        page = await context.new_page()
        page.set_default_timeout(WAIT)
        await page.goto(server.url + "/")
        return cls(context, page, server)

    async def sign_up(self, handle: str, name: str) -> None:
        await self.page.get_by_role("button", name="New here? Create an account").click()
        await self.page.get_by_label("Handle").fill(handle)
        await self.page.get_by_label("Display name").fill(name)
        await self.page.get_by_label("Password").fill(PASSWORD)
        await self.page.get_by_role("button", name="Sign up").click()
        await self.page.locator(".rail").wait_for()

    async def log_in(self, handle: str) -> None:
        await self.page.get_by_label("Handle").fill(handle)
        await self.page.get_by_label("Password").fill(PASSWORD)
        await self.page.get_by_role("button", name="Log in").click()
        await self.page.locator(".rail").wait_for()

    async def open_chat(self, title: str) -> None:
        await self.page.goto(self.server.url + "/#/chats")
        await self.page.locator(".conv-item", has_text=title).click()
        await self.page.locator(".composer-input").wait_for()

    async def say(self, text: str) -> None:
        box = self.page.get_by_label("Message", exact=True)
        await box.fill(text)
        await box.press("Enter")

    def bubbles(self, text: str) -> Any:
        return self.page.locator(".msg-row:not(.pending) .bubble .text", has_text=text)

    async def close(self) -> None:
        assert self.errors == [], self.errors
        await self.context.close()


async def friends_in_a_chat(
    make_user: UserFactory, browser: Any, server: RunningServer
) -> tuple[GuanxiClient, GuanxiClient, Person, Person, int]:
    """mei and wei are friends with a direct chat; each has a browser open on it."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    conv = await mei.open_direct("wei")
    await mei.send(conv["id"], "first message")
    a, b = await Person.open(browser, server), await Person.open(browser, server)
    await a.log_in("mei")
    await b.log_in("wei")
    await a.open_chat("Wei Zhang")
    await b.open_chat("Mei Lin")
    return mei, wei, a, b, conv["id"]


def png(size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 140, 90)).save(out, format="PNG")
    return out.getvalue()


def wav(seconds: float = 1.5, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        tone = (
            int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(rate * seconds))
        )
        w.writeframes(b"".join(struct.pack("<h", s) for s in tone))
    return out.getvalue()


# -- tests --------------------------------------------------------------------------------------


async def test_served_with_a_strict_content_security_policy(server: RunningServer) -> None:
    async with GuanxiClient(server.url) as client:
        page = await client.http.get(server.url + "/")
        script = await client.http.get(server.url + "/static/js/main.js")
        escape = await client.http.get(server.url + "/static/..%2Froutes%2Fclient.py")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert '<script type="module" src="/static/js/main.js">' in page.text
    assert " on" not in page.text.split("<body>")[1].split("=")[0]
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert escape.status_code == 404


async def test_two_people_sign_up_become_friends_and_chat_live(
    server: RunningServer, browser: Any
) -> None:
    a, b = await Person.open(browser, server), await Person.open(browser, server, phone=True)
    await a.sign_up("mei", "林美")
    await b.sign_up("wei", "Wei Zhang")

    # mei finds wei by handle and asks, with a greeting and a role
    await a.page.get_by_role("link", name="Contacts").click()
    await a.page.get_by_role("link", name="New friends").click()
    await a.page.get_by_label("Find people by handle").fill("wei")
    await a.page.get_by_role("button", name="Search").click()
    await a.page.get_by_label("Greeting").fill("我是美美")
    await a.page.get_by_label("They are my").select_option("colleague")
    await a.page.get_by_role("button", name="Send friend request").click()
    await a.page.get_by_text("Request sent. You can chat").wait_for()

    # wei sees it arrive live (badge), accepts with a role, remark and tags
    await b.page.locator(".tab[data-section=contacts] .badge", has_text="1").wait_for()
    await b.page.get_by_role("link", name="Contacts, 1 new").click()
    await b.page.get_by_role("link", name="New friends").click()
    request = b.page.locator(".request", has_text="我是美美")
    await request.get_by_label("They are my").select_option("close_friend")
    await request.get_by_label("Remark").fill("美美")
    await request.get_by_label("Tags (comma separated)").fill("work, badminton")
    await request.get_by_role("button", name="Accept").click()
    await b.page.get_by_text("You and 林美 are now friends").wait_for()

    # the contact page shows what wei chose
    await b.page.goto(server.url + "/#/contacts/u/mei")
    assert await b.page.get_by_label("Role").input_value() == "close_friend"
    assert await b.page.get_by_label("Remark").input_value() == "美美"
    assert await b.page.get_by_label("Tags (comma separated)").input_value() == "work, badminton"

    # mei opens the chat from wei's contact page and writes; wei gets it live, then answers
    await a.page.goto(server.url + "/#/contacts/u/wei")
    await a.page.get_by_role("button", name="Message").click()
    await a.page.locator(".composer-input").wait_for()
    await a.say("你好 Wei!")
    await b.page.goto(server.url + "/#/chats")
    item = b.page.locator(".conv-item", has_text="美美")
    await item.locator(".conv-preview", has_text="你好 Wei!").wait_for()
    await item.locator(".unread", has_text="1").wait_for()
    await item.click()
    await b.bubbles("你好 Wei!").wait_for()
    await b.say("Hi Mei 👋\nsecond line")
    await a.bubbles("second line").wait_for()
    # wei read it: mei's message shows the read receipt
    await a.page.locator(".msg-row.mine .receipt.read").first.wait_for()
    await b.page.get_by_role("link", name="Back").click()
    await b.page.locator(".conv-item", has_text="美美").wait_for()
    assert await b.page.locator(".conv-item .unread").count() == 0
    await a.close()
    await b.close()


async def test_markup_in_a_message_shows_as_text(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    _, _, a, b, _ = await friends_in_a_chat(make_user, browser, server)
    attack = "<img src=x onerror=alert(1)>"
    await a.say(attack)
    await b.bubbles(attack).wait_for()
    assert await b.bubbles(attack).inner_text() == attack
    assert await b.page.locator(".messages img[src=x]").count() == 0
    assert await b.page.locator(".conv-preview", has_text=attack).count() == 1
    await b.page.wait_for_timeout(300)
    assert a.dialogs == [] and b.dialogs == []
    await a.close()
    await b.close()


async def test_reload_keeps_the_session_and_the_open_chat(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    _, _, a, b, conv_id = await friends_in_a_chat(make_user, browser, server)
    await a.say("before the reload")
    await a.page.reload()
    assert a.page.url.endswith(f"#/chats/{conv_id}")
    await a.bubbles("before the reload").wait_for()
    await a.bubbles("first message").wait_for()
    await b.say("after the reload")
    await a.bubbles("after the reload").wait_for()
    await a.close()
    await b.close()


async def test_a_cut_network_loses_and_doubles_nothing(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    mei, _, a, b, conv_id = await friends_in_a_chat(make_user, browser, server)
    await b.context.set_offline(True)
    await b.page.evaluate("window.guanxi.dropConnection()")
    await b.page.locator(".conn-status.visible").wait_for()
    for i in range(3):
        await mei.send(conv_id, f"while you were away {i}")
    await b.say("written offline")
    await b.page.locator(".pending.waiting").wait_for()
    await b.context.set_offline(False)
    await b.page.evaluate("window.dispatchEvent(new Event('online'))")

    for i in range(3):
        await b.bubbles(f"while you were away {i}").wait_for()
    await b.bubbles("written offline").wait_for()
    await a.bubbles("written offline").wait_for()
    await a.say("after it came back")
    await b.bubbles("after it came back").wait_for()
    await b.page.locator(".pending").wait_for(state="detached")
    for person in (a, b):
        seqs = await person.page.locator(".msg-row[data-seq]").evaluate_all(
            "rows => rows.map(r => Number(r.dataset.seq))"
        )
        assert seqs == list(range(1, 7)), seqs
        assert await person.bubbles("written offline").count() == 1
    history = await mei.history(conv_id)
    assert sum(m["text"] == "written offline" for m in history["messages"]) == 1
    await a.close()
    await b.close()


async def test_a_photo_and_a_voice_note(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    _, _, a, b, _ = await friends_in_a_chat(make_user, browser, server)
    attach = a.page.get_by_label("Attach photos, videos or files")
    await attach.set_input_files([{"name": "garden.png", "mimeType": "image/png", "buffer": png()}])
    await a.page.get_by_alt_text("Preview of garden.png").wait_for()
    await a.page.get_by_role("button", name="Send", exact=True).click()
    photo = b.page.locator(".bubble.kind-image img.photo")
    await photo.wait_for()
    await b.page.wait_for_function(
        "() => { const i = document.querySelector('.bubble.kind-image img.photo');"
        " return i && i.src.startsWith('blob:') && i.naturalWidth > 0; }"
    )

    await attach.set_input_files(
        [{"name": "hello.wav", "mimeType": "audio/wav", "buffer": wav(1.5)}]
    )
    await a.page.get_by_role("button", name="Send", exact=True).click()
    play = b.page.locator(".voice-play")
    await play.wait_for()
    await b.page.locator(".voice-duration", has_text="0:02").wait_for()
    await play.click()
    await b.page.wait_for_function(
        "() => { const a = document.querySelector('.voice-audio');"
        " return a && a.duration > 1 && a.currentTime > 0; }"
    )
    await a.close()
    await b.close()


async def test_moments_likes_and_comments_follow_the_visibility_rule(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    zed = await make_user("zed", "Zed Wu")
    await befriend(mei, wei)
    await befriend(mei, zed)  # wei and zed are not friends
    a, b = await Person.open(browser, server), await Person.open(browser, server)
    c = await Person.open(browser, server, phone=True)
    await a.log_in("mei")
    await b.log_in("wei")
    await c.log_in("zed")

    await a.page.get_by_role("link", name="Moments").click()
    await a.page.get_by_role("button", name="Post").click()
    await a.page.get_by_label("Text").fill("春天来了 🌸")
    await a.page.get_by_label("Who can see it").select_option("all")
    await a.page.get_by_role("button", name="Post", exact=True).last.click()
    await a.page.locator(".moment", has_text="春天来了").wait_for()

    await b.page.get_by_role("link", name="Moments").click()
    moment = b.page.locator(".moment", has_text="春天来了")
    await moment.get_by_role("button", name="Like").click()
    await moment.get_by_role("button", name="Unlike").wait_for()
    await moment.get_by_role("button", name="Comment").click()
    await moment.get_by_label("Comment", exact=True).fill("好美! from wei")
    await moment.get_by_role("button", name="Send").click()
    await moment.locator(".comment", has_text="好美! from wei").wait_for()

    # the author sees the like and the comment, live
    seen = a.page.locator(".moment", has_text="春天来了")
    await seen.locator(".comment", has_text="好美! from wei").wait_for()
    await seen.locator(".likes", has_text="Wei Zhang").wait_for()
    # zed, not wei's friend, sees the moment but neither wei's like nor the comment
    await c.page.get_by_role("link", name="Moments").click()
    other = c.page.locator(".moment", has_text="春天来了")
    await other.wait_for()
    await other.get_by_role("button", name="Like").click()
    await other.locator(".likes", has_text="Zed Wu").wait_for()
    assert await other.locator(".comment").count() == 0
    assert await c.page.get_by_text("from wei").count() == 0
    assert "Wei" not in await other.locator(".likes").inner_text()
    for person in (a, b, c):
        await person.close()


async def test_groups_mentions_replies_reactions_edits_and_recalls(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    zed = await make_user("zed", "Zed Wu")
    await befriend(mei, wei)
    await befriend(mei, zed)
    a, b = await Person.open(browser, server), await Person.open(browser, server)
    await a.log_in("mei")
    await b.log_in("wei")

    # mei creates a group with wei; wei sees it appear live
    await a.page.get_by_role("button", name="New group").click()
    await a.page.get_by_label("Group name").fill("家人")
    await a.page.locator("label.pick", has_text="Wei Zhang").click()
    await a.page.get_by_role("button", name="Create group").click()
    await a.page.locator(".composer-input").wait_for()
    await b.page.locator(".conv-item", has_text="家人").wait_for()

    # an @mention picked from the suggestions
    box = a.page.get_by_label("Message", exact=True)
    await box.press_sequentially("周日吃饭 @we")
    await a.page.get_by_role("option", name="Wei Zhang @wei").wait_for()
    await box.press("Enter")
    await box.press("Enter")
    await b.open_chat("家人")
    await b.page.locator(".mention.me", has_text="@wei").wait_for()

    # wei replies to it and reacts; mei sees both
    await b.page.locator(".msg-row", has_text="周日吃饭").get_by_label("Message actions").click()
    await b.page.get_by_role("menuitem", name="Reply").click()
    await b.say("好的!")
    await (
        a.page.locator(".msg-row", has_text="好的!")
        .locator(".quote", has_text="周日吃饭")
        .wait_for()
    )
    first = b.page.locator(".msg-row", has_text="周日吃饭").first
    await first.get_by_label("Message actions").click()
    await b.page.get_by_role("menuitem", name="React 👍").click()
    await a.page.locator(".reaction", has_text="👍").wait_for()

    # mei edits one message and recalls another
    await a.say("typo mesage")
    row = a.page.locator(".msg-row", has_text="typo mesage")
    await row.get_by_label("Message actions").click()
    await a.page.get_by_role("menuitem", name="Edit").click()
    await box.fill("fixed message")
    await box.press("Enter")
    await b.page.locator(".msg-row", has_text="fixed message").locator(".edited").wait_for()
    await a.say("oops, wrong chat")
    await (
        a.page.locator(".msg-row", has_text="oops, wrong chat")
        .get_by_label("Message actions")
        .click()
    )
    await a.page.get_by_role("menuitem", name="Recall").click()
    await b.page.get_by_text("Mei Lin recalled a message").wait_for()
    assert await b.page.get_by_text("oops, wrong chat").count() == 0

    # group info: rename, add zed, remove him again
    await a.page.get_by_role("button", name="Group info").click()
    await a.page.get_by_label("Group name").fill("我们家")
    await a.page.get_by_role("button", name="Save").click()
    await b.page.locator(".pane-head h2", has_text="我们家").wait_for()
    await a.page.get_by_role("button", name="Add members").click()
    await a.page.locator("label.pick", has_text="Zed Wu").click()
    await a.page.get_by_role("button", name="Add", exact=True).click()
    await a.page.locator(".member", has_text="Zed Wu").wait_for()
    a.confirm = True
    await a.page.get_by_role("button", name="Remove Zed Wu").click()
    await a.page.locator(".member", has_text="Zed Wu").wait_for(state="detached")
    assert zed.user is not None
    for person in (a, b):
        await person.close()


async def test_group_invitations_are_accepted_or_declined(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    mei, tao = await make_user("mei", "Mei Lin"), await make_user("tao", "Tao Chen")
    await make_user("wei", "Wei Zhang")
    b = await Person.open(browser, server)
    await b.log_in("wei")
    await b.page.locator(".pane-head", has_text="Chats").wait_for()
    # strangers invite wei; the invitations show live above his chats
    hiking = await mei.create_group("周末爬山", ["wei"])
    await tao.create_group("free money", ["wei"])
    invitation = b.page.locator(".invitation", has_text="周末爬山")
    await invitation.wait_for()
    await invitation.get_by_text("Mei Lin").wait_for()
    spam = b.page.locator(".invitation", has_text="free money")
    await spam.get_by_role("button", name="Decline").click()
    await spam.wait_for(state="detached")
    await invitation.get_by_role("button", name="Accept").click()
    await b.page.get_by_text("Beginning of the conversation").wait_for()  # the chat has loaded
    await b.say("大家好")
    await b.bubbles("大家好").wait_for()
    history = await mei.history(hiking["id"])
    assert [m["text"] for m in history["messages"] if m["kind"] != "system"] == ["大家好"]
    await b.page.locator(".sys-line", has_text="Wei Zhang joined the group").wait_for()
    assert await b.page.locator(".invitation").count() == 0
    assert (await tao.conversations())[0]["member_count"] == 1
    # mei is no friend of wei's: her handle shows beside whatever name she chose
    await mei.update_me(display_name="Mom")
    await mei.send(hiking["id"], "欢迎")
    row = b.page.locator(".msg-row", has_text="欢迎")
    await row.locator(".sender .handle-hint", has_text="@mei").wait_for()
    await b.close()


async def test_a_late_chat_list_answer_does_not_drop_a_chat_that_came_meanwhile(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,
) -> None:
    """The client reloads its chat list when a friend request is accepted (and after a
    reconnect). A chat whose first message arrives while that list is on its way must stay
    when the list, made before the chat was, comes in late (it was dropped, with the message,
    until the next one)."""
    mei = await make_user("mei", "Mei Lin")
    wei = await make_user("wei", "Wei")
    zed = await make_user("zed", "Zed")
    await befriend(mei, wei)
    b = await Person.open(browser, server)
    await b.log_in("wei")
    await b.page.goto(server.url + "/#/chats")
    await b.page.get_by_role("button", name="New group").wait_for()

    held, released, answered = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def late(route: Any) -> None:
        response = await route.fetch()  # the list as it is now: without mei's chat
        held.set()
        await released.wait()
        await route.fulfill(response=response)
        answered.set()

    await b.page.route(re.compile(r"/api/v1/conversations\?"), late)
    await befriend(zed, wei)  # wei's client reloads the chat list: its answer is held
    await asyncio.wait_for(held.wait(), WAIT / 1000)

    chat = await mei.open_direct("wei")
    await mei.send(chat["id"], "你好 Wei!")
    preview = b.page.locator(".conv-item .conv-preview", has_text="你好 Wei!")
    await preview.wait_for()

    released.set()
    await asyncio.wait_for(answered.wait(), WAIT / 1000)
    for _ in range(10):  # the late answer is applied within moments of its arrival
        await b.page.wait_for_timeout(100)
        assert await preview.count() == 1
    await b.close()


async def test_a_comment_being_written_survives_a_live_like(
    server: RunningServer, browser: Any, make_user: UserFactory
) -> None:
    """A like or a comment arriving live redraws the moment: the comment the viewer is typing
    stays open with its text (it was lost when a like came in meanwhile)."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    posted = await mei.post_moment(text="下雪了")
    b = await Person.open(browser, server)
    await b.log_in("wei")
    await b.page.get_by_role("link", name="Moments").click()
    moment = b.page.locator(".moment", has_text="下雪了")
    await moment.get_by_role("button", name="Comment").click()
    await moment.get_by_label("Comment", exact=True).fill("half written")
    await mei.like(posted["id"])  # the author's own like reaches wei's open feed live
    await moment.locator(".likes", has_text="Mei Lin").wait_for()
    box = moment.get_by_label("Comment", exact=True)
    assert await box.is_visible()
    assert await box.input_value() == "half written"
    await moment.get_by_role("button", name="Send").click()
    await moment.locator(".comment", has_text="half written").wait_for()
    assert not await box.is_visible()  # sent: the box closes and forgets the text
    await b.close()
