"""Health scoring: how a tenure's evidence (kept by projections.health) becomes a score.

A score is reached at an instant, over a period of days (``Period``), from six components,
each one rule in a function of its own, weighed by ``WEIGHTS``:

- cadence (``_cadence``): each agreed visit-cadence window counts by its best contact,
  a visit in person 1, online 0.75, by phone 0.5, by e-mail 0.25 (``CHANNEL_WEIGHTS``);
- promises (``_promises``): each promise is worth 1 kept on time, less the later it was
  kept (0 at ``PROMISE_LATE_ZERO_DAYS`` late, ``kept_value``), 0 broken; one still open
  past its due date is worth what it would be kept today. An inherited promise kept on
  time is the successor's credit; kept late or broken it is scored to no one;
- complaints (``_complaints``, ``complaint_score``): speed of first response and of
  resolution, against targets by severity, each complaint weighed by its severity; an
  inherited complaint is the successor's from the day he took it over;
- requests (``_requests``, ``request_value``): how fast each of the customer's requests
  (短納期, 値下げ …) was answered, whatever the answer (full within 3 days, none at 14); one
  still open is worth what it would be answered now. An inherited request is the
  successor's from the day he took it over: answering it earns him credit, and the
  predecessor answers for it as it stood at the handover;
- renewal (``_renewal``): each contract renewed (on time 1; after it lapsed, less each
  day, 0 at ``RENEWAL_LAPSE_ZERO_DAYS``) or left lapsed within the period;
- warmth (``_warmth``): over the last 10 visits (not e-mail: small talk on an e-mail means
  nothing), small talk held against what the tenure received (``MOOD_WINDOW`` visits; the
  customer's mood carries over a handover, so the fall is scored, not the level), and the
  punctuality of those in person (full to 5 minutes late, none at 30), each visit once
  for each; and the customer's responsiveness held the same way: how soon they react to
  proposals (``reply_value``; the last ``MOOD_WINDOW``, a proposal unanswered past
  ``REPLY_DAYS[1]`` days counting as no reply) against how soon they did when the tenure
  began, each reply once.

Confidence: a component rests on ``evidence_count`` items (windows, promises, complaints,
contracts, visits). Below ``FULL_EVIDENCE`` it is ``provisional``: it counts with a third
of its weight per item (``effective_weight``), and its ``score`` is shown pulled toward 50
in the same proportion (``raw_score`` is the unshrunk figure), so one item never shows 0
or 100. While a score rests on fewer than 3 items in all, a neutral 50 weighs in too. A
component with nothing to rate is ``None`` and left out. Every component says
how it was reached (``detail``) and cites its events (``event_ids``).

``score_tenure`` scores one tenure; ``like_for_like`` compares a successor with the
predecessor fairly (same length of tenure, same season a year earlier); ``RAMP_UP_DAYS``
is the successor's first period, shown as ramp-up; ``thin_records`` tells a tenure whose
records are too few to score. The report a reader gets, with the warnings, is
``projections.health.health_report``; the baseline a successor received is
``projections.health_baseline``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from projections.base import Document
from projections.records import BUSINESS_TZ, local_date, parse_date, parse_dt, utc_key

V = TypeVar("V")
WEIGHTS = {"cadence": 0.32, "promises": 0.23, "complaints": 0.18, "requests": 0.09,
           "renewal": 0.09, "warmth": 0.09}  # the five before requests, ×1/1.1
RAMP_UP_DAYS = 90  # a successor's first days, shown as ramp-up (not yet "active")
LATE_MINUTES = 10  # a visit this late is late: a warning when repeated
PUNCTUAL_MINUTES, LATE_ZERO_MINUTES = 5, 30  # punctuality: full up to 5 min late, none at 30
EVIDENCE_LISTED = 50  # events a component cites by id (it counts them all); the fold
# keeps as many closed promises and complaints whole, to cite
CHANNEL_WEIGHTS = {"in_person": 1.0, "online": 0.75, "phone": 0.5, "email": 0.25}
SMALL_TALK_CHANNELS = frozenset({"in_person", "online", "phone"})  # not e-mail
PROMISE_LATE_ZERO_DAYS = 14  # a promise kept this many days late is worth nothing
RENEWAL_LAPSE_ZERO_DAYS = 60  # a contract renewed (or still lapsed) this late: nothing
SEVERITY_WEIGHTS = {"low": 0.5, "medium": 1.0, "high": 2.0}
RESPONSE_HOURS = {"low": (48, 120), "medium": (24, 72), "high": (4, 24)}  # full → none
RESOLUTION_DAYS = {"low": (14, 60), "medium": (7, 30), "high": (3, 14)}
REPLY_DAYS = (3, 21)  # the customer's reaction to a proposal: prompt within 3 days, none at 21
REQUEST_ANSWER_DAYS = (3, 14)  # a customer's request answered: full within 3 days, none at 14
MOOD_WINDOW = 5  # visits: the small talk a tenure received, and the small talk it keeps
FULL_EVIDENCE = 3  # items of evidence from which a component counts in full
NEUTRAL_PRIOR = 0.1  # weight of a neutral 50 while a score rests on fewer than 3 items
THIN_RECORDS_PER_MONTH = 1.0  # fewer records than this a month: 「記録が少ない」
THIN_RECORDS_MIN_DAYS = 14  # a tenure this young is not yet judged thin


class Visit(NamedTuple):
    channel: str
    small_talk: bool
    minutes_late: int


CHANNEL_LETTERS = {"in_person": "i", "online": "o", "phone": "p", "email": "e"}
LETTER_CHANNELS = {letter: channel for channel, letter in CHANNEL_LETTERS.items()}
_VISIT_CODE = re.compile(r"[a-zA-Z]\d*")


def visit_code(channel: str, small_talk: bool, minutes_late: int) -> str:
    """One visit in a day's ``visit_days`` entry: its channel's letter, capital when there
    was small talk, then the minutes late if any (``"I"``, ``"p"``, ``"i12"``)."""
    letter = CHANNEL_LETTERS[channel]
    return f"{letter.upper() if small_talk else letter}{minutes_late or ''}"


def visit_codes(day_codes: str) -> list[str]:
    """A day's visits, one code each, in the order they were recorded."""
    return _VISIT_CODE.findall(day_codes)


