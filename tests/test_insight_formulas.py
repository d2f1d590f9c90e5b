"""The insight formulas on small hand-made cases with known answers."""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, datetime

import numpy as np
import pytest

from guanxi.insight import score, stages
from guanxi.insight.analyze_pairs import SLOTS
from guanxi.insight.analyze_stability import ego_jaccards, jsd_rows, signatures
from guanxi.insight.circles import CIRCLE_NAMES, circle_sizes, circles
from guanxi.insight.feedback_log import NO_REPLY, answered_within, reply_gaps
from guanxi.insight.kmeans import optimal_kmeans_1d
from guanxi.insight.stability import jaccard, jsd, signature, tie_survival

DAY = 86_400_000
HOUR = 3_600_000


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


# --- score ---


def test_a_score_halves_after_one_half_life_and_never_grows_backwards() -> None:
    assert score.decay(8.0, 0, 30 * DAY, 30) == pytest.approx(4.0)
    assert score.decay(8.0, 0, 60 * DAY, 30) == pytest.approx(2.0)
    assert score.decay(8.0, 10 * DAY, 0, 30) == 8.0
    with pytest.raises(ValueError):
        score.decay(1.0, 0, DAY, 0)


def test_bump_decays_then_adds_the_weight() -> None:
    answered = score.WEIGHTS["answered"]
    assert score.bump(2.0, 0, 7 * DAY, answered, 7) == pytest.approx(2.0)
    assert score.bump(0.0, 0, 0, score.WEIGHTS["unanswered"], 30) == pytest.approx(0.2)


def test_the_weights_half_lives_and_priors_follow_insight_md() -> None:
    assert dict(score.WEIGHTS) == {
        "answered": 1.0, "reply": 1.0, "comment": 0.6, "like": 0.3, "reaction": 0.3,
        "unanswered": 0.2,
    }  # fmt: skip
    assert score.half_life_days("family") == 180
    assert score.half_life_days("stranger") == 7
    assert score.half_life_days(None) == score.half_life_days("no such role") == 30
    assert score.ROLE_PRIOR["close_friend"] == 0.8


def test_balance_is_one_when_even_and_zero_when_one_way() -> None:
    assert score.balance(5, 5) == 1.0
    assert score.balance(6, 0) == 0.0
    assert score.balance(3, 1) == pytest.approx(0.5)
    assert score.balance(0, 0) == 0.0


def test_strength_maps_the_median_score_to_one_minus_one_over_e() -> None:
    assert score.strength(2.0, 2.0) == pytest.approx(1 - math.exp(-1))
    assert score.strength(0.0, 2.0) == 0.0
    assert score.strength(3.0, 0.0) == 0.0


# --- stages ---


def test_iso_week_uses_the_iso_year_at_the_turn_of_the_year() -> None:
    assert stages.iso_week(ms(2026, 12, 6)) == 202649
    assert stages.iso_week(ms(2021, 1, 3, 23, 59)) == 202053  # a Sunday still in 2020-W53
    assert stages.iso_week(ms(2021, 1, 4)) == 202101
    assert stages.iso_week(ms(2024, 12, 30)) == 202501  # a Monday already in 2025-W01


def test_iso_week_agrees_with_the_calendar_at_every_midnight_of_many_years() -> None:
    """`iso_week` works from the week's number and remembers each week's answer: it must give
    what the calendar gives for any instant, either side of each midnight (pre-1970 too)."""

    def calendar(at: int) -> int:
        year, week, _ = datetime.fromtimestamp(at / 1000, tz=UTC).isocalendar()
        return year * 100 + week

    rng = random.Random(12)
    instants = [d * DAY + edge for d in range(-800, 22_000, 3) for edge in (-1, 0, 1)]
    instants += [rng.randint(-(10**11), 4 * 10**12) for _ in range(5_000)]
    assert [stages.iso_week(t) for t in instants] == [calendar(t) for t in instants]
    assert stages.iso_weeks(instants) == {calendar(t) for t in instants}
    assert stages.iso_weeks([]) == set()


def test_week_index_changes_exactly_at_monday_midnight_utc() -> None:
    monday = ms(2026, 11, 30)
    assert stages.week_index(monday - 1) == stages.week_index(monday) - 1
    assert stages.week_index(monday + 7 * DAY - 1) == stages.week_index(monday)


def test_a_relationship_needs_three_weeks_and_fourteen_days() -> None:
    start = ms(2026, 11, 2)  # a Monday
    assert stages.is_relationship(3, start, start + 14 * DAY)
    assert not stages.is_relationship(3, start, start + 14 * DAY - 1)
    assert not stages.is_relationship(2, start, start + 60 * DAY)
    assert stages.is_relationship(2, start, start + 14 * DAY, min_weeks=2)
    assert not stages.is_relationship(5, start, start + 10 * DAY)


