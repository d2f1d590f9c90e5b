"""The reports' HTML: one self-contained page, every value escaped, charts inline as data:
URIs, and the Content-Security-Policy that lets the page load nothing and run nothing.

Pages are built from a few tiny helpers that escape what they are given; text is never
pasted into markup unescaped, so a display name `<script>` stays text.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape

CSS = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:2em auto;padding:0 1em;"
    "color:#222}h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}img{max-width:100%}"
    "table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;"
    "text-align:left}.muted{color:#777}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
CSP = (
    "default-src 'none'; img-src data:; "
    f"style-src 'sha256-{STYLE_HASH}'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


def text(value: object) -> str:
    return escape(str(value), quote=True)


def heading(title: str) -> str:
    return f"<h2>{text(title)}</h2>"


def paragraph(value: str, *, muted: bool = False) -> str:
    return f'<p class="muted">{text(value)}</p>' if muted else f"<p>{text(value)}</p>"


def image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode()
    return f'<img alt="{text(alt)}" src="data:image/png;base64,{data}">'


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    top = "".join(f"<th>{text(cell)}</th>" for cell in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, parts: Sequence[str]) -> str:
    """A whole document; `parts` are made by the helpers above."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{text(title)}</title><style>{CSS}</style></head>"
        f"<body><h1>{text(title)}</h1>{''.join(parts)}</body></html>"
    )


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def duration(ms: float | None) -> str:
    """A wait in words: 45 s, 12 min, 3.5 h, 9 d."""
    if ms is None:
        return "-"
    seconds = ms / 1000
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}".replace(".0 ", " ")
    return f"{seconds:.0f} s"
