"""What a new user meets in the web client's forms: a day's limit says when to try again (in
hours, in English and Chinese); sign-up shows the handle's rule from the start and checks it
while it is typed; Me's sections are in view on a desktop; no field is greyed out without a
reason."""

from __future__ import annotations

from typing import Any

from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import RunningServer, UserFactory
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)

clock = configured.clock  # time stands still unless a test moves it
HOUR = 3600


@configured.configured(friend_requests_per_day=1)
async def test_a_days_friend_requests_used_up_say_in_how_many_hours_to_try_again(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
    clock: FixedClock,
) -> None:
    mei = await make_user("mei", "Mei Lin")
    await make_user("tao", "Tao")
    await make_user("lan", "Lan")
    await mei.request_friend("lan", "hi", "classmate")
    clock.advance(19 * HOUR)
    for locale, button, said in (
        (
            "en-US",
            "Send friend request",
            "Too many friend requests today: you can send another in 5 hours.",
        ),
        ("zh-CN", "发送好友申请", "今天发出的好友申请太多，5 小时后可以再发。"),
    ):
        person = await Person.open(browser, server, locale=locale)
        await person.page.evaluate(
            "token => localStorage.setItem('guanxi.token', token)", mei.token
        )
        await person.page.goto(server.url + "/#/contacts/new/tao")
        await person.page.reload()
        await person.page.get_by_role("button", name=button).click()
        await person.page.get_by_text(said).first.wait_for()
        await person.close()
