"""Notifications in the web client, in headless Chromium against a real server: the unread
count in the title and on the tab's icon, desktop notifications (permission granted in the
browser context) with the sender and a preview that each "show preview" switch hides, a
chime, a mute kept by the server that every device of the user honours at once, the offer
to turn notifications on (never asked on load), and the installable app: a manifest and a
service worker that caches the client's files and never an API answer."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend
from tests.test_web_client import WAIT, Person, browser  # noqa: F401  (fixture)

# Watches the browser's own APIs (not the client's code): each Notification made, with its
# title and body, and each tone the page plays.
WATCH = """
window.__notes = [];
window.__tones = 0;
const Real = window.Notification;
if (Real) {
  class Watched extends Real {
    constructor(title, options) {
      window.__notes.push({ title, body: (options && options.body) || "" });
      super(title, options);
      window.__shown = this;
    }
  }
  Object.defineProperty(Watched, "permission", { get: () => Real.permission });
  Watched.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Watched;
}
const tone = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.__tones += 1;
  return tone.call(this);
};
"""


async def device(
    browser: Any,  # noqa: F811
    server: RunningServer,
    handle: str,
    grant: bool = True,
    worker: bool = False,
) -> Person:
    """A browser context (one device) of `handle`, logged in, on the chat list; with the
    client's service worker only when `worker` (a page it controls is out of reach of
    Playwright's routes, see Person.open)."""
    # (an empty list would deny every permission, not leave them to be asked)
    permissions = ["notifications"] if grant else None
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800},
        permissions=permissions,
        service_workers="allow" if worker else "block",
    )
    await context.add_init_script(WATCH)
    page = await context.new_page()
    page.set_default_timeout(WAIT)
    await page.goto(server.url + "/")
    person = Person(context, page, server)
    await person.log_in(handle)
    return person


async def notes(person: Person) -> list[dict[str, str]]:
    found: list[dict[str, str]] = await person.page.evaluate("window.__notes")
    return found


async def note_with(person: Person, body: str) -> dict[str, str]:
    """Waits for the notification whose body is `body`."""
    await person.page.wait_for_function(
        "body => window.__notes.some(n => n.body === body)", arg=body
    )
    return next(n for n in await notes(person) if n["body"] == body)


async def icon_shows(person: Person, state: str) -> None:
    """Waits until the tab's icon shows `state` ("red:N", "grey" or "" for the plain icon):
    the icon is drawn once its picture has loaded, a moment after the title changes."""
    await person.page.wait_for_function(
        "want => (document.querySelector('link[rel=icon]').dataset.unread || '') === want",
        arg=state,
    )


