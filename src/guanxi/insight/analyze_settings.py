"""Every parameter of `guanxi insight analyze`, with its default (docs/insight.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

HOUR_MS = 3_600_000
FEEDBACK_WINDOWS_MS: dict[str, int | None] = {
    "1h": HOUR_MS,
    "24h": 24 * HOUR_MS,
    "7d": 7 * 24 * HOUR_MS,
    "ever": None,
}


@dataclass(frozen=True, kw_only=True)
class AnalyzeSettings:
    delta_hours: float = 24  # a message is an interaction when answered within this
    window_days: tuple[int, ...] = (28, 90)  # stability windows, laid from the first message
    k: int = 4  # circles per ego
    min_alters: int = 20  # egos with at least this many reciprocated alters get circles
    min_weeks: int = 3  # the relationship rule (INSIGHT.md §3)
    min_span_days: float = 14
    signature_top: int = 20  # ranks of the social signature (Saramäki et al. 2014)
    signature_min_alters: int = 10  # alters written to in both windows to compare an ego
    signature_references: int = 20  # other egos each ego's signature is compared with
    seed: int = 0  # picks those other egos; the same seed gives the same figures

    def feedback_windows(self) -> dict[str, int | None]:
        return dict(FEEDBACK_WINDOWS_MS)

    def signature_window_days(self) -> int:
        """Signatures are compared between consecutive windows of the longest length asked."""
        return max(self.window_days)

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        values["window_days"] = list(self.window_days)
        values["feedback_windows_ms"] = self.feedback_windows()
        values["signature_window_days"] = self.signature_window_days()
        values["feedback"] = "a v->u message strictly after u->v, within the window (inclusive)"
        return values

    def check(self) -> None:
        """Raise ValueError naming the first parameter out of range."""
        if self.delta_hours <= 0:
            raise ValueError("--delta-hours must be positive")
        if not self.window_days or min(self.window_days) < 1:
            raise ValueError("--window-days must be at least 1")
        if not 1 <= self.k <= 20:
            raise ValueError("--k must be between 1 and 20")
        if self.min_alters < 1:
            raise ValueError("--min-alters must be at least 1")
