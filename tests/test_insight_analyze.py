"""`guanxi insight analyze` on real logs (CollegeMsg, email-Eu) and on small hand-made ones
whose answers are known; networkx is the oracle for the graph figures."""

from __future__ import annotations

import bisect
import gzip
import itertools
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from typer.testing import CliRunner

from guanxi.cli.main import app
from guanxi.insight import stages
from guanxi.insight.analyze import analyze
from guanxi.insight.analyze_read import read_log
from guanxi.insight.analyze_settings import AnalyzeSettings
from guanxi.insight.circles import circle_sizes
from guanxi.insight.stability import jaccard, jsd
from tests.guanxi_archive import good_archive

FIXTURES = Path(__file__).parent / "fixtures"
COLLEGE = FIXTURES / "collegemsg" / "CollegeMsg.txt.gz"
EMAIL = FIXTURES / "email-eu" / "email-Eu-core-temporal-Dept1.txt.gz"
DAY = 86_400
HOUR = 3_600
MONDAY = int(datetime(2026, 11, 2, tzinfo=UTC).timestamp())


def log(tmp_path: Path, lines: list[tuple[int, int, int]], name: str = "log.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{a} {b} {t}\n" for a, b, t in lines))
    return path


def measure(path: Path, **settings: Any) -> dict[str, Any]:
    return analyze(read_log(path), AnalyzeSettings(**settings))


def oracle(path: Path) -> nx.DiGraph:
    graph = nx.DiGraph()
    for a, b, _ in (tuple(map(int, line.split())) for line in read_text(path).splitlines()):
        graph.add_edge(a, b)
    return graph


def read_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode()


@pytest.fixture(scope="module")
def college() -> dict[str, Any]:
    return measure(COLLEGE)


def test_collegemsg_ingestion_reproduces_the_published_figures(college: dict[str, Any]) -> None:
    graph = oracle(COLLEGE)
    simple = graph.to_undirected()
    expected = {
        "nodes": graph.number_of_nodes(),
        "messages": len(read_text(COLLEGE).splitlines()),
        "directed_edges": graph.number_of_edges(),
        "reciprocity": nx.overall_reciprocity(graph),
        "triangles": sum(nx.triangles(simple).values()) // 3,
    }
    assert college["ingest"] == pytest.approx(expected)
    published = json.loads((FIXTURES / "collegemsg" / "published_stats.json").read_text())
    snap, konect = published["published"]["snap"], published["published"]["konect_opsahl_ucsocial"]
    assert college["ingest"]["nodes"] == snap["nodes"] == 1899
    assert college["ingest"]["messages"] == snap["temporal_edges"] == 59835
    assert college["ingest"]["directed_edges"] == snap["edges_in_static_graph"] == 20296
    assert round(college["ingest"]["reciprocity"] * 100, 1) == konect["reciprocity_percent"]
    assert college["ingest"]["triangles"] == konect["triangle_count"] == 14319


def test_insight_json_holds_exactly_the_keys_of_the_issue(college: dict[str, Any]) -> None:
    assert set(college) == {
        "ingest", "feedback_share", "pairs", "circles", "stability", "signature", "settings",
    }  # fmt: skip
    assert set(college["ingest"]) == {
        "nodes", "messages", "directed_edges", "reciprocity", "triangles",
    }  # fmt: skip
    assert set(college["feedback_share"]) == {"1h", "24h", "7d", "ever"}
    assert set(college["pairs"]) == {"contact", "interacting", "relationship"}
    assert set(college["circles"]) == {"k", "min_alters", "egos", "mean_cumulative_sizes"}
    assert [set(entry) for entry in college["stability"]] == [
        {"window_days", "median_ego_jaccard", "mean_ego_jaccard", "mean_tie_survival"}
    ] * 2
    assert set(college["signature"]) == {"median_self_jsd", "median_reference_jsd"}
    assert college["settings"]["window_days"] == [28, 90]