def decoded(code: str) -> Visit:
    return Visit(LETTER_CHANNELS[code[0].lower()], code[0].isupper(), int(code[1:] or 0))


def day_visits(day_codes: str) -> list[Visit]:
    return [decoded(code) for code in visit_codes(day_codes)]


@dataclass(frozen=True)
class Period:
    """Days from ``start`` up to, not including, ``end``; ``"YYYY-MM-DD" in period``."""

    start: date
    end: date
    first: str = field(init=False)
    stop: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", self.start.isoformat())
        object.__setattr__(self, "stop", self.end.isoformat())

    def __contains__(self, day: object) -> bool:
        return isinstance(day, str) and self.first <= day < self.stop

    def within(self, days: dict[str, V]) -> list[tuple[str, V]]:
        """The entries of a by-day table whose day falls in the period (the hot loop of
        every score: a long account's tables hold a key for each day it was active)."""
        first, stop = self.first, self.stop
        return [(day, value) for day, value in days.items() if first <= day < stop]


def score_tenure(doc: Document, index: int, at: datetime, *, start: date | None = None,
                 end: date | None = None) -> dict[str, Any]:
    """The tenure's score at instant ``at``, over [start, end) (default: the whole tenure)."""
    tenure = doc["tenures"][index]
    start = start or local_date(parse_dt(tenure["from"]))
    closes = local_date(parse_dt(tenure["to"])) if tenure["to"] else None
    end = end or min(closes or local_date(at), local_date(at)) + timedelta(days=1)
    if tenure["to"] is not None:
        at = min(at, parse_dt(tenure["to"]))  # open items stand as they did at handover
    period = Period(start, end)
    components = [
        _cadence(doc, tenure, period),
        _promises(tenure, period),
        _complaints(doc, index, period, at),
        _requests(doc, index, period, at),
        _renewal(tenure, doc["contract"], period, at),
        _warmth(doc, tenure, period, at),
    ]
    score = _weigh(components)
    records = _records_per_month(tenure, period)
    return {"score": score, "from": start.isoformat(), "to": end.isoformat(),
            "components": components, "records_per_month": records,
            "thin_records": thin_records(records, period)}