async def friends(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    chat = (await mei.open_direct("wei"))["id"]
    await mei.send(chat, "first message")
    return mei, wei, int(chat)


async def test_title_icon_notification_preview_and_sound(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await friends(make_user)
    b = await device(browser, server, "wei")
    page = b.page
    await page.wait_for_function("() => document.title === '(1) guanxi'")
    await icon_shows(b, "red:1")
    assert await page.evaluate(
        "document.querySelector('link[rel=icon]').href.startsWith('data:image/png')"
    )

    # a message while wei looks at the chat list: a notification with sender and text, a tone
    await mei.send(chat, "晚饭吃什么?")
    note = await note_with(b, "晚饭吃什么?")
    assert note["title"] == "Mei Lin"
    await page.wait_for_function("() => document.title === '(2) guanxi'")
    await icon_shows(b, "red:2")
    assert await page.evaluate("window.__tones") > 0

    # a click on it opens the chat
    await page.evaluate("window.__shown.dispatchEvent(new Event('click'))")
    await page.wait_for_url(f"**/#/chats/{chat}")
    await b.bubbles("晚饭吃什么?").wait_for()
    await page.wait_for_function("() => document.title === 'guanxi'")

    # the global "show preview" switch off: the sender only
    await page.goto(server.url + "/#/me")
    await page.get_by_label("Show message previews").uncheck()
    await mei.send(chat, "a secret")
    await note_with(b, "New message")
    assert all(n["body"] != "a secret" for n in await notes(b))
    await page.get_by_label("Show message previews").check()

    # the chat's own switch off: that chat's notifications hide the text too
    await b.open_chat("Mei Lin")
    await page.wait_for_function("() => document.title === 'guanxi'")  # opened, so read
    await icon_shows(b, "")
    await page.get_by_role("button", name="Chat notifications").click()
    await page.get_by_label("Show message previews").uncheck()
    await page.get_by_role("button", name="Close").click()
    await page.goto(server.url + "/#/chats")
    before = len(await notes(b))
    await mei.send(chat, "hidden in this chat")
    await page.locator(".conv-preview", has_text="hidden in this chat").wait_for()
    await page.wait_for_function("n => window.__notes.length > n", arg=before)
    assert [n["body"] for n in (await notes(b))[before:]] == ["New message"]

    # the chat on screen, in a focused window: no notification for what is read as it comes
    await b.open_chat("Mei Lin")
    count = len(await notes(b))
    await mei.send(chat, "seen at once")
    await b.bubbles("seen at once").wait_for()
    await page.wait_for_function("() => document.title === 'guanxi'")
    assert len(await notes(b)) == count
    await b.close()


async def test_the_open_chat_notifies_when_its_window_is_in_the_background(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _, chat = await friends(make_user)
    b = await device(browser, server, "wei")
    await b.open_chat("Mei Lin")
    # Playwright tells every page it has the focus; let this one know it lost it to another
    cdp = await b.context.new_cdp_session(b.page)
    await cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})
    other = await b.context.new_page()
    await other.bring_to_front()
    assert not await b.page.evaluate("document.hasFocus()")
    await mei.send(chat, "while you were away")
    assert (await note_with(b, "while you were away"))["title"] == "Mei Lin"
    await other.close()
    await b.close()


async def test_the_first_message_of_a_new_chat_notifies(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """A new chat's first message may come before the chat is loaded: the notification waits
    for the chat (its loading is held here until the message has reached the page)."""
    mei, wei = await make_user("mei", "Mei Lin"), await make_user("wei", "Wei Zhang")
    await befriend(mei, wei)
    b = await device(browser, server, "wei")
    await b.page.get_by_text("No chats yet").wait_for()
    held, came = asyncio.Event(), asyncio.Event()

    async def hold(route: Any) -> None:
        held.set()
        await came.wait()
        await route.continue_()

    def frame(payload: str | bytes) -> None:
        if "our very first words" in str(payload):
            came.set()

    b.page.on("websocket", lambda ws: ws.on("framereceived", frame))
    await b.page.reload()  # the socket opens again, now watched
    await b.page.get_by_text("No chats yet").wait_for()
    await b.page.route(re.compile(r"/api/v1/conversations/\d+$"), hold)
    chat = (await mei.open_direct("wei"))["id"]
    await asyncio.wait_for(held.wait(), WAIT / 1000)
    await mei.send(chat, "our very first words")
    assert (await note_with(b, "our very first words"))["title"] == "Mei Lin"
    await b.page.wait_for_function("() => document.title === '(1) guanxi'")
    await b.close()


async def test_a_mute_on_one_device_silences_every_device(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, chat = await friends(make_user)
    phone = await device(browser, server, "wei")
    laptop = await device(browser, server, "wei")
    await phone.open_chat("Mei Lin")
    await phone.page.get_by_role("button", name="Chat notifications").click()
    await phone.page.get_by_label("Mute this chat").check()
    await phone.page.get_by_role("button", name="Close").click()
    await phone.page.get_by_role("button", name="Chat notifications (muted)").wait_for()
    # the server keeps it for wei alone
    assert (await wei.conversation(chat))["muted"] is True
    assert (await mei.conversation(chat))["muted"] is False

    # the phone leaves the chat, its read marker at the first message (so the laptop counts
    # what comes next from there, whenever the phone's marker reached it)
    await phone.page.evaluate("location.hash = '#/contacts'")
    for _ in range(200):
        if (await wei.conversation(chat))["last_read_seq"] >= 1:
            break
        await asyncio.sleep(0.05)
    laptop_item = laptop.page.locator(".conv-item", has_text="Mei Lin")
    await laptop_item.locator(".unread").wait_for(state="detached")
    # the laptop heard of it at once: a new message there gives no notification, no tone, a
    # grey badge, and no count in the title
    await laptop.page.wait_for_function("() => document.title === 'guanxi'")
    await mei.send(chat, "muted hello")
    item = laptop.page.locator(".conv-item", has_text="Mei Lin")
    await item.locator(".conv-preview", has_text="muted hello").wait_for()
    await item.locator(".unread.muted").wait_for()
    await item.locator(".conv-muted").wait_for()  # the bell crossed out beside the name
    # named by what it shows, then the count and the mute for a screen reader
    assert await item.locator(".conv-status").text_content() == ", 1 unread, muted"
    assert await item.locator(".conv-title").text_content() == "Mei Lin"
    await laptop.page.wait_for_function(
        "() => document.querySelector('link[rel=icon]').dataset.unread === 'grey'"
    )
    assert await laptop.page.title() == "guanxi"
    assert await notes(laptop) == []
    assert await laptop.page.evaluate("window.__tones") == 0

    # unmuted (from the API, as a third device would): the laptop notifies again
    await wei.update_conversation(chat, muted=False)
    await item.locator(".unread:not(.muted)").wait_for()
    assert await item.locator(".conv-muted").count() == 0
    await mei.send(chat, "loud again")
    assert (await note_with(laptop, "loud again"))["title"] == "Mei Lin"
    await phone.page.evaluate(f"location.hash = '#/chats/{chat}'")  # and the phone heard too
    await phone.page.get_by_role("button", name="Chat notifications", exact=True).wait_for()
    await phone.close()
    await laptop.close()


async def test_notifications_are_offered_after_a_click_never_asked_on_load(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await friends(make_user)
    b = await device(browser, server, "wei", grant=False)
    page = b.page
    offer = page.get_by_role("region", name="Notifications")
    await offer.wait_for()
    assert await page.evaluate("Notification.permission") == "default"
    # "not now" is remembered on this device
    await offer.get_by_role("button", name="Not now").click()
    await offer.wait_for(state="detached")
    await page.reload()
    await page.locator(".conv-item").first.wait_for()
    assert await offer.count() == 0
    # the switch in Me asks (here the browser grants) and shows the answer
    await b.context.grant_permissions(["notifications"], origin=server.url)
    await page.goto(server.url + "/#/me")
    switch = page.get_by_label("Desktop notifications")
    assert await switch.is_checked()  # granted meanwhile, and on by default
    await switch.uncheck()
    await page.reload()
    assert not await page.get_by_label("Desktop notifications").is_checked()
    await page.get_by_label("Desktop notifications").check()
    await page.wait_for_function("() => Notification.permission === 'granted'")
    assert await page.get_by_label("Desktop notifications").is_checked()
    await b.close()


async def test_manifest_and_worker_are_served_under_the_policy(server: RunningServer) -> None:
    async with GuanxiClient(server.url) as client:
        page = await client.http.get(server.url + "/")
        worker = await client.http.get(server.url + "/sw.js")
        manifest = await client.http.get(server.url + "/static/manifest.webmanifest")
    policy = page.headers["content-security-policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page.text
    assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]
    assert worker.headers["cache-control"] == "no-cache"
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = json.loads(manifest.text)
    assert (data["start_url"], data["display"]) == ("/", "standalone")
    assert data["icons"][0]["src"] == "/static/icon.svg"


async def test_the_worker_caches_the_client_and_never_the_api(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await friends(make_user)
    b = await device(browser, server, "wei", worker=True)
    page = b.page
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    seen: list[Any] = []
    page.on("response", lambda response: seen.append(response))
    await page.reload()
    await page.locator(".conv-item", has_text="Mei Lin").wait_for()
    by_worker = {r.url.removeprefix(server.url) for r in seen if r.from_service_worker}
    api = [r for r in seen if "/api/" in r.url]
    assert "/static/js/main.js" in by_worker and "/" in by_worker
    assert api and not any(r.from_service_worker for r in api)
    cached: list[str] = await page.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
          }
          return urls;
        }"""
    )
    assert "/static/js/chat.js" in cached
    assert not [url for url in cached if url.startswith("/api/")]

    # offline, the client opens from the cache; the API is not answered from it
    await b.context.set_offline(True)
    await page.reload()
    await page.get_by_text("The server cannot be reached").wait_for()
    failed = await page.evaluate("fetch('/api/v1/me').then(() => 'answered', () => 'failed')")
    assert failed == "failed"
    await b.context.set_offline(False)
    await b.close()
