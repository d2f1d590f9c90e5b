"""The offline viewer in a real headless Chromium, opened from disk (`file://…/index.html`) with
the network off: an archive folder written by ViewerPack from records made here (a chat with a
photo, a voice note, a reply, reactions, an edit, a recall and markup typed as text; a group
with a system line; a moment with a photo, likes and comments) shows its chat list, its chats,
its moments, contacts and profile; no request leaves file://, nothing breaks the page's policy.

Screenshots are taken at desktop and phone sizes; with GUANXI_WRITE_SCREENSHOTS=1 they are
written to docs/screenshots/viewer-*.png (the ones the README shows)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from guanxi.assets.viewer_pack import ViewerPack
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import UserFactory
from tests.media_files import fixture
from tests.test_export import build_community, exported
from tests.test_web_client import WAIT, browser  # noqa: F401  (the fixture; skips without Chromium)

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
EVIL = "<img src=x onerror=alert(1)>"
T0 = 1_764_900_000_000  # 5 Dec 2025, 02:00 UTC
MIN = 60_000
clock = configured.clock  # the real export's community moves a fixed clock

# A page may only notice a policy violation itself: this records each one (Playwright adds it
# through DevTools, which the page's policy does not govern).
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def landscape() -> bytes:
    """A 480×320 PNG: an evening sky, a sun and the sea."""
    image = Image.new("RGB", (480, 320))
    draw = ImageDraw.Draw(image)
    for y in range(200):
        draw.line([(0, y), (480, y)], fill=(250 - y // 3, 150 + y // 4, 110 + y // 2))
    draw.ellipse([300, 120, 380, 200], fill=(255, 226, 140))
    for y in range(200, 320):
        draw.line([(0, y), (480, y)], fill=(30, 90 + (y - 200) // 4, 140))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def media(root: Path, data: bytes, kind: str, mime: str, name: str, **extra: Any) -> dict[str, Any]:
    sha = hashlib.sha256(data).hexdigest()
    (root / "media").mkdir(exist_ok=True)
    (root / "media" / sha).write_bytes(data)
    record = {"sha256": sha, "kind": kind, "mime": mime, "size": len(data), "filename": name}
    record |= {"width": None, "height": None, "duration_ms": None, "path": f"media/{sha}"}
    return record | extra


def member(handle: str) -> dict[str, Any]:
    return {
        "handle": handle,
        "role": "member",
        "joined_at": T0,
        "left_at": None,
        "last_read_seq": None,
    }


def msg(conversation: int, seq: int, sender: str, text: str, **extra: Any) -> dict[str, Any]:
    record = {
        "conversation": conversation,
        "seq": seq,
        "sender": sender,
        "kind": "text",
        "text": text,
    }
    record |= {
        "created_at": T0 + seq * 3 * MIN,
        "reply_to_seq": None,
        "mentions": [],
        "media": None,
    }
    record |= {"edited_at": None, "edit_count": 0, "recalled_at": None, "reactions": []}
    return record | extra


def write_archive(root: Path) -> dict[str, dict[str, Any]]:
    """An archive folder as an export leaves it (without its JSONL files, which the viewer does
    not read): ana's chat with bo, the hiking group, a moment. Returns the media records."""
    photo = media(root, landscape(), "image", "image/png", "sunset.png", width=480, height=320)
    voice = media(root, fixture("voice.ogg"), "voice", "audio/ogg", "voice.ogg", duration_ms=1000)
    notes = media(root, b"%PDF-1.4 trip notes\n", "file", "application/pdf", "trip notes.pdf")
    pack = ViewerPack(root)
    pack.add(
        "profile",
        {
            "handle": "ana",
            "display_name": "Ana Lima",
            "bio": "Walks, tea, photos.",
            "created_at": T0 - 400 * 86_400_000,
            "moments_visible": "all",
        },
    )
    for handle, name in [("ana", "Ana Lima"), ("bo", "Bo Chen"), ("cy", "Cy Park")]:
        pack.add(
            "people",
            {"handle": handle, "display_name": name, "is_placeholder": False, "is_deleted": False},
        )
    pack.add(
        "friends",
        {
            "handle": "bo",
            "role": "family",
            "remark": "Brother Bo",
            "tags": ["home", "tea"],
            "since": T0 - 300 * 86_400_000,
        },
    )
    pack.add(
        "friends",
        {
            "handle": "cy",
            "role": "colleague",
            "remark": "",
            "tags": [],
            "since": T0 - 90 * 86_400_000,
        },
    )
    direct = {
        "id": 1,
        "kind": "direct",
        "name": "",
        "announcement": "",
        "created_at": T0,
        "owner": None,
    }
    pack.add(
        "conversations",
        direct
        | {
            "members": [member("ana"), member("bo")],
            "window": {"after_seq": 0, "through_seq": None},
        },
    )
    group = {
        "id": 2,
        "kind": "group",
        "name": "Hiking club",
        "announcement": "Saturday 8:00 at the station",
        "created_at": T0,
        "owner": "cy",
    }
    pack.add(
        "conversations",
        group
        | {
            "members": [member(h) for h in ("ana", "bo", "cy")],
            "window": {"after_seq": 0, "through_seq": None},
        },
    )
    reacted = [{"handle": "ana", "emoji": "👍", "created_at": T0 + 10 * MIN}]
    for record in [
        msg(1, 1, "bo", "Are you back from the coast?"),
        msg(1, 2, "ana", "Yes! Look at this sunset", kind="image", media=photo["sha256"]),
        msg(1, 3, "bo", "Wow. Send me the notes?", reply_to_seq=2, reactions=reacted),
        msg(1, 4, "ana", "", kind="file", media=notes["sha256"]),
        msg(1, 5, "ana", "", kind="voice", media=voice["sha256"]),
        msg(1, 6, "bo", EVIL),
        msg(1, 7, "ana", "", recalled_at=T0 + 22 * MIN),
        msg(1, 8, "ana", "Tea on Sunday?", edited_at=T0 + 30 * MIN, edit_count=1),
        msg(
            2,
            1,
            "cy",
            "Bo Chen joined the group",
            kind="system",
            created_at=T0 + 10 * MIN + 3_600_000,
        ),
        msg(
            2,
            2,
            "cy",
            "@ana are you coming on Saturday?",
            mentions=["ana"],
            created_at=T0 + 20 * MIN + 3_600_000,
        ),
        msg(2, 3, "ana", "Wouldn't miss it 🥾", created_at=T0 + 30 * MIN + 3_600_000),
    ]:
        pack.add("messages", record)
    for record in (photo, notes, voice):
        pack.add("media", record)
    likes = [
        {"handle": "bo", "created_at": T0 + 40 * MIN},
        {"handle": "cy", "created_at": T0 + 41 * MIN},
    ]
    comments = [
        {
            "id": 1,
            "handle": "bo",
            "text": "Beautiful! Where is this?",
            "created_at": T0 + 42 * MIN,
            "reply_to": None,
        },
        {
            "id": 2,
            "handle": "ana",
            "text": "Praia da Luz, at 7 pm",
            "created_at": T0 + 43 * MIN,
            "reply_to": 1,
        },
    ]
    pack.add(
        "moments",
        {
            "id": 5,
            "text": "Last evening by the sea",
            "place": "Lagos, Portugal",
            "created_at": T0 + 35 * MIN,
            "audience": {"kind": "all", "tags": []},
            "media": [photo["sha256"]],
            "likes": likes,
            "comments": comments,
        },
    )
    pack.add(
        "interactions",
        {
            "kind": "like",
            "moment": {"author": "cy", "created_at": T0, "text": "New boots"},
            "text": "",
            "created_at": T0 + MIN,
        },
    )
    pack.add(
        "manifest",
        {
            "format": "guanxi-archive",
            "version": 1,
            "exported_at": T0 + 60 * MIN,
            "user": {"handle": "ana", "display_name": "Ana Lima"},
            "counts": {
                "conversations": 2,
                "messages": 11,
                "media": 3,
                "moments": 1,
                "friends": 2,
                "people": 3,
            },
            "files": {},
        },
    )
    pack.close()
    return {"photo": photo, "voice": voice, "notes": notes}