def test_fading_follows_the_own_gap_between_the_floor_and_the_cap() -> None:
    assert stages.fading_after_ms(3 * DAY) == 24 * DAY  # 8 x own gap
    assert stages.fading_after_ms(1 * DAY) == 14 * DAY  # the floor
    assert stages.fading_after_ms(30 * DAY) == 90 * DAY  # the cap
    assert stages.fading_after_ms(None) == 14 * DAY
    assert stages.fading_after_ms(3 * DAY, factor=2, floor_days=1) == 6 * DAY


def test_fading_starts_strictly_after_the_limit() -> None:
    last = ms(2026, 6, 1)
    assert not stages.is_fading(last, last + 24 * DAY, 3 * DAY)
    assert stages.is_fading(last, last + 24 * DAY + 1, 3 * DAY)
    assert not stages.is_fading(last, last + 14 * DAY, HOUR)
    assert stages.is_fading(last, last + 14 * DAY + 1, HOUR)
    assert stages.is_fading(last, last + 90 * DAY + 1, 60 * DAY)
    assert not stages.is_fading(last, last + 90 * DAY, 60 * DAY)


# --- k-means ---


def sse(values: list[float], labels: list[int]) -> float:
    total = 0.0
    for label in set(labels):
        group = [v for v, g in zip(values, labels, strict=True) if g == label]
        mean = sum(group) / len(group)
        total += sum((v - mean) ** 2 for v in group)
    return total


def brute_force_sse(values: list[float], k: int) -> float:
    """The least SSE over every way to cut the sorted distinct values into k runs."""
    distinct = sorted(set(values))
    k = min(k, len(distinct))
    best = math.inf
    for cuts in itertools.combinations(range(1, len(distinct)), k - 1):
        bounds = [distinct[c] for c in cuts]
        labels = [sum(v >= b for b in bounds) for v in values]
        best = min(best, sse(values, labels))
    return best


def test_kmeans_on_an_obvious_case() -> None:
    assert optimal_kmeans_1d([1, 2, 50, 51, 10, 11], 3) == [2, 2, 0, 0, 1, 1]
    assert optimal_kmeans_1d([], 3) == []
    assert optimal_kmeans_1d([4, 4, 4], 3) == [0, 0, 0]
    with pytest.raises(ValueError):
        optimal_kmeans_1d([1.0], 0)


@pytest.mark.parametrize("seed", range(40))
def test_kmeans_equals_brute_force_on_small_random_inputs(seed: int) -> None:
    rng = random.Random(seed)
    values = [float(rng.choice([rng.randint(0, 6), rng.uniform(0, 100)])) for _ in range(9)]
    k = rng.randint(1, 5)
    labels = optimal_kmeans_1d(values, k)
    assert sse(values, labels) == pytest.approx(brute_force_sse(values, k), abs=1e-9)
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ordered = [labels[i] for i in order]
    assert ordered == sorted(ordered)  # label 0 holds the largest values, no interleaving
    assert set(labels) == set(range(min(k, len(set(values)))))


# --- circles ---


def test_circles_are_cumulative_innermost_first_and_skip_rare_alters() -> None:
    freq = {"mum": 300.0, "dad": 296.0, "ann": 60.0, "bo": 58.0, "cy": 10.0, "di": 9.0,
            "ed": 2.0, "old": 0.5}  # fmt: skip
    rings = circles(freq)
    assert rings == [
        ["mum", "dad"],
        ["mum", "dad", "ann", "bo"],
        ["mum", "dad", "ann", "bo", "cy", "di"],
        ["mum", "dad", "ann", "bo", "cy", "di", "ed"],
    ]
    assert circle_sizes(freq, k=3, min_per_year=5) == [2, 4, 6]
    assert len(CIRCLE_NAMES) == 4


def test_circles_of_nobody_are_empty_and_of_equals_repeat_outwards() -> None:
    assert circles({}) == [[], [], [], []]
    assert circle_sizes({"a": 3.0, "b": 3.0}) == [2, 2, 2, 2]
    assert circle_sizes({"a": 9.0, "b": 3.0}, k=3) == [1, 2, 2]


# --- stability ---


def test_jaccard_on_toy_windows() -> None:
    assert jaccard({1, 2, 3}, {2, 3, 4}) == pytest.approx(0.5)
    assert jaccard({1}, {2}) == 0.0
    assert jaccard(set(), set()) == 0.0
    assert jaccard({"a"}, {"a"}) == 1.0


def test_tie_survival_counts_what_the_earlier_window_keeps() -> None:
    before = {frozenset({1, 2}), frozenset({1, 3}), frozenset({2, 3}), frozenset({3, 4})}
    after = {frozenset({2, 1}), frozenset({3, 4}), frozenset({5, 6})}
    assert tie_survival(before, after) == pytest.approx(0.5)
    assert tie_survival(set(), after) == 0.0
    assert tie_survival(after, set()) == 0.0


