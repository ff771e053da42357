"""Dates read as a person in Japan reads them; every code in Japanese words; charts say in
words what they show."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from enum import StrEnum

from api.web.charts import MonthValue, health_over_time, visits_per_month
from api.web.forms import local_time
from api.web.labels import ENUM_JA, datetime_local, day, jst, yen
from api.web.trends import last_months
from domain import values


def test_times_are_shown_in_japan_time_with_the_weekday() -> None:
    assert jst("2026-11-23T05:30:00+00:00") == "2026年11月23日(月) 14:30"
    assert jst(datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == "2027年1月1日(金) 00:00"
    assert day("2026-11-23") == "2026年11月23日(月)"
    assert jst(None) == "—" and day("") == "—"
    assert yen(4_800_000) == "4,800,000円"


def test_every_code_of_the_domain_has_japanese_words() -> None:
    """One catalogue for the web pages and the Markdown dossier: a new enum, or a new member
    of one, without words fails here (never 「critical」 on a page people read)."""
    enums = {member for _, member in inspect.getmembers(values, inspect.isclass)
             if issubclass(member, StrEnum) and member is not StrEnum}
    assert enums == set(ENUM_JA)
    for enum, words in ENUM_JA.items():
        assert {m.value for m in enum} <= set(words), enum
        assert all(not word.isascii() for word in words.values()), enum
    assert ENUM_JA[values.Stance]["critical"] == "批判的"


def test_a_local_input_becomes_an_instant_in_japan() -> None:
    assert local_time("2026-11-20T14:30") == "2026-11-20T14:30:00+09:00"
    assert local_time("昨日") == "昨日", "left for the model to refuse"
    assert datetime_local(datetime(2026, 11, 20, 5, 30, tzinfo=UTC)) == "2026-11-20T14:30"


def test_the_last_twelve_months_end_with_this_one() -> None:
    months = last_months(datetime(2026, 2, 10, 3, 0, tzinfo=UTC))
    assert [m for m, _ in months][:2] == ["2025-03", "2025-04"]
    assert months[-1][0] == "2026-02" and len(months) == 12
    assert months[-2][1].isoformat() == "2026-01-31T23:59:59.999999+09:00"


def test_charts_are_labelled_images() -> None:
    visits = visits_per_month([MonthValue("2026-10", 2), MonthValue("2026-11", 3)])
    assert 'role="img"' in visits and "<title" in visits
    assert "合計5回" in visits and "2026年11月: 3回" in visits
    scores = health_over_time([MonthValue("2026-10", 80, "sato"),
                               MonthValue("2026-11", 60, "suzuki")])
    assert "引き継ぎ" in scores and "最新は2026年11月の60点" in scores
    nothing = health_over_time([MonthValue("2026-11", None)])
    assert "まだ点数のつく月はありません" in nothing
