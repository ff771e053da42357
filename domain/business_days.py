"""Business days (営業日): not a Saturday, a Sunday, a Japanese public holidays (from the
maintained ``holidays`` library, never a hand-written table), nor a company holiday.

Company holidays are written as the company would say them, comma-separated: a day every
year (``08-15``), a span every year, which may cross the new year (``12-29..01-03``), or one
particular day (``2026-05-01``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from domain.errors import InvalidValue

YEARLY_DAY = re.compile(r"^(\d{2})-(\d{2})$")
SATURDAY = 5
WEEKEND = ("土曜日", "日曜日")
DEFAULT_COMPANY_HOLIDAYS = "12-29..01-03"  # 年末年始
MAX_WALK_DAYS = 366  # a calendar with no business day in a year is refused


@dataclass(frozen=True)
class YearlySpan:
    """From (month, day) to (month, day), both included; it may cross the new year."""
    first: tuple[int, int]
    last: tuple[int, int]

    def holds(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= key <= self.last
        return key >= self.first or key <= self.last


def _yearly(text: str, setting: str) -> tuple[int, int]:
    found = YEARLY_DAY.match(text)
    if found is None:
        raise InvalidValue(f"{text!r} is not MM-DD, MM-DD..MM-DD nor YYYY-MM-DD",
                           field=setting)
    month, day = int(found[1]), int(found[2])
    try:
        date(2000, month, day)  # a leap year: 02-29 is a day
    except ValueError:
        raise InvalidValue(f"{text!r} is not a day of the year", field=setting) from None
    return month, day


def company_holidays(text: str, setting: str = "company_holidays",
                     ) -> tuple[tuple[YearlySpan, ...], frozenset[date]]:
    """The yearly spans and the particular days a company holiday setting names."""
    spans: list[YearlySpan] = []
    days: set[date] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if ".." in part:
            first, _, last = part.partition("..")
            spans.append(YearlySpan(_yearly(first.strip(), setting),
                                    _yearly(last.strip(), setting)))
        elif YEARLY_DAY.match(part):
            day = _yearly(part, setting)
            spans.append(YearlySpan(day, day))
        else:
            try:
                days.add(date.fromisoformat(part))
            except ValueError:
                raise InvalidValue(f"{part!r} is not MM-DD, MM-DD..MM-DD nor YYYY-MM-DD",
                                   field=setting) from None
    return tuple(spans), frozenset(days)


class BusinessCalendar:
    """Which days are business days, and moving a day to the business day on or before it."""

    def __init__(self, company: str = DEFAULT_COMPANY_HOLIDAYS) -> None:
        self.spans, self.days = company_holidays(company)
        self.public = holidays.country_holidays("JP", language="ja")

    def public_holiday(self, day: date) -> str | None:
        """The public holiday's name (勤労感謝の日), or None."""
        return self.public.get(day)

    def company_holiday(self, day: date) -> bool:
        return day in self.days or any(span.holds(day) for span in self.spans)

    def is_business_day(self, day: date) -> bool:
        return self.closed_because(day) is None

    def closed_because(self, day: date) -> str | None:
        """Why a day is no business day, in words (勤労感謝の日, 土曜日, 会社休日), or None."""
        if day.weekday() >= SATURDAY:
            return WEEKEND[day.weekday() - SATURDAY]
        return self.public_holiday(day) or ("会社休日" if self.company_holiday(day) else None)

    def on_or_before(self, day: date) -> date:
        """The day itself if a business day, else the business day before it."""
        return self._walk(day, -1)

    def on_or_after(self, day: date) -> date:
        return self._walk(day, 1)

    def business_days(self, start: date, count: int) -> list[date]:
        """``count`` business days from ``start`` on (``start`` itself when it is one)."""
        found: list[date] = []
        day = start
        while len(found) < count:
            day = self.on_or_after(day)
            found.append(day)
            day += timedelta(days=1)
        return found

    def _walk(self, day: date, step: int) -> date:
        for candidate in _days_from(day, step):
            if self.is_business_day(candidate):
                return candidate
        raise InvalidValue("no business day within a year", field="company_holidays")


def _days_from(day: date, step: int) -> Iterator[date]:
    for n in range(MAX_WALK_DAYS):
        try:
            yield day + timedelta(days=n * step)
        except OverflowError:
            return
