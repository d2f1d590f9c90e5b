"""A file sent in a chat shows its name in the web client — in the chat and in the chat
list — and saves under it."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer, UserFactory
from tests.test_read_receipts_browser import friends_with_a_chat
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)


async def test_a_file_shows_and_saves_under_its_name(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, _wei, chat = await friends_with_a_chat(make_user)
    item = await mei.upload_media(b"hello world", "notes\u202etxt.exe")
    await mei.send(chat, "", kind="file", media_id=item["id"])
    b = await Person.open(browser, server)
    await b.log_in("wei")
    await b.page.goto(server.url + "/#/chats")
    entry = b.page.locator(".conv-item", has_text="Mei Lin")
    await entry.locator(".conv-preview", has_text="[File] notestxt.exe").wait_for()
    await b.open_chat("Mei Lin")
    link = b.page.get_by_role("link", name="Download notestxt.exe")
    await link.locator(".file-size").wait_for()
    async with b.page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename == "notestxt.exe"
    await b.close()
