"""`report.html` of `guanxi insight analyze`: the figures of insight.json as plain,
self-contained HTML (no script, no outside file); every text is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from guanxi.insight.circles import CIRCLE_NAMES

STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.2rem .8rem;text-align:left;
border-bottom:1px solid #ddd}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#3b82f6;height:.8rem;display:inline-block}"""


def report_html(result: dict[str, Any], source: str) -> str:
    sections = [
        _section("The log", _rows(result["ingest"])),
        _section("Feedback: share of messages answered within", _bars(result["feedback_share"])),
        _section("Pairs", _rows(result["pairs"])),
        _section("Circles (mean cumulative sizes, innermost first)", _circles(result["circles"])),
        _section("Stability between consecutive windows", _stability(result["stability"])),
        _section("Social signature (Jensen–Shannon divergence)", _rows(result["signature"])),
        _section("Settings", _rows(result["settings"])),
    ]
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>Insight: {escape(source)}</title><style>{STYLE}</style></head><body>"
        f"<h1>Insight: {escape(source)}</h1>{''.join(sections)}</body></html>\n"
    )


def _section(title: str, body: str) -> str:
    return f"<h2>{escape(title)}</h2>{body}"


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def _rows(values: dict[str, Any]) -> str:
    cells = "".join(
        f"<tr><th>{escape(str(name))}</th><td class=n>{_shown(value)}</td></tr>"
        for name, value in values.items()
    )
    return f"<table>{cells}</table>"


def _bars(shares: dict[str, float | None]) -> str:
    cells = "".join(
        f"<tr><th>{escape(label)}</th><td class=n>{_shown(share)}</td>"
        f"<td><span class=bar style='width:{round((share or 0) * 300)}px'></span></td></tr>"
        for label, share in shares.items()
    )
    return f"<table>{cells}</table>"


def _circles(circles: dict[str, Any]) -> str:
    sizes: list[float] = circles["mean_cumulative_sizes"]
    names = list(CIRCLE_NAMES) if len(sizes) == len(CIRCLE_NAMES) else [""] * len(sizes)
    rows = "".join(
        f"<tr><th>{escape(name or f'circle {i + 1}')}</th><td class=n>{_shown(size)}</td>"
        f"<td class=n>{_ratio(sizes, i)}</td></tr>"
        for i, (name, size) in enumerate(zip(names, sizes, strict=True))
    )
    head = "<tr><th></th><th>size</th><th>ratio to the circle inside</th></tr>"
    summary = (
        f"<p>{circles['egos']:,} egos with at least {circles['min_alters']} reciprocated "
        f"alters, k = {circles['k']}.</p>"
    )
    return f"{summary}<table>{head}{rows}</table>"


def _ratio(sizes: list[float], i: int) -> str:
    if i == 0 or not sizes[i - 1]:
        return ""
    return f"{sizes[i] / sizes[i - 1]:.2f}"


def _stability(entries: list[dict[str, Any]]) -> str:
    names = ["window_days", "median_ego_jaccard", "mean_ego_jaccard", "mean_tie_survival"]
    head = "".join(f"<th>{escape(n.replace('_', ' '))}</th>" for n in names)
    rows = "".join(
        "<tr>" + "".join(f"<td class=n>{_shown(e[n])}</td>" for n in names) + "</tr>"
        for e in entries
    )
    return f"<table><tr>{head}</tr>{rows}</table>"
