"""The date and time at the head of a WhatsApp export line, and which way round its date goes.

A line starts a message when it begins with a stamp: Android `30/06/23, 16:13 - `, `6/30/23,
4:13 PM - `, `2023/06/30, 16:13 - `, `30.06.23, 16:13 - `, French `30/06/2023 à 16:13 - `;
iOS `[30/06/2023, 16:13:05] ` (often after an invisible U+200E); bracketed `[06/30/23 16:13] `.
The clock is 24-hour or 12-hour with a marker before or after it ("PM", "p. m.", "nachm.",
"下午", "오후", "午後", …).

Whether `05/06/23` is the 5th of June or May the 6th is decided per file and per *shape* of stamp
(bracket, separator, year digits, clock), since one file can mix shapes (Android wrote
`6/30/23` and `30/6/2023` into one export): a first number over 12 votes day-first, a second
one over 12 month-first; with no such vote the order under which the dates run forward wins;
failing that a 12-hour clock with `/` (the US style) is month-first, everything else
day-first. A stamp that is impossible the chosen way round (month 13) is read the other way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

HEADER = re.compile(
    r"[\u200e\u200f\ufeff]?(?P<open>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?"
    r"(?:,\s?|\sà\s|\s)(?P<time>[^\]\-–]{3,24}?)"
    r"(?(open)\]\s|\s[-–]\s)(?P<rest>.*)",
    re.DOTALL,
)
TIME = re.compile(
    r"(?P<pre>\D{0,8}?)\s?(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?\s?(?P<post>\D{0,10})"
)
_MARK_NOISE = re.compile(r"[.\s\u202f\u00a0\u200e\u200f]")
# Markers of a 12-hour clock, with dots and spaces taken out and lower-cased: English "AM",
# "a.m."; Spanish "a. m."; German "vorm."/"nachm."; Swedish "fm"/"em"; Hungarian "de."/"du.";
# Vietnamese "SA"/"CH"; Greek "π.μ."/"μ.μ."; Arabic "ص"/"م"; Chinese, Korean, Japanese before
# the time: "上午"/"下午", "오전"/"오후", "午前"/"午後".
MORNING = frozenset({"am", "vorm", "fm", "de", "sa", "πμ", "ص", "上午", "오전", "午前"})
AFTERNOON = frozenset({"pm", "nachm", "em", "du", "ch", "μμ", "م", "下午", "오후", "午後"})


@dataclass(frozen=True, kw_only=True)
class Stamp:
    """A stamp as written: `first`/`second` are the day and month in an order still unknown
    (`year_first` stamps are year/month/day and need no decision)."""

    shape: tuple[bool, str, int, bool]  # bracketed, separator, year digits, 12-hour clock
    first: int
    second: int
    year: int
    year_first: bool
    hour: int
    minute: int
    sec: int

    def day(self, day_first: bool) -> date | None:
        """The date, read day-first or month-first; the other way if that one is impossible."""
        if self.year_first:
            return _date(self.year, self.first, self.second)
        one = (self.second, self.first) if day_first else (self.first, self.second)
        return _date(self.year, *one) or _date(self.year, one[1], one[0])

    def at(self, day_first: bool, zone: ZoneInfo) -> int:
        """Milliseconds since the epoch: the local time read in `zone`."""
        found = self.day(day_first)
        assert found is not None  # parse_header keeps only stamps with a possible date
        return _millis(found, self.hour, self.minute, self.sec, zone)


def parse_header(line: str) -> tuple[Stamp, str] | None:
    """The stamp at the head of a line and the rest of it; None if the line has none."""
    match = HEADER.match(line)
    if match is None:
        return None
    clock = _clock(match["time"].strip())
    if clock is None:
        return None
    a, c = match["a"], match["c"]
    year_first = len(a) == 4
    if not (len(c) <= 2 if year_first else len(a) <= 2 and len(c) in (2, 4)):
        return None  # no year, or one at both ends
    year = int(a if year_first else c)
    stamp = Stamp(
        shape=(match["open"] is not None, match["sep"], len(a if year_first else c), clock[3]),
        first=int(match["b"] if year_first else a),
        second=int(c if year_first else match["b"]),
        year=year + 2000 if year < 100 else year,
        year_first=year_first,
        hour=clock[0],
        minute=clock[1],
        sec=clock[2],
    )
    return (stamp, match["rest"]) if stamp.day(True) is not None else None


def _clock(text: str) -> tuple[int, int, int, bool] | None:
    """(hour on a 24-hour clock, minute, second, whether it was written as 12-hour)."""
    match = TIME.fullmatch(text)
    if match is None or (match["pre"].strip() and match["post"].strip()):
        return None
    hour, minute, sec = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    mark = _MARK_NOISE.sub("", match["pre"] + match["post"]).lower()
    if minute > 59 or sec > 59:
        return None
    if not mark:
        return (hour, minute, sec, False) if hour < 24 else None
    if hour > 12 or mark not in MORNING | AFTERNOON:
        return None
    return (hour % 12 + (12 if mark in AFTERNOON else 0), minute, sec, True)


@lru_cache(maxsize=4096)  # a chat's lines come many to a minute
def _millis(day: date, hour: int, minute: int, sec: int, zone: ZoneInfo) -> int:
    local = datetime(day.year, day.month, day.day, hour, minute, sec, tzinfo=zone)
    return int(local.timestamp()) * 1000


@lru_cache(maxsize=4096)
def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(kw_only=True)
class _Votes:
    day_first: int = 0
    month_first: int = 0
    backward: list[int] = field(default_factory=lambda: [0, 0])  # day-first, month-first
    last: list[date | None] = field(default_factory=lambda: [None, None])


@dataclass(kw_only=True)
class DateOrder:
    """Collects the stamps of one file, then says for each shape whether it is day-first."""

    votes: dict[tuple[bool, str, int, bool], _Votes] = field(default_factory=dict)

    def see(self, stamp: Stamp) -> None:
        if stamp.year_first:
            return
        votes = self.votes.setdefault(stamp.shape, _Votes())
        votes.day_first += stamp.first > 12
        votes.month_first += stamp.second > 12
        for index, day_first in enumerate((True, False)):
            found = stamp.day(day_first)
            last = votes.last[index]
            votes.backward[index] += last is not None and found is not None and found < last
            votes.last[index] = found

    def day_first(self, shape: tuple[bool, str, int, bool]) -> bool:
        votes = self.votes.get(shape)
        if votes is None:
            return not (shape[3] and shape[1] == "/")
        if votes.day_first != votes.month_first:
            return votes.day_first > votes.month_first
        if votes.backward[0] != votes.backward[1]:
            return votes.backward[0] < votes.backward[1]
        return not (shape[3] and shape[1] == "/")