def test_feedback_windows_at_their_edges(tmp_path: Path) -> None:
    t = 1000
    path = log(tmp_path, [
        (1, 2, t), (2, 1, t + HOUR),  # exactly 1 h: counts for 1 h
        (3, 4, t), (4, 3, t + HOUR + 1),  # 1 h and a second: 24 h
        (5, 6, t), (6, 5, t + DAY),  # exactly 24 h
        (13, 14, t), (14, 13, t + 7 * DAY),  # exactly 7 d
        (7, 8, t), (8, 7, t + 7 * DAY + 1),  # later than 7 d: ever only
        (9, 10, t), (10, 9, t),  # the same instant answers nothing
        (11, 12, t),  # never answered
    ])  # fmt: skip
    result = measure(path)
    assert result["feedback_share"] == pytest.approx(
        {"1h": 1 / 13, "24h": 3 / 13, "7d": 4 / 13, "ever": 5 / 13}
    )
    assert result["pairs"] == {"contact": 7, "interacting": 3, "relationship": 0}
    assert measure(path, delta_hours=1)["pairs"]["interacting"] == 1


def talk(a: int, b: int, at: int) -> list[tuple[int, int, int]]:
    """An interaction: a writes, b answers a minute later."""
    return [(a, b, at), (b, a, at + 60)]


def test_the_stage_rule_at_its_week_and_span_boundaries(tmp_path: Path) -> None:
    lines = (
        talk(1, 2, MONDAY) + talk(1, 2, MONDAY + 7 * DAY) + talk(1, 2, MONDAY + 14 * DAY)
        # three weeks, but only 8 days from first to last
        + talk(3, 4, MONDAY + 6 * DAY) + talk(3, 4, MONDAY + 7 * DAY)
        + talk(3, 4, MONDAY + 14 * DAY)
        # 20 days, but two weeks only
        + talk(5, 6, MONDAY) + talk(5, 6, MONDAY + DAY) + talk(5, 6, MONDAY + 20 * DAY)
        # three weeks of messages, the last unanswered: two weeks of interaction
        + talk(7, 8, MONDAY) + talk(7, 8, MONDAY + 7 * DAY) + [(7, 8, MONDAY + 14 * DAY)]
        # three weeks, a second short of 14 days
        + talk(9, 10, MONDAY + 1) + talk(9, 10, MONDAY + 7 * DAY) + talk(9, 10, MONDAY + 14 * DAY)
    )  # fmt: skip
    result = measure(log(tmp_path, sorted(lines, key=lambda line: line[2])))
    assert result["pairs"] == {"contact": 5, "interacting": 5, "relationship": 1}


def test_stability_on_toy_windows(tmp_path: Path) -> None:
    path = log(tmp_path, [
        (1, 2, 0), (1, 3, 100),  # window 0: ego 1 with {2, 3}
        (2, 1, DAY + 10), (1, 4, DAY + 20),  # window 1: ego 1 with {2, 4}
        (5, 6, 2 * DAY + 5),  # window 2: a tie of others only
    ])  # fmt: skip
    (entry,) = measure(path, window_days=(1,))["stability"]
    # ego 1: 1/3; ego 2: {1} then {1}: 1; ties 1-2,1-3 -> 1-2 survives (1/2), then none (0)
    assert entry == {
        "window_days": 1,
        "median_ego_jaccard": pytest.approx(2 / 3, abs=1e-6),
        "mean_ego_jaccard": pytest.approx(2 / 3, abs=1e-6),
        "mean_tie_survival": pytest.approx(0.25),
    }


def test_circles_cluster_reciprocated_alters_by_messages_both_ways(tmp_path: Path) -> None:
    lines = (
        [(1, 2, 10)] * 5 + [(2, 1, 20)] * 5  # weight 10
        + [(1, 3, 10)] * 5 + [(3, 1, 20)] * 4  # weight 9
        + talk(1, 4, 30) + talk(1, 5, 40)  # weight 2 each
        + [(1, 6, 50)] * 20  # never answered: not reciprocated
    )  # fmt: skip
    circles = measure(log(tmp_path, lines), k=2, min_alters=4)["circles"]
    assert circles == {"k": 2, "min_alters": 4, "egos": 1, "mean_cumulative_sizes": [2.0, 4.0]}
    assert measure(log(tmp_path, lines), k=2, min_alters=5)["circles"]["egos"] == 0


def test_signature_divergence_of_self_and_of_others(tmp_path: Path) -> None:
    lines = [
        (1, 3, 0), (1, 3, 1), (1, 4, 2), (2, 5, 3), (2, 6, 4),  # window 0
        (1, 3, DAY), (1, 3, DAY + 1), (1, 4, DAY + 2), (2, 5, DAY + 3), (2, 6, DAY + 4),
    ]  # fmt: skip
    result = measure(log(tmp_path, lines), window_days=(1,), signature_min_alters=2)
    assert result["signature"] == {
        "median_self_jsd": 0.0,
        "median_reference_jsd": pytest.approx(jsd([2 / 3, 1 / 3], [0.5, 0.5]), abs=1e-6),
    }