def _weigh(components: list[dict[str, Any]]) -> int | None:
    """The weighted mean of the components' raw values, each counting with its
    ``effective_weight``: its weight, a third of it per item below ``FULL_EVIDENCE``; while
    hardly anything is known, a neutral 50 weighs in too (``NEUTRAL_PRIOR``). A provisional
    component's ``score`` is shown pulled toward 50 in the same proportion."""
    rated = [c for c in components if c["raw"] is not None]
    if not rated:
        return None
    items = sum(c["evidence_count"] for c in rated)
    prior = NEUTRAL_PRIOR * max(0, FULL_EVIDENCE - items) / FULL_EVIDENCE
    for c in rated:
        strength = min(c["evidence_count"], FULL_EVIDENCE) / FULL_EVIDENCE
        c["effective_weight"] = round(c["weight"] * strength, 4)
        shown = 0.5 + (c["raw"] - 0.5) * strength
        c["value"] = round(shown, 3)
        c["score"] = round(100 * shown)
    numerator = sum(c["effective_weight"] * c["raw"] for c in rated) + prior * 0.5
    denominator = sum(c["effective_weight"] for c in rated) + prior
    result: float = numerator / denominator
    return round(100 * result)


def thin_records(records_per_month: float, period: Period) -> bool:
    """Too few records to trust a score: fewer than ``THIN_RECORDS_PER_MONTH`` a month."""
    return ((period.end - period.start).days >= THIN_RECORDS_MIN_DAYS
            and records_per_month < THIN_RECORDS_PER_MONTH)


def _records_per_month(tenure: dict[str, Any], period: Period) -> float:
    """Visits (not e-mail), promises closed or due, complaints and requests, per 30 days."""
    visits = sum(_not_email(codes) for _, codes in period.within(tenure["visit_days"]))
    promises = sum(t[0] + t[1] for _, t in period.within(tenure["promise_days"]))
    promises += sum(1 for p in tenure["open_promises"] if p["made_on"] in period)
    complaints = sum(t[0] for _, t in period.within(tenure["complaint_days"]))
    complaints += sum(1 for c in tenure["open_complaints"] if received_day(c) in period)
    requests = sum(n for _, n in period.within(tenure["request_days"]))
    days = max(1, (period.end - period.start).days)
    return round(float(visits + promises + complaints + requests) * 30 / days, 2)


_EMAIL_AND_MINUTES = str.maketrans("", "", "eE0123456789")


def _not_email(day_codes: str) -> int:
    """The day's visits in person, online or by phone."""
    return len(day_codes.translate(_EMAIL_AND_MINUTES))


def midnight(day: date) -> datetime:
    """The instant a day begins in Japan (so the end of the day before)."""
    return datetime.combine(day, time(), BUSINESS_TZ)


def like_for_like(doc: Document, index: int, at: datetime,
                  score: int | None = None) -> dict[str, Any]:
    """The predecessor over the same length of tenure, and over the same season a year before,
    each as it stood at the end of those days, beside the successor's score now (``score``,
    when the caller has just reached it: ``score_tenure(doc, index, at)["score"]``)."""
    successor, predecessor = doc["tenures"][index], doc["tenures"][index - 1]
    if successor["to"] is not None:  # a closed tenure compares over its whole length
        at = min(at, parse_dt(successor["to"]))
    started = local_date(parse_dt(successor["from"]))
    length = (local_date(at) - started).days + 1
    pred_start = local_date(parse_dt(predecessor["from"]))
    pred_end = local_date(parse_dt(predecessor["to"]))
    same_length_end = min(pred_start + timedelta(days=length), pred_end + timedelta(days=1))
    season_start = started - timedelta(days=365)
    season_end = started - timedelta(days=365) + timedelta(days=length)
    same_season = None
    if pred_start <= season_start and season_end <= pred_end + timedelta(days=1):
        same_season = score_tenure(doc, index - 1, min(at, midnight(season_end)),
                                   start=season_start, end=season_end)
    same_length = score_tenure(doc, index - 1, min(at, midnight(same_length_end)),
                               start=pred_start, end=same_length_end)
    return {
        "predecessor_rep_id": predecessor["rep_id"],
        "days": length,
        "predecessor_score": same_length["score"],
        "score": score_tenure(doc, index, at)["score"] if score is None else score,
        "same_season_last_year_score": same_season["score"] if same_season else None,
        "same_length": same_length,
        "same_season_last_year": same_season,
    }