class Viewer:
    """One offline browser context on the archive: every request and console error noted."""

    def __init__(self, context: Any, page: Any) -> None:
        self.context, self.page = context, page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    async def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    @classmethod
    async def open(cls, chromium: Any, root: Path, size: dict[str, int]) -> Viewer:
        context = await chromium.new_context(viewport=size)
        await context.set_offline(True)
        await context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        page = await context.new_page()
        page.set_default_timeout(WAIT)
        await page.add_init_script(WATCH_CSP)
        viewer = cls(context, page)
        await page.goto((root / "index.html").as_uri())
        await page.locator(".conv-item").first.wait_for()
        return viewer

    @classmethod
    async def on_sample(cls, chromium: Any, tmp_path: Path, size: dict[str, int]) -> Viewer:
        """The viewer on write_archive's archive, in tmp_path/archive."""
        root = tmp_path / "archive"
        root.mkdir()
        write_archive(root)
        return await cls.open(chromium, root, size)

    async def loaded(self, selector: str) -> int:
        """Waits for the image to finish loading; returns its natural width."""
        image = self.page.locator(selector).first
        await image.wait_for()
        await image.scroll_into_view_if_needed()
        handle = await image.element_handle()
        await self.page.wait_for_function("(img) => img.complete", arg=handle)
        width: int = await image.evaluate("(img) => img.naturalWidth")
        return width

    async def shoot(self, tmp: Path, name: str) -> None:
        path = tmp / f"viewer-{name}.png"
        await self.page.screenshot(path=str(path))
        if os.environ.get("GUANXI_WRITE_SCREENSHOTS") == "1":
            shutil.copyfile(path, SCREENSHOTS / path.name)

    async def close(self) -> None:
        assert await self.page.evaluate("window.__violations") == []
        assert self.errors == [] and self.dialogs == []
        assert self.requests and all(url.startswith("file://") for url in self.requests), (
            self.requests
        )
        await self.context.close()


