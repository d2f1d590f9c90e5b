"""What a new user meets in the web client's forms: a day's limit says when to try again (in
hours, in English and Chinese); sign-up shows the handle's rule from the start and checks it
while it is typed; Me's sections are in view on a desktop; no field is greyed out without a
reason."""

from __future__ import annotations

import asyncio
from typing import Any

from guanxi.accounts.rules import check_handle
from guanxi.clock import FixedClock
from guanxi.errors import InvalidInput
from tests import configured
from tests.conftest import PASSWORD, RunningServer, UserFactory
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


SAMPLES = [
    "mei",
    "Mei",
    "mei lin",
    "ab",
    "a" * 32,
    "a" * 33,
    "mei-lin",
    "李",
    "deleted.x",
    "imported.1",
    "mei.lin_2",
    "",
    " mei ",
]


async def test_sign_up_shows_the_handle_rule_from_the_start_and_checks_it_while_typed(
    server: RunningServer,
    browser: Any,  # noqa: F811
) -> None:
    person = await Person.open(browser, server)
    page = person.page
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    await page.get_by_role("button", name="New here? Create an account").click()
    handle = page.get_by_label("Handle")
    rule = page.locator("#auth-handle-rule")
    await rule.wait_for()
    assert (
        await rule.inner_text()
        == "3 to 32 characters: a–z, 0–9, _ and . (capitals become small letters)."
    )
    described = await handle.get_attribute("aria-describedby")
    assert "auth-handle-rule" in (described or "").split()
    problem = page.locator("#auth-handle-problem")
    await handle.fill("mei lin")
    await problem.filter(has_text="Not allowed in a handle: space").wait_for()
    assert await handle.get_attribute("aria-invalid") == "true"
    await handle.fill("deleted.mei")
    await problem.filter(has_text="A handle may not start with “deleted.”.").wait_for()
    await handle.fill("me")  # still typing: too short is not said yet
    assert await problem.inner_text() == ""
    await page.get_by_label("Display name").fill("Mei")
    await problem.filter(has_text="Too short: at least 3 characters.").wait_for()  # left it
    await page.get_by_label("Password").fill("correct horse battery")
    await page.get_by_role("button", name="Sign up").click()
    assert await problem.inner_text() == "Too short: at least 3 characters."
    assert not [url for url in posted if url.endswith("/accounts")]  # refused before sending
    await handle.fill("Mei_Lin")  # capitals become small letters: fine
    assert await problem.inner_text() == ""
    assert await handle.get_attribute("aria-invalid") is None
    # the client's rule is the server's, on every sample
    said = await page.evaluate(
        """async (samples) => {
            const { handleProblem } = await import("/static/js/auth.js");
            return samples.map((s) => handleProblem(s.trim().toLowerCase()) === "");
        }""",
        SAMPLES,
    )
    assert said == [ok(s.strip().lower()) for s in SAMPLES]
    # logging in shows no rule
    await page.get_by_role("button", name="I already have an account — log in").click()
    assert not await rule.is_visible()
    await person.close()


def ok(handle: str) -> bool:
    try:
        check_handle(handle)
    except InvalidInput:
        return handle == ""  # an empty field: `required` says so, not the rule
    return True


IN_VIEW = """(el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
}"""


async def test_me_shows_its_sections_without_scrolling_on_a_desktop_and_a_phone(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await make_user("mei", "Mei Lin")
    for phone in (False, True):
        person = await Person.open(browser, server, phone=phone)
        await person.log_in("mei")
        await person.page.goto(server.url + "/#/me")
        sections = person.page.get_by_role("navigation", name="My pages")
        links = ["My moments", "My network", "My assets", "Password and devices"]
        for name in links:
            link = sections.get_by_role("link", name=name)
            await link.wait_for()
            assert await link.evaluate(IN_VIEW), (phone, name)
        if not phone:  # and the settings beside them: the profile, language, theme
            for label in ("Display name", "Language", "Theme"):
                assert await person.page.get_by_label(label).evaluate(IN_VIEW), label
        await sections.get_by_role("link", name="Password and devices").click()
        await person.page.get_by_role("heading", name="Devices logged in").wait_for()
        await person.close()


async def test_a_button_greyed_while_its_request_runs_says_why(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    """Logging in and posting a moment grey their button while the server works: it says
    "Logging in…", "Posting…" (and is busy for screen readers), then has its words back."""
    await make_user("mei", "Mei Lin")
    person = await Person.open(browser, server)
    page = person.page
    release = asyncio.Event()

    async def held(route: Any) -> None:
        if route.request.method != "POST":
            return await route.continue_()
        await release.wait()
        await route.continue_()

    await page.route("**/api/v1/sessions", held)
    await page.get_by_label("Handle").fill("mei")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    waiting = page.get_by_role("button", name="Logging in…")
    await waiting.wait_for()
    assert await waiting.is_disabled() and await waiting.get_attribute("aria-busy") == "true"
    release.set()
    await page.locator(".rail").wait_for()
    release.clear()
    await page.route("**/api/v1/moments", held)
    await page.goto(server.url + "/#/moments")
    await page.get_by_role("button", name="Post").first.click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Text").fill("first light")
    await dialog.get_by_role("button", name="Post").click()
    posting = dialog.get_by_role("button", name="Posting…")
    await posting.wait_for()
    assert await posting.is_disabled() and await posting.get_attribute("aria-busy") == "true"
    release.set()
    await dialog.wait_for(state="detached")
    await page.get_by_text("first light").wait_for()
    await person.close()


@configured.configured(rate_limit_registrations="1,1/h")
async def test_a_rate_limit_of_an_hour_says_the_wait_in_minutes(
    server: RunningServer,
    browser: Any,  # noqa: F811
    make_user: UserFactory,
) -> None:
    await make_user("mei", "Mei Lin")  # the address's one registration this hour
    person = await Person.open(browser, server)
    page = person.page
    await page.get_by_role("button", name="New here? Create an account").click()
    await page.get_by_label("Handle").fill("wei")
    await page.get_by_label("Display name").fill("Wei")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign up").click()
    alert = page.get_by_role("alert").filter(has_text="Too many at once: try again in")
    await alert.wait_for()
    assert await alert.inner_text() == "Too many at once: try again in 60 minutes."
    await person.close()
