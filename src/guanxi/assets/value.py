"""The asset value of what a user shares with one person: units per asset, weighted by the tie.

units = 1 per message held (sent or received, any kind)
      + per media item those messages carry: image 4, video 6, voice 3, file 2
      + 0.5 per like and 1 per comment, given or received, between the two
      + 12 per year of shared history (first to last item held with them: one a month)
weight = 0.1 + 0.9 × strength, strength the user's own insight strength of the pair (0–1;
         0 where they hold no insight for it: nothing followed yet, or a block either way)
value = units × weight

So a stranger's chat keeps a tenth of its units and a close tie's photos nearly all of theirs.
Pure: the ledger hands each pair's history and strength here (docs/api.md, "The ledger").
"""

from __future__ import annotations

from collections.abc import Mapping

from guanxi.assets.models_ledger import DIRECTIONS, GIVEN, RECEIVED, History, MediaCount

MESSAGE_UNITS = 1.0
MEDIA_UNITS: Mapping[str, float] = {"image": 4.0, "video": 6.0, "voice": 3.0, "file": 2.0}
LIKE_UNITS = 0.5
COMMENT_UNITS = 1.0
UNITS_PER_YEAR = 12.0
WEIGHT_FLOOR = 0.1
YEAR_MS = 365.25 * 86_400_000


def units(history: History) -> float:
    """The unweighted units of one pair's history."""
    found = MESSAGE_UNITS * history.message_total
    found += sum(_media_units(history.media[d]) for d in DIRECTIONS)
    found += LIKE_UNITS * sum(history.likes[side] for side in (GIVEN, RECEIVED))
    found += COMMENT_UNITS * sum(history.comments[side] for side in (GIVEN, RECEIVED))
    return found + UNITS_PER_YEAR * years(history)


def _media_units(kinds: Mapping[str, MediaCount]) -> float:
    return sum(MEDIA_UNITS.get(kind, 0.0) * count.items for kind, count in kinds.items())


def years(history: History) -> float:
    """Years from the first item held with them to the last (0 with one day or none)."""
    if history.first_at is None or history.last_at is None:
        return 0.0
    return max(0, history.last_at - history.first_at) / YEAR_MS


def weight(strength: float | None) -> float:
    """How much of a pair's units its tie keeps: 0.1 at strength 0 (or none), 1 at 1."""
    return WEIGHT_FLOOR + (1.0 - WEIGHT_FLOOR) * (strength or 0.0)