# ---------------------------------------------------------------------- the components


def _days_in(tenure: dict[str, Any], period: Period) -> list[str]:
    return sorted(day for day, _ in period.within(tenure["visit_days"]))


def _visits_from(tenure: dict[str, Any], days: Iterable[str], *,
                 latest_first: bool = False) -> Iterator[Visit]:
    """Each visit of those days in the order recorded, or latest first."""
    for day in days:
        visits = day_visits(tenure["visit_days"][day])
        yield from reversed(visits) if latest_first else visits


_BEST_FIRST = sorted(((weight, CHANNEL_LETTERS[channel])
                     for channel, weight in CHANNEL_WEIGHTS.items()), reverse=True)


def best_contact(day_codes: str) -> float:
    """The day's best contact by its channel's weight (in person 1 … e-mail 0.25)."""
    for weight, letter in _BEST_FIRST:
        if letter in day_codes or letter.upper() in day_codes:
            return weight
    return 0.0


def _cited(tenure: dict[str, Any], period: Period,
           channels: Iterable[str] = CHANNEL_WEIGHTS) -> list[str]:
    wanted = set(channels)
    return [v["event_id"] for v in tenure["recent_visits"]
            if v["day"] in period and v.get("channel", "in_person") in wanted]


def _cadence(doc: Document, tenure: dict[str, Any], period: Period) -> dict[str, Any]:
    cadence = doc["visit_cadence_days"]
    elapsed = (period.end - period.start).days
    windows = elapsed // cadence
    ids = _cited(tenure, period)
    if windows < 1:
        return _component("cadence", None, f"{cadence}日周期に満たない期間", ids, 0)
    best: dict[int, float] = {}
    start = period.start.toordinal()
    for day, codes in period.within(tenure["visit_days"]):
        window = (parse_date(day).toordinal() - start) // cadence
        if window < windows:
            best[window] = max(best.get(window, 0.0), best_contact(codes))
    value = sum(best.values()) / windows
    in_person = sum(1 for weight in best.values() if weight == 1.0)
    return _component("cadence", value,
                      f"{windows}周期中{len(best)}周期で接触、うち訪問{in_person}周期 "
                      f"(約束の訪問周期 {cadence}日)", ids, windows)


def kept_value(due_date: str, closed_on: str) -> float:
    """A kept promise's worth: 1 on time, falling evenly to 0 at PROMISE_LATE_ZERO_DAYS late."""
    late = (parse_date(closed_on) - parse_date(due_date)).days
    return _linear(late, 0, PROMISE_LATE_ZERO_DAYS)


def _promises(tenure: dict[str, Any], period: Period) -> dict[str, Any]:
    kept = broken = events = 0
    value = 0.0
    for _, totals in period.within(tenure["promise_days"]):
        kept, broken = kept + totals[0], broken + totals[1]
        events, value = events + totals[2], value + totals[3]
    ids = [i for p in tenure["closed_promises"]
           if p.get("scored", not p["inherited"]) and p["outcome"] in ("kept", "broken")
           and p["closed_on"] in period for i in p["event_ids"]]
    last_day = (period.end - timedelta(days=1)).isoformat()
    for promise in tenure["open_promises"]:
        if promise["due_date"] < period.stop and promise["made_on"] >= period.first:
            broken += 1
            value += kept_value(promise["due_date"], last_day)
            events += len(promise["event_ids"])
            ids.extend(promise["event_ids"])
    if kept + broken == 0:
        return _component("promises", None, "評価できる約束なし", ids, 0, events)
    return _component("promises", value / (kept + broken),
                      f"守った約束 {kept} / 破った・期限切れ {broken}", ids, kept + broken,
                      events)


