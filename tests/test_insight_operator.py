"""The operator's insight (`GET /api/v1/admin/insight`) on a small hand-made history whose
figures are worked out by hand below; and who may read it (operators only)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from guanxi.clock import FixedClock
from guanxi.insight.operator_chats import ChatStream
from guanxi.insight.operator_pairs import DirectPairs, PairStats
from guanxi.settings import Settings
from tests import configured
from tests.conftest import RunningServer, UserFactory, code_of, run_guanxi

settings = configured.settings(operators="ops, boss")
clock = configured.clock

HOUR = 3600.0
DAY = 24 * HOUR
H = 3_600_000  # an hour in ms
# the figures are the same whether the pass reads all at once or two rows at a time
PAGES = pytest.mark.parametrize("settings", [{}, {"insight_read_rows": 2}], indirect=True)
HANDLES = {"a": "ann", "b": "bob", "c": "cai", "d": "dan", "e": "eve"}


@dataclass
class Community:
    ops: GuanxiClient
    people: dict[str, GuanxiClient]  # by the letters of the history below
    ab: int  # a and b's direct chat


async def at(clock: FixedClock, start: int, hours: float) -> None:
    """Move the clock to `hours` after the start."""
    clock.current = start + int(hours * H)


async def community(make_user: UserFactory, clock: FixedClock) -> Community:
    """Hours after the start (t0):
    0      a asks b, c and d to be friends; e asks a
    1      b accepts                                 (waited 1 h)
    3      c accepts (waited 3 h), d declines; a -> c m1
    5      c -> a m2 (m1 answered in 2 h); a -> b m3
    5.5    b -> a m4 (m3 answered in 0.5 h)
    197.5  a -> b m5 (m4 answered in 8 d: "ever" only)
    197.75 b -> a m6 (m5 in 15 min)
    389.75 a -> b m7 (m6 in 8 d)
    390    b -> a m8 (m7 in 15 min)
    676    a -> b m9 (m8 in 286 h: "ever" only; a new 28-day window)
    676.25 b -> a m10 (m9 in 15 min); m2 and m10 are never answered
    678    now
    """
    start = clock.current
    ops = await make_user("ops", "Operator")
    people = {name: await make_user(HANDLES[name], name.upper()) for name in "abcde"}
    a, b, c, d, e = (people[n] for n in "abcde")
    asked = {n: await a.request_friend(HANDLES[n], "hi", "classmate") for n in "bcd"}
    from_e = await e.request_friend("ann", "hi", "classmate")
    assert from_e["status"] == "pending"
    await at(clock, start, 1)
    await b.accept(asked["b"]["id"], "classmate")
    await at(clock, start, 3)
    await c.accept(asked["c"]["id"], "classmate")
    await d.decline(asked["d"]["id"])
    ac = int((await a.open_direct("cai"))["id"])
    ab = int((await a.open_direct("bob"))["id"])
    script = [
        (3, a, ac), (5, c, ac), (5, a, ab), (5.5, b, ab), (197.5, a, ab), (197.75, b, ab),
        (389.75, a, ab), (390, b, ab), (676, a, ab), (676.25, b, ab),
    ]  # fmt: skip
    for n, (hours, sender, chat) in enumerate(script, start=1):
        await at(clock, start, hours)
        await sender.send(chat, f"m{n}")
    await at(clock, start, 678)
    return Community(ops, people, ab)


def jsd(p: list[float], q: list[float]) -> float:
    """Jensen-Shannon divergence in bits, written out for the test."""
    m = [(x + y) / 2 for x, y in zip(p, q, strict=True)]

    def kl(a: list[float]) -> float:
        return sum(x * math.log2(x / y) for x, y in zip(a, m, strict=True) if x > 0)

    return (kl(p) + kl(q)) / 2


def window(figures: dict[str, Any], days: int) -> dict[str, Any]:
    found: dict[str, Any] = next(
        w for w in figures["stability"]["windows"] if w["window_days"] == days
    )
    return found


@PAGES
@pytest.mark.rate_limits_off
async def test_the_figures_of_a_hand_made_history(
    make_user: UserFactory, clock: FixedClock
) -> None:
    world = await community(make_user, clock)
    figures = await world.ops.operator_insight()
    assert figures["messages"] == 10
    assert figures["feedback_share"] == {"1h": 0.4, "24h": 0.5, "7d": 0.5, "ever": 0.8}

    steps = {s["step"]: s for s in figures["funnel"]}
    assert [s["step"] for s in figures["funnel"]] == [
        "requested", "accepted", "first interaction", "relationship", "inner circle"
    ]  # fmt: skip
    assert (steps["requested"]["pairs"], steps["requested"]["conversion"]) == (4, None)
    assert steps["accepted"] == {"step": "accepted", "pairs": 2, "conversion": 0.5,
                                 "median_ms": 2 * H}  # fmt: skip
    # a-b first interacted 4 h after accepting, a-c at once: the median is 2 h
    assert (steps["first interaction"]["pairs"], steps["first interaction"]["median_ms"]) == (
        2,
        2 * H,
    )
    # a-b: interactions in three weeks (m3, m5, m7), a relationship at m7, 384.75 h after m3
    relationship = steps["relationship"]
    assert (relationship["pairs"], relationship["conversion"]) == (1, 0.5)
    assert relationship["median_ms"] == int(384.75 * H)
    assert steps["inner circle"] == {"step": "inner circle", "pairs": 1, "conversion": 1.0,
                                     "median_ms": None}  # fmt: skip


@PAGES
@pytest.mark.rate_limits_off
async def test_stability_circles_and_retention(make_user: UserFactory, clock: FixedClock) -> None:
    world = await community(make_user, clock)
    figures = await world.ops.operator_insight()
    month = window(figures, 28)
    # window 0 (from m1): a-b and a-c; window 1: a-b only
    assert month["windows"] == 2
    assert month["mean_tie_survival"] == 0.5
    assert (month["median_ego_jaccard"], month["mean_ego_jaccard"]) == (0.75, 0.75)  # a ½, b 1
    # a's signature [3/4, 1/4] then [1]; b's [1] then [1]
    assert month["median_self_jsd"] == pytest.approx(jsd([0.75, 0.25], [1.0, 0.0]) / 2)
    assert month["median_reference_jsd"] == 0.0  # (a,b) 0.138, (b,c) 0, and window 1 (a,b) 0
    quarter = window(figures, 90)
    assert quarter["windows"] == 1
    assert quarter["median_ego_jaccard"] is None
    assert quarter["mean_tie_survival"] is None

    rings = {r["name"]: r for r in figures["circles"]}
    # a: b inner, c next; b and c: one alter each (the outer circles repeat it)
    assert rings["support clique"]["egos"] == 3
    assert rings["support clique"]["mean"] == 1.0
    assert rings["sympathy group"]["mean"] == pytest.approx(4 / 3)
    assert rings["active network"]["median"] == 1.0
    assert {b["sizes"]: b["egos"] for b in rings["active network"]["histogram"]}["2"] == 1

    levels = {r["level"]: r for r in figures["retention"]}
    # no assets: ops, d, e; 1-9: a (5 messages), b (4), c (1) — a and b wrote at hour 676
    assert (levels["0"]["users"], levels["0"]["active_share"]) == (3, 0.0)
    assert levels["1-9"]["users"] == 3
    assert levels["1-9"]["active_share"] == pytest.approx(2 / 3)
    assert levels["1-9"]["median_active_days"] == pytest.approx(676 / 24)
    assert levels["1000+"] == {"level": "1000+", "users": 0, "active_share": None,
                               "median_active_days": None}  # fmt: skip


@pytest.mark.rate_limits_off
async def test_only_operators_read_the_figures(
    make_user: UserFactory, server: RunningServer, clock: FixedClock
) -> None:
    world = await community(make_user, clock)
    assert await code_of(world.people["a"].operator_insight()) == (403, "not_operator")
    async with GuanxiClient(server.url) as nobody:
        assert await code_of(nobody.operator_insight()) == (401, "unauthorized")
    async with GuanxiClient(server.url, token="not-a-token") as stranger:
        assert await code_of(stranger.operator_insight()) == (401, "unauthorized")
    with pytest.raises(ApiError) as caught:
        await world.people["a"].page("/admin/insight/report")
    assert (caught.value.status, caught.value.code) == (403, "not_operator")
    boss = await make_user("boss", "Second operator")  # the setting lists two handles
    assert (await boss.operator_insight())["messages"] == 10


@pytest.mark.rate_limits_off
async def test_the_figures_are_kept_for_the_cache_time(
    make_user: UserFactory, clock: FixedClock
) -> None:
    world = await community(make_user, clock)
    first = await world.ops.operator_insight()
    await world.people["a"].send(world.ab, "one more")
    clock.advance(599)
    assert await world.ops.operator_insight() == first
    clock.advance(1)
    again = await world.ops.operator_insight()
    assert again["messages"] == 11
    assert again["computed_at"] == first["computed_at"] + 600_000


@pytest.mark.rate_limits_off
async def test_the_operator_report_page(make_user: UserFactory, clock: FixedClock) -> None:
    world = await community(make_user, clock)
    response = await world.ops.page("/admin/insight/report")
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert page.count('src="data:image/png;base64,') == 4  # feedback, funnel, circles, retention
    assert "<td>first interaction</td><td>2</td><td>100%</td><td>2 h</td>" in page


@pytest.mark.rate_limits_off
async def test_an_empty_community(make_user: UserFactory) -> None:
    ops = await make_user("ops")
    figures = await ops.operator_insight()
    assert figures["messages"] == 0
    assert figures["feedback_share"] == {"1h": None, "24h": None, "7d": None, "ever": None}
    assert [s["pairs"] for s in figures["funnel"]] == [0, 0, 0, 0, 0]
    assert all(w["windows"] == 0 for w in figures["stability"]["windows"])
    assert (await ops.page("/admin/insight/report")).status_code == 200


@pytest.mark.rate_limits_off
async def test_the_command_line_report(
    make_user: UserFactory, clock: FixedClock, settings: Settings, tmp_path: Path
) -> None:
    world = await community(make_user, clock)
    served = await world.ops.operator_insight()
    out = tmp_path / "report"
    status, stdout, stderr = await run_guanxi(settings, "insight", "report", "--out", str(out))
    assert status == 0, stderr
    assert "10 messages" in stdout
    written = json.loads((out / "operator.json").read_text())
    # the command runs on the real clock; these figures do not depend on it
    for key in ("messages", "feedback_share", "funnel"):
        assert written[key] == served[key]
    assert (out / "operator.html").read_text().count("data:image/png;base64,") == 4
    status, _, stderr = await run_guanxi(
        settings, "insight", "report", "--out", str(out / "operator.json")
    )
    assert (status, "is not a folder" in stderr) == (2, True)


# -- the paged pass: pure parts, against a plain definition ------------------------------

ROWS = [  # (conversation, seq, sender, at): runs, a monologue, chats that end unanswered
    (1, 1, 10, 0), (1, 2, 10, 5), (1, 3, 11, 9), (1, 4, 10, 9), (1, 5, 11, 40),
    (2, 1, 12, 100), (2, 2, 12, 101), (2, 3, 12, 102), (2, 4, 12, 103), (2, 5, 13, 200),
    (3, 1, 14, 300), (3, 2, 15, 90_000_000), (3, 3, 15, 90_000_001),
    (4, 1, 16, 500),
]  # fmt: skip


def plain_delays(rows: list[tuple[int, int, int, int]]) -> list[float]:
    """For each message, the wait for the other person's next message in its chat."""
    waits = []
    for c, seq, sender, when in rows:
        later = [r for r in rows if r[0] == c and r[1] > seq and r[2] != sender]
        waits.append(float(later[0][3] - when) if later else math.nan)
    return waits