async def test_the_viewer_shows_chats_moments_and_contacts_from_disk_offline(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    viewer = await Viewer.on_sample(browser, tmp_path, DESKTOP)
    page = viewer.page

    items = page.locator(".conv-item")
    assert await items.count() == 2
    assert await items.nth(0).locator(".conv-title").inner_text() == "Hiking club"
    assert "Wouldn't miss it" in await items.nth(0).locator(".conv-preview").inner_text()
    assert await items.nth(1).locator(".conv-title").inner_text() == "Brother Bo"
    assert await items.nth(1).locator(".conv-preview").inner_text() == "Tea on Sunday?"

    await items.nth(1).click()
    rows = page.locator(".msg-row")
    await rows.last.wait_for()
    assert await rows.count() == 8
    assert await viewer.loaded(".msg-row img.photo") > 0
    evil = page.locator(".bubble .text", has_text=EVIL)
    assert await evil.inner_text() == EVIL
    assert await page.locator(".messages img").count() == 1  # the photo, not the typed markup
    assert await page.locator(".bubble .quote-text").inner_text() == "Yes! Look at this sunset"
    reaction = page.locator(".reaction")
    assert await reaction.get_attribute("aria-label") == "👍 1: You"
    assert await page.locator(".kind-recalled .text").inner_text() == "message recalled"
    assert await page.locator(".edited").count() == 1
    assert await page.locator("a.file .file-name").inner_text() == "trip notes.pdf"
    audio = page.locator("audio.voice-audio")
    await page.wait_for_function("() => document.querySelector('audio').readyState >= 1")
    assert await audio.evaluate("(a) => a.duration") > 0.5
    await viewer.shoot(tmp_path, "chat-desktop")

    await page.locator(".conv-item", has_text="Hiking club").click()
    await page.locator(".sys-line", has_text="Bo Chen joined the group").wait_for()
    assert await page.locator(".announcement").inner_text() == "Saturday 8:00 at the station"
    assert await page.locator(".mention.me").inner_text() == "@ana"
    assert await page.locator(".msg-row .sender").first.inner_text() == "Cy Park"

    await page.locator(".tab", has_text="Moments").click()
    moment = page.locator(".moment")
    await moment.wait_for()
    assert await moment.locator(".moment-text").inner_text() == "Last evening by the sea"
    assert await viewer.loaded(".moment img.grid-photo") > 0
    assert await moment.locator(".likes").inner_text() == "Brother Bo, Cy Park"
    comments = await moment.locator(".comment").all_inner_texts()
    assert comments == [
        "Brother Bo: Beautiful! Where is this?",
        "Ana Lima replied to Brother Bo: Praia da Luz, at 7 pm",
    ]
    await viewer.shoot(tmp_path, "moments-desktop")

    await page.locator(".tab", has_text="Contacts").click()
    bo = page.locator(".friend", has_text="Brother Bo")
    assert await bo.locator(".role").text_content() == "family"
    assert "Bo Chen · @bo" in await bo.inner_text()
    assert await bo.locator(".tag").all_inner_texts() == ["home", "tea"]
    await viewer.shoot(tmp_path, "contacts-desktop")
    await page.locator(".tab[data-tab=me]").click()
    assert await page.locator(".profile h3").inner_text() == "Ana Lima"
    assert "You liked Cy Park's moment" in await page.locator(".interaction").inner_text()
    await viewer.shoot(tmp_path, "me-desktop")
    await viewer.close()


async def test_the_viewer_reads_well_on_a_phone(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    viewer = await Viewer.on_sample(browser, tmp_path, PHONE)
    page = viewer.page
    await viewer.shoot(tmp_path, "chats-phone")
    await page.locator(".conv-item", has_text="Brother Bo").click()
    assert await viewer.loaded(".msg-row img.photo") > 0
    assert not await page.locator(".list-pane").is_visible()
    width = await page.evaluate("document.querySelector('.messages').scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    await page.locator(".messages").evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
    await viewer.shoot(tmp_path, "chat-phone")
    await page.locator("a.back").click()
    await page.locator(".tab", has_text="Moments").click()
    assert await viewer.loaded(".moment img.grid-photo") > 0
    await viewer.shoot(tmp_path, "moments-phone")
    await viewer.close()


async def test_a_long_history_loads_its_earlier_chunks_as_it_is_scrolled_back(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    root = tmp_path / "archive"
    pack = ViewerPack(root, chunk=100)
    pack.add(
        "profile",
        {
            "handle": "ana",
            "display_name": "Ana",
            "bio": "",
            "created_at": T0,
            "moments_visible": "all",
        },
    )
    pack.add(
        "conversations",
        {
            "id": 3,
            "kind": "direct",
            "name": "Long",
            "announcement": "",
            "created_at": T0,
            "owner": None,
            "members": [member("ana"), member("bo")],
            "window": {"after_seq": 0, "through_seq": None},
        },
    )
    for seq in range(1, 251):
        pack.add(
            "messages",
            msg(
                3,
                seq,
                "bo" if seq % 3 else "ana",
                f"message number {seq}",
                reply_to_seq=1 if seq == 250 else None,
            ),
        )
    for n in range(450):  # moments come oldest first: two chunks of 200, one of 50
        moment = {"id": n, "text": f"moment {n}", "place": "", "created_at": T0 + n * MIN}
        moment |= {"audience": {"kind": "all", "tags": []}, "media": [], "likes": []}
        pack.add("moments", moment | {"comments": []})
    pack.close()
    viewer = await Viewer.open(browser, root, DESKTOP)
    page = viewer.page
    await page.locator(".conv-item").click()
    await page.locator(".bubble .text", has_text="message number 250").wait_for()
    assert await page.locator(".msg-row").count() == 50  # the newest chunk only
    # the quoted message is in chunk 0, read when the quote is drawn
    await page.locator(".quote-text", has_text="message number 1").wait_for()
    for shown in (150, 250):
        await page.locator(".messages").evaluate("(el) => { el.scrollTop = 0; }")
        await page.wait_for_function(
            f"() => document.querySelectorAll('.msg-row').length === {shown}"
        )
    await page.locator(".history-top", has_text="The beginning of this chat.").wait_for()
    seqs = await page.locator(".msg-row").evaluate_all(
        "(rows) => rows.map((r) => Number(r.dataset.seq))"
    )
    assert seqs == list(range(1, 251))

    await page.locator(".tab", has_text="Moments").click()
    await page.locator(".moment").first.wait_for()
    texts = page.locator(".moment-text")
    assert await texts.count() == 50 and await texts.first.inner_text() == "moment 449"
    for shown in (250, 450):
        await page.get_by_role("button", name="Older moments").click()
        await page.wait_for_function(
            f"() => document.querySelectorAll('.moment').length === {shown}"
        )
    assert await page.get_by_role("button", name="Older moments").count() == 0
    assert await texts.last.inner_text() == "moment 0"
    await viewer.close()


async def test_the_page_policy_is_in_force(
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """What the policy forbids is refused in the open viewer: a script or a style put in the
    page (as markup injected through a bug would be). (Playwright's own evaluation is exempt
    from the policy, so eval cannot be probed from here.)"""
    viewer = await Viewer.on_sample(browser, tmp_path, DESKTOP)
    page = viewer.page
    refused = await page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true;";
          document.body.append(script);
          document.body.setAttribute("style", "background: red");
          return [window.injected === true, getComputedStyle(document.body).backgroundColor];
        }"""
    )
    assert refused == [False, "rgba(0, 0, 0, 0)"]
    violations = await page.evaluate("window.__violations")
    assert sorted(v.split(" ")[0] for v in violations) == ["script-src-elem", "style-src-attr"]
    await page.evaluate("window.__violations = []")
    viewer.errors.clear()  # the console reports each refusal
    await viewer.close()


# -- a real export ---------------------------------------------------------------------------


async def test_a_real_export_opens_offline_with_its_chats_media_and_moments(
    make_user: UserFactory,
    clock: FixedClock,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The archive the exporter makes for test_export's community (every kind of message and
    media, groups, a recall, an edit, moments with likes and comments), unzipped and opened
    from disk: the viewer shows it all, offline."""
    world = await build_community(make_user, clock)
    _, data = await exported(world.ana)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "archive")
    viewer = await Viewer.open(browser, tmp_path / "archive", DESKTOP)
    page = viewer.page
    titles = await page.locator(".conv-title").all_inner_texts()
    assert sorted(titles) == ["Big Bo", "Hike", "Late", "Old friends"]

    await page.locator('.conv-item:has(.conv-title:text-is("Big Bo"))').click()
    await page.locator(".bubble .text", has_text="你好 Bo").wait_for()
    assert await viewer.loaded(".msg-row img.photo") > 0
    photos = page.locator("img.photo")
    srcs = await photos.evaluate_all("(imgs) => imgs.map((img) => img.getAttribute('src'))")
    assert len(srcs) == 3 and len(set(srcs)) == 2  # ana's photo was sent twice, stored once
    await page.wait_for_function("() => document.querySelector('audio').readyState >= 1")
    await page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert await page.locator("a.file .file-name").inner_text() == "notes.pdf"
    assert await page.locator(".kind-recalled .text").inner_text() == "message recalled"
    assert await page.locator(".edited").count() == 1
    assert await page.locator(".bubble .text", has_text="after the edit").count() == 1

    await page.locator('.conv-item:has(.conv-title:text-is("Late"))').click()
    await page.locator(".history-top", has_text="Your part of this group").wait_for()
    await page.locator('.conv-item:has(.conv-title:text-is("Old friends"))').click()
    await page.locator(".bubble .text", has_text="bye all").wait_for()
    assert "You left this group" in await page.locator(".history-end").inner_text()

    await page.locator(".tab", has_text="Moments").click()
    await page.locator(".moment").first.wait_for()
    assert await page.locator(".moment").count() == 4
    everyone = page.locator(".moment", has_text="moment all")
    assert await everyone.locator(".likes").inner_text() == "Big Bo"
    assert await everyone.locator(".comment").all_inner_texts() == [
        "Cai: nice",
        "Big Bo replied to Cai: indeed",
    ]
    assert await viewer.loaded(".moment img.grid-photo") > 0
    await page.locator(".tab[data-tab=me]").click()
    await page.locator(".interaction").first.wait_for()
    assert await page.locator(".interaction > span").all_inner_texts() == [
        "You liked Big Bo's moment “bo's summit”",
        "You commented on Big Bo's moment “bo's summit”: well done",
    ]
    await viewer.close()
