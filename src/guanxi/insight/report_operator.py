"""The operator's report as one HTML page, from the figures of operator.py."""

from __future__ import annotations

from typing import Any

from guanxi.insight import charts, report_html
from guanxi.insight.operator_chats import FEEDBACK_WINDOWS

CURVE = (*FEEDBACK_WINDOWS, "ever")


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _feedback(figures: dict[str, Any]) -> list[str]:
    h, shares = report_html, figures["feedback_share"]
    chart = charts.bars(
        list(CURVE),
        {"share": [shares[k] or 0.0 for k in CURVE]},
        "Messages answered within",
        "share",
    )
    return [
        h.heading("Feedback"),
        h.paragraph(
            f"Of {figures['messages']} messages in direct chats, the share the other person"
            " answered within each time."
        ),
        h.image(chart, "feedback share curve"),
        h.table(list(CURVE), [[h.share(shares[k]) for k in CURVE]]),
    ]


def _funnel(figures: dict[str, Any]) -> list[str]:
    h, steps = report_html, figures["funnel"]
    chart = charts.bars(
        [s["step"] for s in steps], {"pairs": [s["pairs"] for s in steps]}, "Funnel", "pairs"
    )
    rows = [
        [s["step"], s["pairs"], h.share(s["conversion"]), h.duration(s["median_ms"])] for s in steps
    ]
    return [
        h.heading("From a friend request to the inner circle"),
        h.image(chart, "funnel"),
        h.table(["step", "pairs", "conversion", "median wait"], rows),
    ]


def _stability(figures: dict[str, Any]) -> list[str]:
    h = report_html
    rows = [
        [
            f"{w['window_days']} d",
            w["windows"],
            _number(w["median_ego_jaccard"]),
            _number(w["mean_ego_jaccard"]),
            _number(w["mean_tie_survival"]),
            _number(w["median_self_jsd"]),
            _number(w["median_reference_jsd"]),
        ]
        for w in figures["stability"]["windows"]
    ]
    head = [
        "window",
        "windows",
        "median ego Jaccard",
        "mean ego Jaccard",
        "tie survival",
        "self JSD",
        "reference JSD",
    ]
    return [h.heading("Stability"), h.table(head, rows)]


def _circles(figures: dict[str, Any]) -> list[str]:
    h, rings = report_html, figures["circles"]
    bins = [b["sizes"] for b in rings[0]["histogram"]]
    chart = charts.bars(
        bins,
        {r["name"]: [b["egos"] for b in r["histogram"]] for r in rings},
        "Circle sizes over egos",
        "egos",
    )
    rows = [[r["name"], r["egos"], _number(r["mean"], 1), _number(r["median"], 1)] for r in rings]
    return [
        h.heading("Circles"),
        h.image(chart, "circle size distribution"),
        h.table(["circle", "egos", "mean size", "median size"], rows),
    ]


def _retention(figures: dict[str, Any]) -> list[str]:
    h, levels = report_html, figures["retention"]
    chart = charts.bars(
        [r["level"] for r in levels],
        {"active in the last 28 days": [r["active_share"] or 0.0 for r in levels]},
        "Still active, by asset level",
        "share",
    )
    rows = [
        [r["level"], r["users"], h.share(r["active_share"]), _number(r["median_active_days"], 0)]
        for r in levels
    ]
    return [
        h.heading("Retention by asset level"),
        h.paragraph(
            "Asset level: messages, moments, likes and comments a person put in. Active: any of"
            " them in the last 28 days. Active days: from joining to the last of them."
        ),
        h.image(chart, "retention by asset level"),
        h.table(["assets", "people", "still active", "median active days"], rows),
    ]


def render(figures: dict[str, Any]) -> str:
    """The page (charts drawn here: call it in a thread)."""
    parts = [
        *_feedback(figures),
        *_funnel(figures),
        *_stability(figures),
        *_circles(figures),
        *_retention(figures),
    ]
    return report_html.page("The community's insight", parts)