def severity_weight(complaint: dict[str, Any]) -> float:
    return SEVERITY_WEIGHTS.get(complaint["severity"], 1.0)


def _complaints(doc: Document, index: int, period: Period, at: datetime) -> dict[str, Any]:
    tenure = doc["tenures"][index]
    count, total, events, weights = 0, 0.0, 0, 0.0
    for _, totals in period.within(tenure["complaint_days"]):
        count, total = count + totals[0], total + totals[1]
        events, weights = events + totals[2], weights + totals[3]
    ids = [i for c in tenure["closed_complaints"] if received_day(c) in period
           for i in c["event_ids"]]
    open_now = list(tenure["open_complaints"])
    if index > 0:  # inherited, still open: his from the day he took them over
        open_now += [{**c, "counted_from": tenure["from"]}
                     for earlier in doc["tenures"][:index] for c in earlier["open_complaints"]]
    for complaint in open_now:
        if received_day(complaint) in period:
            weight = severity_weight(complaint)
            count, weights = count + 1, weights + weight
            total += weight * complaint_score(complaint, at)
            events += len(complaint["event_ids"])
            ids.extend(complaint["event_ids"])
    if not count:
        return _component("complaints", None, "クレームなし", ids, 0, events)
    return _component("complaints", total / weights,
                      f"クレーム {count}件の初動と解決の速さ (重大度で加重)", ids, count, events)


def complaint_score(complaint: dict[str, Any], at: datetime) -> float:
    """Speed of first response and of resolution against the severity's targets, each 1
    when fast and falling evenly to 0 when slow (medium: response 24 h → 72 h, resolution
    7 → 30 days), as of ``at`` while still open. An inherited complaint's clock starts when
    the tenure began (``counted_from``); one already answered then has its response."""
    severity = complaint["severity"] if complaint["severity"] in RESPONSE_HOURS else "medium"
    start = complaint["received_at"]
    if complaint.get("counted_from") and parse_dt(complaint["counted_from"]) > parse_dt(start):
        start = complaint["counted_from"]
    responded = complaint["responded_at"]
    answered_before = responded is not None and parse_dt(responded) <= parse_dt(start)
    response = 0.0 if answered_before else hours_between(start, responded or at)
    resolution = hours_between(start, complaint["resolved_at"] or at)
    fast, slow = RESPONSE_HOURS[severity]
    fast_days, slow_days = RESOLUTION_DAYS[severity]
    return (_linear(response, fast, slow)
            + _linear(resolution, fast_days * 24, slow_days * 24)) / 2


def received_day(complaint: dict[str, Any]) -> str:
    """A complaint counts in the period holding the day it was received, or, inherited,
    the day its tenure began (the fold counts closed ones by that day)."""
    return local_date(parse_dt(complaint.get("counted_from") or complaint["received_at"])
                      ).isoformat()


def request_value(request: dict[str, Any], at: datetime) -> float:
    """How fast a request was answered (or, still open, as of ``at``): 1 within
    ``REQUEST_ANSWER_DAYS[0]`` days of coming to the tenure, falling evenly to 0 at the
    second figure. Accepted, declined or partly: the answer itself is not judged."""
    waited = hours_between(request.get("counted_from") or request["received_at"],
                           request.get("answered_at") or at)
    full, none = REQUEST_ANSWER_DAYS
    return _linear(waited, full * 24, none * 24)


def _requests(doc: Document, index: int, period: Period, at: datetime) -> dict[str, Any]:
    """The customer's requests this tenure held, by how fast it answered them."""
    tenure = doc["tenures"][index]
    count, total, events = 0, 0.0, 0
    for _, totals in period.within(tenure["request_answers"]):
        count, total, events = count + totals[0], total + totals[1], events + totals[2]
    ids = [i for r in tenure["answered_requests"] if received_day(r) in period
           for i in r["event_ids"]]
    began = parse_dt(tenure["from"])
    for request in doc["open_requests"]:
        received = parse_dt(request["received_at"])
        if received >= at:
            continue
        held = request if received >= began else {**request, "counted_from": tenure["from"]}
        if received_day(held) in period:
            count, total = count + 1, total + request_value(held, at)
            events += len(request["event_ids"])
            ids.extend(request["event_ids"])
    if not count:
        return _component("requests", None, "要望なし", ids, 0, events)
    return _component("requests", total / count,
                      f"要望 {count}件への回答の速さ (回答の中身は問わない)", ids, count, events)


