"""The web client and an import: the chat list comes back with the imported chats when the
import is done (one `import.done`, no event per message), and a system entry is a centred grey
line of the chat, not somebody's bubble."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from guanxi.assets import formats
from tests import bundle_format
from tests.conftest import RunningServer, UserFactory
from tests.test_import import group_chat
from tests.test_web_client import Person, browser

__all__ = ["browser"]  # the fixture


@pytest.fixture(autouse=True)
def bundle(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)
    yield


async def test_an_import_shows_up_in_the_open_web_client(
    make_user: UserFactory, browser: Any, server: RunningServer
) -> None:
    me = await make_user("importer", "Importer")
    person = await Person.open(browser, server)
    await person.log_in("importer")
    await person.page.locator(".rail").wait_for()
    started = await me.start_import(bundle_format.pack({"chats": [group_chat()]}), "x.zip")
    assert (await me.wait_import(started["id"]))["state"] == "done"
    await person.open_chat("Hiking club")  # in the list without a reload: import.done
    line = person.page.locator(".msg-row.system .sys-line", has_text="Ann created the group")
    await line.wait_for()
    assert await person.page.locator(".bubble", has_text="Ann created the group").count() == 0
    await person.bubbles("trail on sunday?").wait_for()
    await person.close()
