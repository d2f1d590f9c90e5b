"""LIKE patterns that find a text anywhere, with LIKE's own wildcards taken literally."""

from __future__ import annotations

LIKE_ESCAPE = "\\"  # the escape character the patterns use: say `ESCAPE '\'` with them


def like_pattern(q: str) -> str:
    """A LIKE pattern for `q` anywhere, with LIKE's own wildcards taken literally."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
