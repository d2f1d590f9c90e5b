"""The web client's "Password and devices" screen, in a real Chromium: see the devices logged
in, log one out, change the password (the other devices are logged out), delete the account."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from tests import test_web_client as web
from tests.conftest import PASSWORD, RunningServer, UserFactory

browser = web.browser  # the fixture: one Chromium per test
NEW_PASSWORD = "lantern orchard quietly"


async def test_devices_listed_one_logged_out_password_changed_account_deleted(
    server: RunningServer, make_user: UserFactory, browser: Any
) -> None:
    phone = await make_user("mei", "Mei Lin")
    tablet = GuanxiClient(server.url)
    await tablet.login("mei", PASSWORD, device="tablet")
    me = await web.Person.open(browser, server)
    await me.log_in("mei")
    page = me.page
    await page.goto(server.url + "/#/me")
    await page.get_by_role("link", name="Password and devices").click()
    rows = page.locator(".session-row")
    await rows.filter(has_text="tablet").wait_for()
    assert await rows.count() == 3
    assert await rows.filter(has_text="This device").count() == 1

    await page.get_by_role("button", name="Log out tablet").click()
    await rows.filter(has_text="tablet").wait_for(state="detached")
    with pytest.raises(ApiError) as ended:
        await tablet.me()
    assert ended.value.status == 401

    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await page.get_by_text("your other devices are logged out").wait_for()
    await page.wait_for_function("document.querySelectorAll('.session-row').length === 1")
    with pytest.raises(ApiError) as logged_out:
        await phone.me()
    assert logged_out.value.status == 401
    async with GuanxiClient(server.url) as again:
        await again.login("mei", NEW_PASSWORD)
    await page.reload()
    await page.locator(".session-row", has_text="This device").wait_for()  # still logged in

    me.confirm = True
    await page.get_by_label("Password to confirm").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Delete my account").click()
    await page.get_by_role("button", name="Log in").wait_for()  # back at the door
    assert me.dialogs and "Delete your account" in me.dialogs[-1]
    async with GuanxiClient(server.url) as again:
        with pytest.raises(ApiError) as deleted:
            await again.login("mei", NEW_PASSWORD)
        assert deleted.value.status == 401
    await tablet.close()
    await me.close()
