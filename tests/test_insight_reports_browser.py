"""A report page in headless Chromium: its charts show, its style applies (the CSP's hash
matches), and a display name written as markup runs nothing."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import RunningServer, UserFactory
from tests.test_insight_reports import world
from tests.test_web_client import browser  # noqa: F401 (the fixture)

clock = configured.clock
settings = configured.settings(session_idle_days=3650)


async def open_report(browser: Any, server: RunningServer, token: str, path: str) -> Any:  # noqa: F811
    context = await browser.new_context()
    await context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
    page = await context.new_page()
    page.problems = []
    page.on("console", lambda message: page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("dialog", lambda dialog: page.problems.append(f"dialog {dialog.message}"))
    response = await page.goto(server.url + "/api/v1" + path)
    assert response.status == 200
    return page


@pytest.mark.rate_limits_off
@pytest.mark.parametrize("path", ["/me/insight/report?year=2026", "/me/insight/report/us/bob"])
async def test_a_report_shows_its_charts_and_runs_nothing(
    path: str,
    make_user: UserFactory,
    clock: FixedClock,
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    w = await world(make_user, clock)
    assert w.mei.token is not None
    page = await open_report(browser, server, w.mei.token, path)
    images = await page.eval_on_selector_all("img", "all => all.map(i => i.naturalWidth)")
    assert images and all(width > 0 for width in images)
    width = await page.eval_on_selector("body", "b => getComputedStyle(b).maxWidth")
    assert width == "760px"  # the inline style ran under its hash
    assert await page.eval_on_selector_all("script", "all => all.length") == 0
    assert await page.evaluate("document.title") in ("My year 2026", "Us")
    assert '<script>alert("x")</script>' in await page.inner_text("body")
    assert page.problems == []
