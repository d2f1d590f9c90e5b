"""The web client and the event stream's answers that carry less than before: reaction events
with only the change, and `resync` when the server cannot replay what a device missed."""

from __future__ import annotations

from typing import Any

from tests import configured
from tests.conftest import RunningServer, UserFactory
from tests.test_web_client import browser, friends_in_a_chat  # noqa: F401  (fixture)

REPLAY_MAX = 20


settings = configured.settings(event_replay_max=REPLAY_MAX)


async def test_reactions_apply_as_changes_and_a_resync_reloads_the_chat(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    mei, wei, a, b, conv_id = await friends_in_a_chat(make_user, browser, server)
    sent = await mei.send(conv_id, "edit me")
    await b.bubbles("edit me").wait_for()
    await wei.react(conv_id, sent["seq"], "👍")
    await wei.react(conv_id, sent["seq"], "🎉")
    await a.page.locator(".reaction", has_text="🎉").wait_for()
    await wei.unreact(conv_id, sent["seq"], "👍")
    await a.page.locator(".reaction", has_text="👍").wait_for(state="detached")
    assert await a.page.locator(".reaction").count() == 1

    await b.context.set_offline(True)
    await b.page.evaluate("window.guanxi.dropConnection()")
    await b.page.locator(".conn-status.visible").wait_for()
    await mei.edit(conv_id, sent["seq"], "edited while away")
    for n in range(REPLAY_MAX + 5):  # more than one reconnection replays
        await mei.send(conv_id, f"away {n}")
    await b.context.set_offline(False)
    await b.page.evaluate("window.dispatchEvent(new Event('online'))")

    await b.bubbles(f"away {REPLAY_MAX + 4}").wait_for()
    await b.bubbles("edited while away").wait_for()
    assert await b.bubbles("edit me").count() == 0
    await a.close()
    await b.close()
