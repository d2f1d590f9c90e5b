"""The "My assets" screen in headless Chromium: the totals, the per-person table with each
person's asset value (the highest first), and linking an imported contact to a friend.
Screenshots at desktop and phone width go to docs/screenshots/assets-*.png when
GUANXI_WRITE_SCREENSHOTS=1 (else to a temporary folder)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend
from tests.media_files import image, wav
from tests.test_placeholders import make_placeholder
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FRIENDS = {  # handle: (name, role, messages each way)
    "mei.lin": ("Mei Lin", "family", 14),
    "wei": ("Wei Zhang", "close_friend", 9),
    "jun": ("Jun Chen", "colleague", 4),
}


async def history(make_user: UserFactory, server: RunningServer) -> GuanxiClient:
    """xiao with three friends, chats with photos and a voice note, a group, moments liked and
    commented, and two contacts from an imported WhatsApp chat."""
    xiao = await make_user("xiao", "Xiao Wang")
    friends: dict[str, GuanxiClient] = {}
    for handle, (name, role, count) in FRIENDS.items():
        friend = friends[handle] = await make_user(handle, name)
        await befriend(xiao, friend, role_a=role)
        chat = int((await xiao.open_direct(handle))["id"])
        for i in range(count):
            await xiao.send(chat, f"how are you {i}")
            await friend.send(chat, f"fine, thanks {i}")
        photo = await friend.upload_media(image("JPEG", (640, 480)), "trip.jpg")
        await friend.send(chat, "", kind="image", media_id=photo["id"])
    voice = await xiao.upload_media(wav(2.0), "hello.wav")
    chat = int((await xiao.open_direct("mei.lin"))["id"])
    await xiao.send(chat, "", kind="voice", media_id=voice["id"])
    group = int((await xiao.create_group("Weekend hikes", list(FRIENDS)))["id"])
    for friend in friends.values():
        await friend.send(group, "see you Saturday")
    pic = await xiao.upload_media(image("PNG", (800, 600)), "summit.png")
    moment = await xiao.post_moment("Made it to the top", [pic["id"]])
    for friend in friends.values():
        await friend.like(moment["id"])
    await friends["mei.lin"].comment(moment["id"], "Beautiful!")
    await make_placeholder(server, xiao, "Grandma", mine=6, theirs=9)
    await make_placeholder(server, xiao, "Uncle Bo", theirs=3)
    return xiao


def shown_number(text: str) -> float:
    """A figure as the screen shows it (en-US: `1,234.5`)."""
    return float(text.replace(",", ""))


async def shoot(page: Any, name: str, tmp_path: Path, height: int) -> None:
    """A screenshot tall enough for the whole screen (the pane scrolls inside the page)."""
    out = DOCS if os.environ.get("GUANXI_WRITE_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    await page.set_viewport_size({"width": size["width"], "height": height})
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(out / f"{name}.png"))
    await page.set_viewport_size(size)


LOG_IN = {"en-US": ("Handle", "Password", "Log in"), "zh-CN": ("账号", "密码", "登录")}


async def open_in(
    browser: Any,  # noqa: F811
    server: RunningServer,
    handle: str,
    locale: str,
    phone: bool = False,
    password: str = PASSWORD,
) -> Person:
    """A browser whose language is `locale`, logged in as `handle` (in that language)."""
    person = await Person.open(browser, server, phone=phone, locale=locale)
    label, secret, button = LOG_IN[locale]
    await person.page.get_by_label(label).fill(handle)
    await person.page.get_by_label(secret).fill(password)
    await person.page.get_by_role("button", name=button).click()
    await person.page.locator(".rail").wait_for()
    return person


async def open_assets(browser: Any, server: RunningServer, phone: bool) -> Person:  # noqa: F811
    person = await Person.open(browser, server, phone=phone)
    await person.log_in("xiao")
    await person.page.goto(server.url + "/#/me/assets")
    await person.page.locator(".stat-grid").wait_for()
    return person


@pytest.mark.rate_limits_off
async def test_the_assets_screen(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    xiao = await history(make_user, server)
    await server.services.insight_follower.catch_up()  # the strengths the values weigh by
    ledger = await xiao.assets()
    desk = await open_assets(browser, server, phone=False)
    page = desk.page
    rows = page.locator(".assets-table tbody tr")
    people = len(FRIENDS) + 2  # and the two imported contacts, linked to nobody yet
    assert await rows.count() == people
    shown = [await rows.nth(i).get_attribute("data-handle") for i in range(people)]
    assert shown == [f["handle"] for f in ledger["by_friend"]]  # the highest value first
    assert set(FRIENDS) < set(shown)
    for f in ledger["by_friend"]:
        cell = page.locator(f'.assets-table tr[data-handle="{f["handle"]}"] td.value')
        assert shown_number(await cell.inner_text()) == pytest.approx(f["value"], abs=0.051)
    assert await page.locator(".assets-more").is_hidden()
    total = ledger["totals"]["value"]["value"]
    hero = page.locator(".assets-hero .fact", has_text="asset value in units").locator("strong")
    assert shown_number(await hero.inner_text()) == pytest.approx(total, abs=0.051)
    # what the number is: units of what one holds, weighted by how close each tie is
    units = await page.locator(".assets-hero .assets-value-is").inner_text()
    assert units.startswith("Asset value, in units: 1 a message, 4 a photo")
    assert "weighted by how close you are" in units
    sent = ledger["totals"]["messages"]["sent"]["total"]
    assert await page.locator(".stat-card", has_text="Messages").get_by_text(f"{sent:,}").count()
    await shoot(page, "assets-desktop", tmp_path, 1270)

    grandma = page.locator(".placeholder-row", has_text="Grandma")
    await grandma.get_by_role("button", name="Link to a friend").click()
    await page.get_by_label("Friend", exact=True).select_option("jun")
    await page.get_by_role("button", name="Link", exact=True).click()
    await grandma.get_by_text("linked to @jun").wait_for()
    jun = page.locator('.assets-table tr[data-handle="jun"]')
    await jun.get_by_text("+ imported").wait_for()
    assert [p["linked_to"] for p in await xiao.placeholders()] == ["jun", None]
    await desk.close()

    phone = await open_assets(browser, server, phone=True)
    sub = phone.page.locator('.assets-table tr[data-handle="mei.lin"] .role-sub')
    assert (await sub.inner_text()).startswith("family · value ")  # no room for the columns
    await shoot(phone.page, "assets-phone", tmp_path, 1930)
    await phone.close()

    chinese = await open_in(browser, server, "xiao", "zh-CN", phone=True)
    await chinese.page.goto(server.url + "/#/me/assets")
    label = chinese.page.locator(".assets-hero .fact", has_text="资产价值（单位）")
    await label.wait_for()
    units = await chinese.page.locator(".assets-hero .assets-value-is").inner_text()
    assert units.startswith("资产价值以“单位”计：每条消息 1")
    assert "按你们关系的亲近程度加权" in units
    await chinese.close()


async def test_export_my_data(
    make_user: UserFactory,
    server: RunningServer,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    xiao = await make_user("xiao", "Xiao Wang")
    await xiao.post_moment("something to export")
    desk = await open_assets(browser, server, phone=False)
    page = desk.page
    await page.get_by_role("button", name="Export my data").click()
    download_button = page.get_by_role("button", name="Download archive")
    await download_button.wait_for()
    async with page.expect_download() as caught:
        await download_button.click()
    download = await caught.value
    saved = tmp_path / "archive.zip"
    await download.save_as(str(saved))
    with zipfile.ZipFile(saved) as archive:
        assert "manifest.json" in archive.namelist()
    await desk.close()