def test_signature_ranks_shares_and_pads() -> None:
    assert signature({"a": 1, "b": 6, "c": 3}, top=4) == [0.6, 0.3, 0.1, 0.0]
    assert signature({"a": 5, "b": 3, "c": 2}, top=2) == [0.5, 0.3]
    assert signature({}, top=3) == [0.0, 0.0, 0.0]


def test_jsd_known_values() -> None:
    assert jsd([1, 0], [0, 1]) == pytest.approx(1.0)
    assert jsd([0.5, 0.5], [0.5, 0.5]) == 0.0
    # JSD([1,0],[.5,.5]) = 1/2 KL([1,0]||[.75,.25]) + 1/2 KL([.5,.5]||[.75,.25])
    expected = 0.5 * math.log2(1 / 0.75) + 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * 1.0)
    assert jsd([1, 0], [0.5, 0.5]) == pytest.approx(expected)
    assert jsd([2, 2], [1, 1, 0]) == 0.0  # normalised and zero padded
    assert jsd([0, 0], [0, 0]) == 0.0
    assert jsd([0, 0], [1]) == 1.0


# --- feedback in a log ---


def test_reply_gaps_on_a_hand_made_log() -> None:
    src, dst = np.array([0, 1, 0, 1, 0, 2, 2]), np.array([1, 0, 1, 0, 1, 0, 0])
    t = np.array([10, 10, 20, 30, 40, 50, 60])
    # 0->1 at 10: 1->0 at 10 is the same instant, 1->0 at 30 answers; 2->0 has no reverse
    assert reply_gaps(src, dst, t).tolist() == [20, 10, 10, 10, NO_REPLY, NO_REPLY, NO_REPLY]


@pytest.mark.parametrize("seed", range(30))
def test_reply_gaps_equal_brute_force_on_small_random_logs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, 4, 25), rng.integers(0, 4, 25)
    src, dst = src[src != dst], dst[src != dst]
    t = rng.integers(0, 8, len(src))
    expected = [
        min((t[j] - t[i] for j in range(len(t))
             if (src[j], dst[j]) == (dst[i], src[i]) and t[j] > t[i]), default=NO_REPLY)
        for i in range(len(t))
    ]  # fmt: skip
    assert reply_gaps(src, dst, t).tolist() == expected


def test_answered_within_includes_the_window_end() -> None:
    gaps = np.array([NO_REPLY, 0, HOUR, HOUR + 1])
    assert answered_within(gaps, HOUR).tolist() == [False, True, True, False]
    assert answered_within(gaps, None).tolist() == [False, True, True, True]


def test_the_analyzers_row_wise_jsd_equals_the_formula() -> None:
    rng = np.random.default_rng(3)
    p, q = rng.random((20, 6)), rng.random((20, 6))
    p[:, 4:] = 0  # shorter signatures, zero padded
    expected = [jsd(a.tolist(), b.tolist()) for a, b in zip(p, q, strict=True)]
    assert jsd_rows(p, q).tolist() == pytest.approx(expected)


def test_ego_jaccards_in_blocks_of_egos_equal_one_pass() -> None:
    rng = np.random.default_rng(5)
    nodes = 30
    low = rng.integers(0, nodes - 1, 400)
    high = low + rng.integers(1, nodes - low)
    active = np.unique((low * nodes + high) * SLOTS + rng.integers(0, 6, 400))
    whole = ego_jaccards(active, nodes)
    assert len(whole) > 20
    assert sorted(ego_jaccards(active, nodes, rows_per_block=50)) == pytest.approx(sorted(whole))


def test_signatures_in_blocks_of_egos_equal_one_pass() -> None:
    rng = np.random.default_rng(8)
    nodes = 40
    src, dst = rng.integers(0, nodes, 3000), rng.integers(0, nodes, 3000)
    sent, counts = np.unique(
        (src * nodes + dst) * SLOTS + rng.integers(0, 4, 3000), return_counts=True
    )
    options = {"top": 5, "min_alters": 3, "references": 4, "seed": 1}
    whole = signatures(sent, counts, nodes, **options)
    blocks = signatures(sent, counts, nodes, rows_per_block=100, **options)
    assert len(whole.self_jsd) > 50 and len(whole.reference_jsd) > 100
    assert blocks.self_jsd.tolist() == pytest.approx(whole.self_jsd.tolist())
    assert blocks.reference_jsd.tolist() == pytest.approx(whole.reference_jsd.tolist())


@pytest.mark.parametrize("seed", range(5))
def test_kmeans_by_table_and_by_loop_agree(seed: int) -> None:
    rng = random.Random(seed)
    values = [float(rng.randint(1, 60)) for _ in range(200)] + [rng.uniform(0, 500)] * 3
    for k in (1, 3, 4, 7):
        assert optimal_kmeans_1d(values, k) == optimal_kmeans_1d(values, k, table_limit=0)