def _renewal(tenure: dict[str, Any], contract: dict[str, Any] | None, period: Period,
             at: datetime) -> dict[str, Any]:
    """Each renewal in the period (on time: 1; after the contract lapsed: less each day),
    and the contract left lapsed within the period, as of ``at``."""
    values: list[float] = []
    ids: list[str] = []
    for renewal in tenure["renewals"]:
        if renewal["renewed_on"] in period:
            due = renewal["previous_end"]
            lapsed = 0 if due is None else (parse_date(renewal["renewed_on"])
                                            - parse_date(due)).days
            values.append(_linear(lapsed, 0, RENEWAL_LAPSE_ZERO_DAYS))
            ids.append(renewal["event_id"])
    today = min(local_date(at), period.end - timedelta(days=1))
    if contract and contract["contract_end"] in period and contract["contract_end"] < (
            today.isoformat()):
        lapsed = (today - parse_date(contract["contract_end"])).days
        values.append(_linear(lapsed, 0, RENEWAL_LAPSE_ZERO_DAYS))
        ids.append(contract["event_id"])
    if not values:
        days_left = (parse_date(contract["contract_end"]) - local_date(at)).days if (
            contract) else None
        detail = "契約情報なし" if days_left is None else (
            f"この期間の更新なし (契約終了まで{days_left}日)")
        return _component("renewal", None, detail, ids, 0)
    return _component("renewal", sum(values) / len(values),
                      f"期間中の契約更新・期限切れ {len(values)}件", ids, len(values))


def punctuality(minutes_late: int) -> float:
    return _linear(minutes_late, PUNCTUAL_MINUTES, LATE_ZERO_MINUTES)


def _small_talk_share(visits: list[Visit]) -> float | None:
    talk = [v for v in visits if v.channel in SMALL_TALK_CHANNELS]
    return sum(1 for v in talk if v.small_talk) / len(talk) if talk else None


def reply_value(days: float) -> float:
    """How promptly the customer reacted to a proposal: 1 within ``REPLY_DAYS[0]`` days,
    falling evenly to 0 at ``REPLY_DAYS[1]``."""
    prompt, none = REPLY_DAYS
    return _linear(days, prompt, none)


class Reply(NamedTuple):
    utc: str  # when it came (or, none, when it stopped being awaited)
    value: float
    days: float
    event_ids: list[str]


def replies_in(doc: Document, tenure: dict[str, Any], at: datetime,
               period: Period | None = None) -> list[Reply]:
    """The customer's replies to proposals in a tenure (within ``period``), oldest first,
    with each proposal given in it and still unanswered ``REPLY_DAYS[1]`` days later as of
    ``at`` counted as no reply at that point."""
    def wanted(when: datetime) -> bool:
        return when < at and (period is None or local_date(when).isoformat() in period)

    replies = [Reply(r["utc"], r["value"], r["days"], r["event_ids"]) for r in tenure["replies"]
               if wanted(parse_dt(r["replied_at"]))]
    began = parse_dt(tenure["from"])
    for waiting in doc["awaiting_replies"]:
        given = parse_dt(waiting["given_at"])
        gave_up = given + timedelta(days=REPLY_DAYS[1])
        if given >= began and wanted(gave_up) and (
                tenure["to"] is None or gave_up < parse_dt(tenure["to"])):
            replies.append(Reply(utc_key(gave_up), 0.0, REPLY_DAYS[1], waiting["event_ids"]))
    replies.sort(key=lambda reply: reply.utc)
    return replies


def reply_speed(replies: list[Reply]) -> float | None:
    return sum(r.value for r in replies) / len(replies) if replies else None


WARMTH_VISITS = 10  # the last visits warmth counts (small talk), and the last in person


