"""Visits in the health evidence are kept a few characters a day (P3 of issue #17), and are
scored exactly as a plain list of every visit would be: cadence, warmth and records a month
over any period, and the cadence a successor would receive, whatever order 佐藤さん records
his visits in (back-dated ones too) and whatever he corrects afterwards.

The reference below is the straightforward reading: every visit, its day, and the order
the evidence met it in (a corrected visit is met again when corrected, at the end of its
day)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.account import Account
from domain.corrections import CorrectionTarget
from projections.health import HealthView, handover_baseline
from projections.health_baseline import CADENCE_DAYS
from projections.health_score import (
    CHANNEL_WEIGHTS,
    MOOD_WINDOW,
    SMALL_TALK_CHANNELS,
    punctuality,
    score_tenure,
)
from tests.conftest import JST, 佐藤さん, 田中課長

始まり = datetime(2025, 4, 1, 9, 0, tzinfo=JST)
今 = 始まり + timedelta(days=200)
CHANNELS = st.sampled_from(["in_person", "in_person", "online", "phone", "email"])
LATE = st.sampled_from([0, 0, 0, 3, 8, 12, 25, 40, 1440])


@dataclass(frozen=True)
class Visit:
    day: date
    channel: str
    small_talk: bool
    minutes_late: int
    met: int  # when the evidence met it: recorded, or last corrected


DAYS = 40  # a visit a day or more, often several: the last ones of a period share days
visits = st.lists(st.tuples(st.integers(0, DAYS), st.integers(10, 19), CHANNELS, st.booleans(),
                            LATE), max_size=40)
corrections = st.lists(st.tuples(st.integers(0, 39), st.none() | st.booleans(),
                                 st.none() | LATE, st.none() | st.integers(0, DAYS)),
                       max_size=6)
periods = st.tuples(st.integers(0, DAYS), st.integers(1, DAYS + 10))


def told(plan: list[tuple[int, int, str, bool, int]],
         fixes: list[tuple[int, bool | None, int | None, int | None]],
         cadence: int) -> tuple[dict[str, Any], list[Visit]]:
    """The evidence folded from 佐藤さん's visits and corrections, and every visit as the
    reference keeps it."""
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=cadence)
    events = account.collect_events()
    recorded, reference = [], []
    for day, hour, channel, small_talk, late in plan:
        when = 始まり + timedelta(days=day, hours=hour - 9)
        account.record_visit(佐藤さん, 今, occurred_at=when, purpose="定期訪問", summary="",
                             channel=channel, small_talk=small_talk, minutes_late=late)
        (event,) = account.collect_events()
        events.append(event)
        recorded.append(event)
        reference.append(Visit(when.date(), channel, small_talk, late, len(events)))
    for index, small_talk, late, day in fixes:
        if index >= len(recorded):
            continue
        event = recorded[index]
        was = reference[index]
        fix: dict[str, Any] = {}
        if small_talk is not None:
            fix["small_talk"] = small_talk
        if late is not None:
            fix["minutes_late"] = late
        if day is not None:
            fix["occurred_at"] = 始まり + timedelta(days=day, hours=1)
        if not fix:
            continue
        account.correct(佐藤さん, 今, target=CorrectionTarget(
            event.event_id, event.originator_version, "VisitRecorded",  # type: ignore[attr-defined]
            values=dict(vars(event))), corrections=fix, reason="誤記")
        events.extend(account.collect_events())
        reference[index] = replace(
            was, small_talk=fix.get("small_talk", was.small_talk),
            minutes_late=fix.get("minutes_late", was.minutes_late),
            day=fix["occurred_at"].date() if day is not None else was.day, met=len(events))
    document = HealthView.fold(events)
    assert document is not None
    return document, reference


def in_order(reference: list[Visit], start: date, end: date) -> list[Visit]:
    return sorted((v for v in reference if start <= v.day < end), key=lambda v: (v.day, v.met))


def cadence(reference: list[Visit], every: int, start: date, end: date) -> float | None:
    windows = (end - start).days // every
    if windows < 1:
        return None
    best: dict[int, float] = {}
    for visit in in_order(reference, start, end):
        window = (visit.day - start).days // every
        if window < windows:
            best[window] = max(best.get(window, 0.0), CHANNEL_WEIGHTS[visit.channel])
    return round(sum(best.values()) / windows, 3)


def warmth(reference: list[Visit], start: date, end: date) -> float | None:
    visits = in_order(reference, start, end)
    talk = [v for v in visits if v.channel in SMALL_TALK_CHANNELS]
    if not talk:
        return None

    def share(some: list[Visit]) -> float:
        return sum(v.small_talk for v in some) / len(some)

    held = 1.0 - max(0.0, share(talk[:MOOD_WINDOW]) - share(talk[-MOOD_WINDOW:]))
    counted = talk[-10:]
    punctual = [punctuality(v.minutes_late) for v in visits if v.channel == "in_person"][-10:]
    return round((held * len(counted) + sum(punctual)) / (len(counted) + len(punctual)), 3)


def records_per_month(reference: list[Visit], start: date, end: date) -> float:
    talk = [v for v in in_order(reference, start, end) if v.channel != "email"]
    return round(len(talk) * 30 / max(1, (end - start).days), 2)


@settings(max_examples=150, deadline=None)
@given(visits, corrections, periods, st.sampled_from([7, 14, 30]))
def test_日ごとにまとめた訪問でも一件ずつ数えたのと同じ点になる(
        plan: list[tuple[int, int, str, bool, int]],
        fixes: list[tuple[int, bool | None, int | None, int | None]],
        period: tuple[int, int], every: int) -> None:
    document, reference = told(plan, fixes, every)
    start = 始まり.date() + timedelta(days=period[0])
    end = start + timedelta(days=period[1])
    scored = score_tenure(document, 0, 今, start=start, end=end)
    components = {c["name"]: c for c in scored["components"]}
    assert components["cadence"]["raw"] == cadence(reference, every, start, end)
    assert components["warmth"]["raw"] == warmth(reference, start, end)
    assert scored["records_per_month"] == records_per_month(reference, start, end)


@settings(max_examples=100, deadline=None)
@given(visits, corrections, st.integers(0, DAYS + 100), st.sampled_from([7, 14, 30]))
def test_引き継ぎ時点の訪問周期も一件ずつ数えたのと同じ(
        plan: list[tuple[int, int, str, bool, int]],
        fixes: list[tuple[int, bool | None, int | None, int | None]],
        day: int, every: int) -> None:
    document, reference = told(plan, fixes, every)
    at = 始まり + timedelta(days=day, hours=3)
    today = at.date()
    first = today - timedelta(days=CADENCE_DAYS)
    windows = CADENCE_DAYS // every
    best: dict[int, float] = {}
    for visit in reference:
        offset = (visit.day - first).days
        if 0 <= offset < CADENCE_DAYS and offset // every < windows:
            best[offset // every] = max(best.get(offset // every, 0.0),
                                        CHANNEL_WEIGHTS[visit.channel])
    kept = handover_baseline(document, at)["cadence_kept"]
    assert kept["value"] == round(sum(best.values()) / windows, 3)
    assert kept["covered"] == len(best)
