"""`/docs` works offline: a plain page of every call, built on the server, with no script and
nothing loaded from anywhere else — checked in a real Chromium that may reach only the server."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import RunningServer
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)


async def test_the_docs_page_lists_every_call_and_needs_no_network(
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    page = await (await browser.new_context()).new_page()
    elsewhere: list[str] = []

    async def only_the_server(route: Any) -> None:
        if route.request.url.startswith(server.url):
            await route.continue_()
        else:
            elsewhere.append(route.request.url)
            await route.abort()

    await page.route("**/*", only_the_server)
    await page.goto(server.url + "/docs")
    await page.get_by_role("heading", name="messages").wait_for()
    await page.locator("li", has_text="POST /api/v1/sessions").wait_for()
    readers = "GET /api/v1/conversations/{conversation_id}/messages/{seq}/readers"
    await page.locator("li", has_text=readers).wait_for()
    assert await page.get_by_role("link", name="/openapi.json").get_attribute("href") == (
        "/openapi.json"
    )
    assert elsewhere == []
    assert await page.locator("script").count() == 0
    await page.context.close()


async def test_the_docs_page_is_served_with_a_policy_that_allows_nothing(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.get("/docs")
        schema = (await http.get("/openapi.json")).json()
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    listed = answer.text.count("<li><code>")
    calls = sum(1 for item in schema["paths"].values() for m in item if m != "parameters")
    assert listed == calls
