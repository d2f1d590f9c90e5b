"""A Telegram message's times, in milliseconds since the epoch, UTC.

`date_unixtime` (exports since 2021) is UTC. `date` alone, which older exports give, is the
exporting computer's local time with no zone; it is read as UTC. Where a message has both, their
difference is that computer's offset, and times that only come as local (a reaction's, an edit's
without `edited_unixtime`) are corrected by it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from guanxi.assets.bundle import BadArchive

NOT_EDITED_BEFORE = 1_000_000_000  # 2001: the 2020 exports' "1970-01-01T05:00:00" is no edit


class Times:
    """A message's times in milliseconds, UTC (see the module's note on time zones)."""

    def __init__(self, data: dict[str, Any], *, file: str, record: str) -> None:
        self.data, self.file, self.record = data, file, record
        unix = self._unix(data.get("date_unixtime"), "date_unixtime")
        date = data.get("date")
        if unix is None and date is None:
            raise BadArchive("a message has no date", "missing_field", file=file, record=record)
        naive = None if date is None else self._iso(date, "date")
        self.offset = 0 if unix is None or naive is None else naive - unix
        self.sent = unix if unix is not None else naive if naive is not None else 0

    def edited(self) -> int | None:
        at = self._unix(self.data.get("edited_unixtime"), "edited_unixtime")
        if at is None and self.data.get("edited") is not None:
            at = self._iso(self.data["edited"], "edited") - self.offset
        return at if at is not None and at >= NOT_EDITED_BEFORE * 1000 else None

    def local(self, value: Any, *, default: int) -> int:
        return default if value is None else self._iso(value, "date") - self.offset

    def _unix(self, value: Any, field: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, str) and value.isdigit() and len(value) <= 12:
            return int(value) * 1000
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
            return value * 1000
        raise self._wrong(field)

    def _iso(self, value: Any, field: str) -> int:
        if not isinstance(value, str) or len(value) > 40:
            raise self._wrong(field)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self._wrong(field) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)

    def _wrong(self, field: str) -> BadArchive:
        return BadArchive(
            f"{field} is not a time", "wrong_type", file=self.file, record=self.record
        )
