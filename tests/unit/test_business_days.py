"""Business days as a Japanese company keeps them: weekends and public holidays off (from the
``holidays`` library), and the company's own days off as its settings say."""

from __future__ import annotations

from datetime import date

import pytest

from api.settings import Settings
from domain.business_days import BusinessCalendar
from domain.errors import InvalidValue


def test_public_holidays_come_from_the_library() -> None:
    calendar = BusinessCalendar("")
    assert calendar.closed_because(date(2026, 11, 23)) == "勤労感謝の日"
    assert calendar.closed_because(date(2026, 11, 3)) == "文化の日"
    assert calendar.closed_because(date(2026, 11, 24)) is None
    assert calendar.on_or_before(date(2026, 11, 23)) == date(2026, 11, 20)


def test_without_company_holidays_the_year_end_is_worked() -> None:
    assert BusinessCalendar("").is_business_day(date(2026, 12, 29))
    assert not BusinessCalendar().is_business_day(date(2026, 12, 29)), "12/29–1/3 by default"


def test_company_holidays_are_days_spans_across_the_new_year_and_particular_days() -> None:
    calendar = BusinessCalendar("08-13..08-14, 12-30..01-02, 2026-05-01")
    closed = [day for day in (date(2026, 8, 13), date(2026, 8, 14), date(2026, 12, 30),
                              date(2027, 1, 2), date(2026, 5, 1))
              if calendar.closed_because(day) is not None]
    assert len(closed) == 5
    assert calendar.closed_because(date(2026, 8, 14)) == "会社休日"
    assert calendar.is_business_day(date(2026, 8, 12))
    assert calendar.is_business_day(date(2027, 5, 3)) is False, "憲法記念日"
    assert calendar.is_business_day(date(2027, 4, 30)), "2026-05-01 is one day, not yearly"
    assert calendar.business_days(date(2026, 12, 28), 3) == [
        date(2026, 12, 28), date(2026, 12, 29), date(2027, 1, 4)]


@pytest.mark.parametrize("bad", ["12/29", "13-01", "02-30..03-01", "2026-02-30", "12-29.."])
def test_a_company_holiday_that_is_not_a_day_is_refused(bad: str) -> None:
    with pytest.raises(InvalidValue):
        BusinessCalendar(bad)
    with pytest.raises(ValueError, match="company_holidays"):
        Settings(company_holidays=bad)