def _warmth(doc: Document, tenure: dict[str, Any], period: Period,
            at: datetime) -> dict[str, Any]:
    days = _days_in(tenure, period)
    counted: list[Visit] = []  # the last visits with small talk possible, latest first
    in_person: list[Visit] = []  # the last in person, latest first
    for visit in _visits_from(tenure, reversed(days), latest_first=True):
        if visit.channel in SMALL_TALK_CHANNELS and len(counted) < WARMTH_VISITS:
            counted.append(visit)
        if visit.channel == "in_person" and len(in_person) < WARMTH_VISITS:
            in_person.append(visit)
        if len(in_person) == WARMTH_VISITS:  # in person ones are counted too: both full
            break
    counted.reverse()
    replies = replies_in(doc, tenure, at, period)
    ids = _cited(tenure, period, SMALL_TALK_CHANNELS)[-10:]
    ids += [i for reply in replies[-MOOD_WINDOW:] for i in reply.event_ids]
    if not counted and not replies:
        return _component("warmth", None, "訪問・提案への反応なし (メールの雑談は数えない)",
                          ids, 0)
    baseline = tenure["baseline"] or {}
    parts: list[tuple[float, int]] = []  # (the values summed, how many) of each measure
    said: list[str] = []
    if counted:
        received = baseline.get("small_talk_share", {}).get("value")
        if received is None:  # the first tenure: the mood it met on its first visits
            first = (v for v in _visits_from(tenure, days) if v.channel in SMALL_TALK_CHANNELS)
            received = _small_talk_share(list(islice(first, MOOD_WINDOW)))
        now = _small_talk_share(counted[-MOOD_WINDOW:])
        assert received is not None and now is not None
        held = 1.0 - max(0.0, received - now)
        parts.append((held * len(counted), len(counted)))
        said.append(f"雑談 担当開始時 {received:.0%} → 直近{min(len(counted), MOOD_WINDOW)}回 "
                    f"{now:.0%}")
    punctual = [punctuality(v.minutes_late) for v in reversed(in_person)]
    if punctual:
        parts.append((sum(punctual), len(punctual)))
        said.append(f"時間通り {sum(punctual) / len(punctual):.0%}")
    if replies:
        given = baseline.get("reply_days", {}).get("speed")
        if given is None:  # the first tenure, or none replied before: its own first replies
            given = reply_speed(replies[:MOOD_WINDOW])
        latest = reply_speed(replies[-MOOD_WINDOW:])
        assert given is not None and latest is not None
        answered = min(len(replies), MOOD_WINDOW)
        parts.append(((1.0 - max(0.0, given - latest)) * answered, answered))
        said.append(f"提案への返答 担当開始時 {given:.0%} → 直近{min(len(replies), MOOD_WINDOW)}件 "
                    f"{latest:.0%}")
    # Each visit counts once for the mood held, each visit in person once for punctuality,
    # each of the last replies once for the customer's responsiveness held.
    value = sum(total for total, _ in parts) / sum(count for _, count in parts)
    return _component("warmth", value, "・".join(said), ids,
                      len(counted) + min(len(replies), MOOD_WINDOW))


def _component(name: str, value: float | None, detail: str, ids: list[str],
               evidence_count: int, event_count: int | None = None) -> dict[str, Any]:
    """One component of a score: its value, how it was reached, and the events behind it
    (the latest ``EVIDENCE_LISTED`` cited by id; ``event_count`` counts them all;
    ``evidence_count`` counts the items it rests on). ``_weigh`` sets the shown value."""
    raw = None if value is None else round(value, 3)
    return {"name": name, "weight": WEIGHTS[name], "value": raw,
            "score": None if raw is None else round(100 * raw), "raw": raw,
            "raw_score": None if raw is None else round(100 * raw),
            "effective_weight": 0.0, "provisional": evidence_count < FULL_EVIDENCE,
            "detail": detail,
            "event_ids": ids[-EVIDENCE_LISTED:], "evidence_count": evidence_count,
            "event_count": len(ids) if event_count is None else event_count}


def hours_between(start: str, end: str | datetime) -> float:
    """Hours from a stored instant to another, stored or given."""
    finish = end if isinstance(end, datetime) else parse_dt(end)
    return (finish - parse_dt(start)).total_seconds() / 3600


def _linear(value: float, good: float, bad: float) -> float:
    return max(0.0, min(1.0, (bad - value) / (bad - good)))