@pytest.mark.parametrize("size", range(1, len(ROWS) + 2))
def test_answers_and_pairs_do_not_depend_on_the_page_size(size: int) -> None:
    pairs = DirectPairs.of([(1, 10, 11), (2, 12, 13), (3, 14, 15), (4, 16, 17)])
    stream, stats = ChatStream(), PairStats(len(pairs))
    seen: list[tuple[int, float]] = []
    pages = [ROWS[i : i + size] for i in range(0, len(ROWS), size)] or [[]]
    for n, page in enumerate(pages):
        batch = stream.feed(page, last=n == len(pages) - 1 and len(page) < size)
        stats.add(pairs.index(batch.conversation), batch)
        seen += zip(batch.at.tolist(), batch.delay.tolist(), strict=True)
    if len(pages[-1]) == size:  # a full last page: the next read finds nothing
        batch = stream.feed([], last=True)
        stats.add(pairs.index(batch.conversation), batch)
        seen += zip(batch.at.tolist(), batch.delay.tolist(), strict=True)
    assert [at for at, _ in seen] == [r[3] for r in ROWS]
    expected = plain_delays(ROWS)
    assert all(
        (math.isnan(a) and math.isnan(b)) or a == b
        for (_, a), b in zip(seen, expected, strict=True)
    )
    assert stats.messages.tolist() == [5, 5, 3, 1]
    # within 24 h: chat 1 all but the last; chat 2 the monologue; chat 3 none (25 h)
    assert stats.interactions.tolist() == [4, 4, 0, 0]