def test_self_loops_count_as_messages_and_nodes_only(tmp_path: Path) -> None:
    ingest = measure(log(tmp_path, [(1, 1, 5), (1, 2, 6), (2, 1, 7), (3, 3, 8)]))["ingest"]
    assert ingest == {
        "nodes": 3, "messages": 4, "directed_edges": 2, "reciprocity": 1.0, "triangles": 0,
    }  # fmt: skip


def test_spilling_to_parts_and_small_blocks_change_nothing(
    tmp_path: Path, college: dict[str, Any]
) -> None:
    chunks = read_log(COLLEGE, block_bytes=50_000)
    assert analyze(chunks, AnalyzeSettings(), parts=5, folder=tmp_path) == college
    assert list(tmp_path.iterdir()) == []  # the part files are gone


def test_commas_crlf_comments_and_blank_lines_read_alike(tmp_path: Path) -> None:
    plain = log(tmp_path, [(1, 2, 10), (2, 1, 20), (2, 3, 30)])
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"# src,dst,t\r\n1,2,10\r\n\r\n2,1,20\r\n% konect\n2, 3, 30")
    assert measure(odd) == measure(plain)


def test_the_stranger_network_is_far_less_stable_than_the_colleagues(
    college: dict[str, Any],
) -> None:
    email = measure(EMAIL)
    share = {name: r["pairs"]["relationship"] / r["pairs"]["contact"]
             for name, r in (("college", college), ("email", email))}  # fmt: skip
    assert share["email"] > 5 * share["college"]
    for mine, theirs in zip(college["stability"], email["stability"], strict=True):
        assert theirs["median_ego_jaccard"] > 3 * mine["median_ego_jaccard"]
        assert theirs["mean_tie_survival"] > 3 * mine["mean_tie_survival"]
    sizes = college["circles"]["mean_cumulative_sizes"]
    assert all(2 <= outer / inner <= 4 for inner, outer in itertools.pairwise(sizes))


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["insight", "analyze", *args])


def test_the_command_writes_insight_json_and_a_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(str(COLLEGE), "--out", str(out), "--window-days", "28", "--k", "3")
    assert result.exit_code == 0, result.output
    written = json.loads((out / "insight.json").read_text())
    assert written["ingest"]["triangles"] == 14319
    assert written["circles"]["k"] == 3 and len(written["circles"]["mean_cumulative_sizes"]) == 3
    assert [entry["window_days"] for entry in written["stability"]] == [28]
    html = (out / "report.html").read_text()
    assert "CollegeMsg.txt.gz" in html and "<script" not in html and "14,319" in html


def test_the_report_escapes_what_it_shows(tmp_path: Path) -> None:
    path = log(tmp_path, [(1, 2, 10)], name="<b>&x.txt")
    assert run(str(path), "--out", str(tmp_path / "out")).exit_code == 0
    html = (tmp_path / "out" / "report.html").read_text()
    assert "&lt;b&gt;&amp;x.txt" in html and "<b>" not in html


