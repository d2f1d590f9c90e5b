"""A user's own reports as HTML — "my year" (`GET /me/insight/report?year=`) and "us"
(`GET /me/insight/report/us/{handle}`) — on a small hand-made history: known figures, names
kept as text, only the caller's own, bad input refused."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import RunningServer, UserFactory, befriend, code_of

clock = configured.clock
settings = configured.settings(session_idle_days=3650)  # the history spans months

SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
# the pages are the same whether a report reads all at once or two messages at a time
PAGES = pytest.mark.parametrize("settings", [{}, {"insight_read_rows": 2}], indirect=True)
MEI = f"{SCRIPT} (@mei)"
BOB = f"{IMG} (@bob)"


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def escaped(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@dataclass
class World:
    mei: GuanxiClient
    bob: GuanxiClient
    cai: GuanxiClient
    dan: GuanxiClient
    with_bob: int


async def world(make_user: UserFactory, clock: FixedClock) -> World:
    """2026, UTC. Mon 2 March 09:00 mei -> bob, 09:10 bob -> mei, 09:40 mei -> bob; Tue 3
    March 11:40 bob -> mei (26 h later: a new conversation); 21:00 mei -> cai, 22:00 cai ->
    mei; bob writes once in the group "Hikers <b>" (mei, bob, cai). mei posts a moment that
    bob likes and cai comments; mei likes bob's moment. dan shares no chat with mei."""
    clock.current = ms("2026-03-01T12:00:00")
    mei = await make_user("mei", SCRIPT)
    bob = await make_user("bob", IMG)
    cai = await make_user("cai", "Cai")
    dan = await make_user("dan", "Dan")
    await befriend(mei, bob)
    await befriend(mei, cai)
    await befriend(bob, dan)
    with_bob = int((await mei.open_direct("bob"))["id"])
    with_cai = int((await mei.open_direct("cai"))["id"])
    group = int((await mei.create_group("Hikers <b>", ["bob", "cai"]))["id"])
    for when, sender, chat in [
        ("2026-03-02T09:00:00", mei, with_bob),
        ("2026-03-02T09:10:00", bob, with_bob),
        ("2026-03-02T09:40:00", mei, with_bob),
        ("2026-03-03T11:40:00", bob, with_bob),
        ("2026-03-03T21:00:00", mei, with_cai),
        ("2026-03-03T22:00:00", cai, with_cai),
        ("2026-03-04T08:00:00", bob, group),
    ]:
        clock.current = ms(when)
        await sender.send(chat, "hello")
    clock.current = ms("2026-03-05T10:00:00")
    moment = await mei.post_moment("spring")
    await bob.like(moment["id"])
    await cai.comment(moment["id"], "nice")
    theirs = await bob.post_moment("mine")
    await mei.like(theirs["id"])
    clock.current = ms("2026-06-01T00:00:00")
    return World(mei, bob, cai, dan, with_bob)


def row(*cells: object) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


@PAGES
@pytest.mark.rate_limits_off
async def test_my_year(make_user: UserFactory, clock: FixedClock) -> None:
    w = await world(make_user, clock)
    response = await w.mei.my_year(2026)
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    page = response.text
    assert row("messages sent", 3) in page
    assert row("messages received", 4) in page  # bob 2, cai 1, the group 1
    assert row("people in direct chats", 2) in page
    assert row("moments posted", 1) in page
    assert row("likes received / given", "1 / 1") in page
    assert row("comments received / given", "1 / 0") in page
    assert row("#1", escaped(BOB), 4) + row("#2", "Cai (@cai)", 2) in page
    # interactions: bob 2 (answered within 24 h), cai 1 -> bob inner, cai next
    assert row("support clique", 1, escaped(BOB)) in page
    assert row("sympathy group", 2, "Cai (@cai)") in page
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 4  # heat map, top contacts, circles, moments
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n") for i in images)


@pytest.mark.rate_limits_off
async def test_names_stay_text(make_user: UserFactory, clock: FixedClock) -> None:
    w = await world(make_user, clock)
    for page in ((await w.mei.my_year(2026)).text, (await w.mei.us_report("bob")).text):
        assert "<script" not in page and "<img src=x" not in page
        assert escaped(MEI) in page
        assert escaped(BOB) in page
    assert "Hikers &lt;b&gt;" in (await w.mei.us_report("bob")).text


@pytest.mark.rate_limits_off
async def test_only_my_own_history(make_user: UserFactory, clock: FixedClock) -> None:
    w = await world(make_user, clock)
    cai = (await w.cai.my_year(2026)).text
    assert row("people in direct chats", 1) in cai
    assert row("#1", escaped(MEI), 2) in cai
    assert "(@bob)" not in cai  # cai and bob share only the group
    await w.bob.block("mei")  # someone who blocked mei does not exist for her
    mei = (await w.mei.my_year(2026)).text
    assert row("people in direct chats", 1) in mei
    assert "(@bob)" not in mei.split("<h2>My closest")[1]


@pytest.mark.rate_limits_off
async def test_a_year_is_checked(
    make_user: UserFactory, clock: FixedClock, server: RunningServer
) -> None:
    w = await world(make_user, clock)
    for year in (1969, "twenty", "", 10_000):
        assert (await code_of(w.mei.my_year(year)))[0] == 422
    assert await code_of(w.mei.my_year(2027)) == (422, "invalid_year")  # the clock says 2026
    quiet = (await w.mei.my_year(2025)).text
    assert row("messages sent", 0) in quiet
    assert "No direct chats this year." in quiet
    async with GuanxiClient(server.url) as nobody:
        assert await code_of(nobody.my_year(2026)) == (401, "unauthorized")


@PAGES
@pytest.mark.rate_limits_off
async def test_us(make_user: UserFactory, clock: FixedClock) -> None:
    w = await world(make_user, clock)
    response = await w.mei.us_report("bob")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert row("messages written", 2, 2) in page
    assert row("conversations started", 1, 1) in page  # bob's after 26 h of silence
    # mei answered in 30 min; bob in 10 min and 26 h (median 13 h 5 min)
    assert row("median time to answer", "30 min", "13.1 h") in page
    assert row("likes on the other&#x27;s moments", 1, 1) in page
    assert row("text", 2, 2) in page
    assert page.count('src="data:image/png;base64,') == 1
    assert "Our direct chat since 2026-03-02." in page


@pytest.mark.rate_limits_off
async def test_us_needs_a_shared_chat(
    make_user: UserFactory, clock: FixedClock, server: RunningServer
) -> None:
    w = await world(make_user, clock)
    for handle in ("dan", "nobody", "mei"):  # a stranger, no one, herself
        assert await code_of(w.mei.us_report(handle)) == (404, "not_found")
    assert (await code_of(w.mei.us_report("Not A Handle!")))[0] == 422
    async with GuanxiClient(server.url) as nobody:
        assert await code_of(nobody.us_report("bob")) == (401, "unauthorized")
    await w.bob.block("mei")  # their direct chat is gone for mei; the group is still shared
    page = (await w.mei.us_report("bob")).text
    assert row("messages written", 0, 0) in page
    assert "No direct messages yet." in page
