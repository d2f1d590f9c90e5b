"""Screenshots of the web client for docs/screenshots/, at desktop and phone sizes.

Starts `guanxi serve` on a fresh data folder, fills it with a little data through the public
API, and photographs the main screens in headless Chromium:

    .venv/bin/python scripts/screenshots.py

With --chinese it photographs the Chinese interface instead (zh-*.png): `guanxi serve --demo`
on a fresh folder, logged in as the demo's 林美 in a browser whose language is zh-CN.
Run it with the worktree's sources first on the path (`PYTHONPATH=src`).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import math
import socket
import struct
import subprocess
import sys
import tempfile
import wave
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from playwright.async_api import async_playwright

from guanxi.cli.demo import PASSWORD as DEMO_PASSWORD
from guanxi.client import ApiError, GuanxiClient

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse battery"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def picture(top: tuple[int, int, int], bottom: tuple[int, int, int], sun: bool) -> bytes:
    """A small landscape: a sky gradient, hills, maybe a sun."""
    width, height = 640, 480
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    if sun:
        draw.ellipse([440, 60, 540, 160], fill=(255, 214, 120))
    draw.polygon(
        [(0, 380), (180, 250), (360, 360), (520, 270), (640, 330), (640, 480), (0, 480)],
        fill=(46, 110, 80),
    )
    draw.polygon([(0, 430), (240, 340), (640, 420), (640, 480), (0, 480)], fill=(30, 84, 60))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def voice_note(seconds: float = 4.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        count = int(rate * seconds)
        tone = (int(5000 * math.sin(2 * math.pi * 330 * i / rate)) for i in range(count))
        w.writeframes(b"".join(struct.pack("<h", s) for s in tone))
    return out.getvalue()


async def people(url: str) -> dict[str, GuanxiClient]:
    names = {"mei": "林美", "wei": "Wei Zhang", "mom": "妈妈", "dad": "爸爸", "lan": "Lan Chen"}
    clients = {}
    for handle, name in names.items():
        clients[handle] = GuanxiClient(url)
        await clients[handle].register(handle, PASSWORD, name)
    for other, role, back in [
        ("wei", "colleague", "colleague"),
        ("mom", "family", "family"),
        ("dad", "family", "family"),
        ("lan", "classmate", "classmate"),
    ]:
        request = await clients["mei"].request_friend(other, "Hi, it's Mei", role)
        await clients[other].accept(request["id"], back)
    request = await clients["mom"].request_friend("dad", "", "family")
    await clients["dad"].accept(request["id"], "family")
    await clients["mei"].update_friend("mom", remark="妈妈", tags=["family"])
    await clients["mei"].update_friend("wei", tags=["work", "badminton"])
    return clients


async def chats(c: dict[str, GuanxiClient]) -> int:
    direct = (await c["mei"].open_direct("wei"))["id"]
    await c["wei"].send(direct, "Are we still on for badminton on Saturday?")
    first = await c["mei"].send(direct, "Yes! 10 o'clock at the usual court 🏸")
    await c["wei"].send(direct, "Great. I'll book it.", reply_to=first["seq"])
    await c["mei"].react(direct, first["seq"] + 1, "👍")
    try:
        photo = await c["wei"].upload_media(
            picture((120, 170, 230), (250, 200, 160), True), "hills.jpg", "image/jpeg"
        )
        await c["wei"].send(direct, "", kind="image", media_id=photo["id"])
        voice = await c["mei"].upload_media(voice_note(), "voice.wav", "audio/wav")
        await c["mei"].send(direct, "", kind="voice", media_id=voice["id"])
    except ApiError as error:
        print("no media yet:", error, file=sys.stderr)
    await c["wei"].send(direct, "Beautiful view from the hill this morning, see you Saturday!")
    for handle in ("lan", "dad"):
        conv = (await c["mei"].open_direct(handle))["id"]
        await c[handle].send(
            conv, "周末一起吃饭吗？" if handle == "dad" else "Did you get the class photos?"
        )
    family = await c["mom"].create_group("家人", ["mei", "dad"])
    await c["mom"].send(family["id"], "周日回家吃饭吗？我做饺子 🥟")
    await c["dad"].send(family["id"], "@mei 记得带上次说的书", kind="text")
    await c["mei"].send(family["id"], "好的！我周日中午到")
    await c["mom"].send(family["id"], "👍", kind="emoji")
    return direct


async def moments(c: dict[str, GuanxiClient]) -> None:
    media: list[str] = []
    try:
        for colours in [
            ((250, 180, 150), (120, 90, 160)),
            ((150, 210, 240), (230, 240, 250)),
            ((255, 220, 160), (200, 120, 100)),
        ]:
            media.append(
                (await c["wei"].upload_media(picture(*colours, True), "m.jpg", "image/jpeg"))["id"]
            )
        first = await c["wei"].post_moment("Sunrise hike with the team ⛰️", media, place="香山")
    except ApiError:
        first = await c["wei"].post_moment("Sunrise hike with the team ⛰️", place="香山")
    await c["mei"].like(first["id"])
    await c["mei"].comment(first["id"], "太美了！下次叫上我")
    await c["wei"].comment(first["id"], "一定！")
    second = await c["mom"].post_moment("今天包了三百个饺子 🥟 周日大家都回来吧")
    await c["mei"].like(second["id"])
    await c["dad"].like(second["id"])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def shoot(url: str, direct: int) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
            context = await browser.new_context(viewport=size, device_scale_factor=1)
            page = await context.new_page()
            await page.goto(url + "/")
            await snap(page, f"login-{suffix}")
            await page.get_by_label("Handle").fill("mei")
            await page.get_by_label("Password").fill(PASSWORD)
            await page.get_by_role("button", name="Log in").click()
            await page.locator(".conv-item").first.wait_for()
            await snap(page, f"chats-{suffix}") if suffix == "phone" else None
            box = page.get_by_label("Search chats, contacts, messages and moments")
            await box.fill("badminton")
            await page.locator(".search-group[aria-label=Messages]").wait_for()
            await snap(page, f"search-{suffix}")
            await box.fill("")
            await visit(page, url, f"#/chats/{direct}", f"chat-{suffix}")
            await page.locator(".msg-row:not(.mine) .bubble").last.click(button="right")
            await page.get_by_role("menuitem", name="More reactions").click()
            await page.get_by_label("Search emoji").fill("food")
            await snap(page, f"reactions-{suffix}")
            await page.keyboard.press("Escape")
            await visit(page, url, "#/contacts/u/wei", f"contact-{suffix}")
            await visit(page, url, "#/moments", f"moments-{suffix}")
            await context.close()
        await browser.close()


async def shoot_chinese(url: str) -> None:
    """The demo community in a Chinese browser: chats, a chat, search, moments, my network, Me."""
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
            context = await browser.new_context(
                viewport=size, device_scale_factor=1, locale="zh-CN"
            )
            page = await context.new_page()
            await page.goto(url + "/")
            await page.get_by_label("账号").fill("mei")
            await page.get_by_label("密码").fill(DEMO_PASSWORD)
            await page.get_by_role("button", name="登录").click()
            await page.locator(".conv-item").first.wait_for()
            await snap(page, f"zh-chats-{suffix}") if suffix == "phone" else None
            await page.locator(".conv-item", has_text="一家人").click()
            await page.locator(".msg-row .bubble").first.wait_for()
            await snap(page, f"zh-chat-{suffix}")
            if suffix == "desktop":
                box = page.get_by_label("搜索聊天、联系人、消息和朋友圈")
                await box.fill("火锅")
                await page.locator(".search-group[aria-label=消息]").wait_for()
                await snap(page, "zh-search-desktop")
                await box.fill("")
            await visit(page, url, "#/moments", f"zh-moments-{suffix}")
            for _ in range(60):  # insight reads the demo's history after it is made
                await page.goto(url + "/#/me/network")
                await page.locator(".network-hero, .network-page .form-error").first.wait_for()
                if await page.locator(".network-rings").count():
                    break
                await page.wait_for_timeout(1000)
            await snap(page, f"zh-network-{suffix}")
            await visit(page, url, "#/me", f"zh-me-{suffix}")
            await context.close()
        await browser.close()


async def visit(page: Any, url: str, route: str, name: str) -> None:
    await page.goto(url + "/" + route)
    await page.wait_for_timeout(900)
    await snap(page, name)


async def snap(page: Any, name: str) -> None:
    await page.wait_for_timeout(400)
    await page.screenshot(path=str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Writes docs/screenshots/*.png (English: login, chats, search, chat, reactions,"
        " contact, moments; Chinese: zh-chats, zh-chat, zh-search, zh-moments, zh-network,"
        " zh-me).",
    )
    parser.add_argument(
        "--chinese",
        action="store_true",
        help="the Chinese interface instead: `guanxi serve --demo`, logged in as 林美, zh-CN",
    )
    return parser.parse_args()


async def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    chinese = arguments().chinese
    with tempfile.TemporaryDirectory() as data:
        command = [sys.executable, "-m", "guanxi", "serve", "--port", str(port), "--data-dir", data]
        server = await asyncio.to_thread(
            subprocess.Popen, [*command, "--demo"] if chinese else command
        )
        try:
            for _ in range(1200 if chinese else 600):  # the demo takes a while to make
                try:
                    socket.create_connection(("127.0.0.1", port), 0.1).close()
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            if chinese:
                return await shoot_chinese(url)
            c = await people(url)
            direct = await chats(c)
            await moments(c)
            await shoot(url, direct)
            for client in c.values():
                await client.close()
        finally:
            server.terminate()
            await asyncio.to_thread(server.wait)


if __name__ == "__main__":
    asyncio.run(main())