def test_a_guanxi_archive_is_analysed_from_its_direct_chats(tmp_path: Path) -> None:
    archive = good_archive(tmp_path / "ana.zip")
    assert run(str(archive), "--out", str(tmp_path / "out")).exit_code == 0
    written = json.loads((tmp_path / "out" / "insight.json").read_text())
    # ana, bo, ana, bo a second apart; the group's messages reply to no one
    assert written["ingest"] == {
        "nodes": 2, "messages": 4, "directed_edges": 2, "reciprocity": 1.0, "triangles": 0,
    }  # fmt: skip
    assert written["feedback_share"] == {"1h": 0.75, "24h": 0.75, "7d": 0.75, "ever": 0.75}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--k", "0"], 2),
        (["--window-days", "0"], 2),
        (["--delta-hours", "-1"], 2),
        (["--min-alters", "0"], 2),
    ],
)
def test_bad_options_are_refused_and_write_nothing(
    tmp_path: Path, args: list[str], code: int
) -> None:
    path = log(tmp_path, [(1, 2, 10)])
    result = run(str(path), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == code and "error:" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "line", ["1 2 99999999999999999999", "99999999999999999999 2 10", "1 2 10000000000001"]
)
def test_numbers_out_of_range_are_refused(tmp_path: Path, line: str) -> None:
    bad = tmp_path / "big.txt"
    bad.write_text(f"1 2 10\n{line}\n")
    result = run(str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "line 2: a number out of range" in result.output
    assert not (tmp_path / "out").exists()


def test_a_bad_line_or_file_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 10\n1 2 x\n")
    result = run(str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "line 2" in result.output
    assert run(str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out")).exit_code == 2
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(b"not gzip at all")
    assert run(str(broken), "--out", str(tmp_path / "out")).exit_code == 1
    assert not (tmp_path / "out").exists()


def naive(path: Path, window_days: int) -> dict[str, Any]:
    """The same figures by plain Python loops over the messages (slow; a second oracle)."""
    messages = [tuple(map(int, line.split())) for line in read_text(path).splitlines()]
    times: dict[tuple[int, int], list[int]] = {}
    for a, b, t in messages:
        times.setdefault((a, b), []).append(t * 1000)
    for values in times.values():
        values.sort()
    answered = {"1h": 0, "24h": 0, "7d": 0, "ever": 0}
    interactions: dict[frozenset[int], list[int]] = {}
    for a, b, t in messages:
        back = times.get((b, a), [])
        at = bisect.bisect_right(back, t * 1000)
        gap = back[at] - t * 1000 if at < len(back) else None
        for label, limit in (("1h", 1), ("24h", 24), ("7d", 168), ("ever", 10**9)):
            answered[label] += gap is not None and gap <= limit * HOUR * 1000
        if gap is not None and gap <= 24 * HOUR * 1000:
            interactions.setdefault(frozenset((a, b)), []).append(t * 1000)
    relationships = sum(
        stages.is_relationship(len({stages.week_index(t) for t in ts}), min(ts), max(ts))
        for ts in interactions.values()
    )
    return {
        "feedback_share": {label: n / len(messages) for label, n in answered.items()},
        "pairs": {
            "contact": len({frozenset((a, b)) for a, b, _ in messages}),
            "interacting": len(interactions),
            "relationship": relationships,
        },
        "stability": naive_stability(messages, window_days),
        "circles": naive_circles(messages),
    }


def naive_circles(messages: list[tuple[int, ...]]) -> list[float]:
    """Mean cumulative circle sizes of egos with >= 20 reciprocated alters."""
    sent: dict[tuple[int, int], int] = {}
    for a, b, _ in messages:
        sent[a, b] = sent.get((a, b), 0) + 1
    weights: dict[int, dict[int, float]] = {}
    for (a, b), n in sent.items():
        if (b, a) in sent:
            weights.setdefault(a, {})[b] = n + sent[b, a]
    sizes = [circle_sizes(w, min_per_year=0) for w in weights.values() if len(w) >= 20]
    return [round(statistics.fmean(column), 4) for column in zip(*sizes, strict=True)]


def naive_stability(messages: list[tuple[int, ...]], window_days: int) -> dict[str, float]:
    t0 = min(t for _, _, t in messages)
    ties: dict[int, set[frozenset[int]]] = {}
    for a, b, t in messages:
        ties.setdefault((t - t0) // (window_days * DAY), set()).add(frozenset((a, b)))
    last = max(ties)
    survival = [
        len(ties[w] & ties.get(w + 1, set())) / len(ties[w]) for w in range(last) if ties.get(w)
    ]
    jaccards = []
    for w in range(last):
        before, after = alters(ties.get(w, set())), alters(ties.get(w + 1, set()))
        jaccards += [jaccard(before[e], after[e]) for e in before.keys() & after.keys()]
    return {
        "median_ego_jaccard": statistics.median(jaccards),
        "mean_ego_jaccard": statistics.fmean(jaccards),
        "mean_tie_survival": statistics.fmean(survival),
    }


def alters(ties: set[frozenset[int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for tie in ties:
        a, b = tuple(tie)
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


@pytest.mark.parametrize("path", [COLLEGE, EMAIL], ids=["collegemsg", "email-eu-dept1"])
def test_the_vectorised_figures_equal_plain_loops(path: Path, college: dict[str, Any]) -> None:
    result = college if path == COLLEGE else measure(path)
    expected = naive(path, 28)
    assert result["feedback_share"] == pytest.approx(expected["feedback_share"])
    assert result["pairs"] == expected["pairs"]
    first = {key: value for key, value in result["stability"][0].items() if key != "window_days"}
    assert first == pytest.approx(expected["stability"], abs=1e-6)
    assert result["circles"]["mean_cumulative_sizes"] == expected["circles"]
