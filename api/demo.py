"""A realistic, seeded demo: Japanese route-sales accounts over three years, as a team
would have them.

Each account lives through the domain's own commands (so every invariant holds), with the
time of each step as "now", and is saved in one go. Visits fall on business days (no
weekend, public holiday or 年末年始) in working hours, mostly on the weekday and in the hour
the customer is used to; people are named after their user ids (sato is 佐藤 健).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.account import Account
from domain.application import Tsunagi
from domain.business_days import BusinessCalendar
from domain.errors import DomainError
from domain.values import Actor, Role
from projections.records import BUSINESS_TZ

FAMILY = ["山田", "佐々木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田",
          "山本", "松本", "井上", "木村", "林", "清水", "山口", "森", "池田", "橋本"]
GIVEN = ["健", "一郎", "花子", "真理", "翔太", "美咲", "大輔", "陽子", "拓也", "直子"]
TRADE = ["製作所", "工業", "商事", "電機", "運輸", "精機", "化成", "食品", "建設", "物産"]
TITLES = ["購買部長", "購買課長", "工場長", "総務課", "社長", "資材担当"]
PURPOSES = ["定期訪問", "新商品のご案内", "納品状況の確認", "見積りの説明", "ご挨拶"]
PROMISES = ["見積書を送る", "サンプルを持参する", "カタログを届ける", "納期を確認して連絡する",
            "価格改定の資料を用意する", "工場見学を手配する"]
COMPLAINTS = ["納品遅延", "請求書の誤り", "部品の色違い", "梱包の破損", "連絡の遅れ"]
REQUESTS = [("discount", "来期の単価を5%下げてほしい", "値下げ 3% を了承"),
            ("rush_delivery", "明日までに100個ほしい", "特急便を当社負担で手配"),
            ("special_handling", "検収を月末締めにしてほしい", "月末締めに変更")]
# The team: user ids are the family names, so a name read on a page matches the id typed.
MANAGER = ("tanaka", "田中 誠")
AUDITOR = ("ito", "伊藤 真理")
REPS = [("sato", "佐藤 健"), ("suzuki", "鈴木 一郎"), ("takahashi", "高橋 花子"),
        ("watanabe", "渡辺 大輔"), ("yamamoto", "山本 美咲"), ("nakamura", "中村 拓也"),
        ("kobayashi", "小林 陽子"), ("kato", "加藤 直子"), ("yoshida", "吉田 翔太"),
        ("yamaguchi", "山口 真理"), ("matsumoto", "松本 健"), ("inoue", "井上 一郎"),
        ("kimura", "木村 花子"), ("hayashi", "林 大輔"), ("shimizu", "清水 美咲")]
WORKING_HOURS = [9, 10, 11, 13, 14, 15, 16]  # a visit starts then (not at lunch, 12時台)
MINUTES = [0, 0, 0, 15, 30, 30, 45]
HABIT = 0.6  # how often a visit keeps the customer's usual weekday, and hour
NOTES = [("fact", "caution", "月末は検収で忙しいので訪問は避ける"),
         ("fact", "taboo", "競合他社の話題は避ける"),
         ("opinion", "preference", "価格より納期を重視していると思う"),
         ("fact", "preference", "朝一の電話を好む")]


@dataclass
class DemoPeople:
    manager: Actor
    reps: list[Actor]
    auditor: Actor


def rep_id(n: int) -> str:
    """sato, suzuki, … then sato2, suzuki2, … for a large team."""
    user_id, _ = REPS[n % len(REPS)]
    return user_id if n < len(REPS) else f"{user_id}{n // len(REPS) + 1}"


def name_of(user_id: str) -> str:
    """The registered name of a demo user: the family name its id says."""
    known = dict([MANAGER, AUDITOR, *REPS])
    if user_id in known:
        return known[user_id]
    base = user_id.rstrip("0123456789")
    family = known[base].split()[0]
    return f"{family} {GIVEN[int(user_id[len(base):]) % len(GIVEN)]}"


def people(reps: int) -> DemoPeople:
    return DemoPeople(
        manager=Actor(MANAGER[0], Role.MANAGER),
        reps=[Actor(rep_id(n), Role.REP) for n in range(reps)],
        auditor=Actor(AUDITOR[0], Role.AUDITOR),
    )


def register(app: Tsunagi, cast: DemoPeople) -> dict[str, str]:
    """Register the demo users once; return the tokens of the newly registered."""
    admin = Actor("admin", Role.ADMIN)
    tokens = {}
    for actor in [cast.manager, cast.auditor, *cast.reps]:
        name = name_of(actor.user_id)
        try:
            _, token = app.register_user(admin, user_id=actor.user_id, name=name,
                                         role=actor.role.value)
        except DomainError:
            continue
        tokens[actor.user_id] = token or ""
    return tokens


def generate(app: Tsunagi, *, accounts: int, seed: int, reps: int | None = None,
             until: datetime | None = None, calendar: BusinessCalendar | None = None,
             progress: Callable[[int], None] | None = None) -> int:
    """Fill the store; return the number of events recorded."""
    rng = random.Random(seed)
    cast = people(reps or max(3, accounts // 33))
    until = until or datetime.now(BUSINESS_TZ).replace(microsecond=0)
    calendar = calendar or BusinessCalendar()
    recorded = 0
    for n in range(accounts):
        account = _life(rng, cast, n, until, calendar)
        recorded += len(account.pending_events)
        app.save(account)
        if progress:
            progress(n + 1)
    return recorded


def _life(rng: random.Random, cast: DemoPeople, n: int, until: datetime,
          calendar: BusinessCalendar) -> Account:
    first_day = calendar.on_or_after((until - timedelta(days=3 * 365 + rng.randint(0, 60))).date())
    start = _at(first_day, 9, rng.choice([0, 30]))
    owner = cast.reps[n % len(cast.reps)]
    name = f"株式会社{rng.choice(FAMILY)}{rng.choice(TRADE)}"
    cadence = rng.choice([7, 14, 14, 21, 30])
    account = Account.open(cast.manager, start, name=name, owner_rep_id=owner.user_id,
                           visit_cadence_days=cadence)
    people_there = [f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}" for _ in range(rng.randint(2, 3))]
    for person in people_there:
        account.add_stakeholder(owner, start, name=person, title=rng.choice(TITLES),
                                decision_power=person == people_there[0],
                                stance=rng.choice(["supportive", "neutral", "neutral",
                                                   "critical"]))
    for kind, topic, text in rng.sample(NOTES, 2):
        account.add_note(owner, start, text=text, kind=kind, topic=topic)
    handover_day = start + timedelta(days=rng.randint(500, 1000)) if n % 10 == 3 else None
    successor = cast.reps[(n + 1) % len(cast.reps)]
    renewal = start + timedelta(days=365)
    habit = (rng.randint(0, 4), rng.choice(WORKING_HOURS))  # e.g. Tuesday, 10時台
    for day in _days(rng, calendar, start, until, cadence, habit):
        if handover_day and day >= handover_day and account.owner_rep_id == owner.user_id:
            _handover(account, cast.manager, owner, successor, day)
        rep = _actor(account, cast)
        _a_visit_and_what_follows(rng, calendar, account, rep, day, people_there)
        if day >= renewal:
            account.renew_contract(rep, day, renewed_at=day,
                                   contract_end=(day + timedelta(days=365)).date(),
                                   terms="年間保守・月次点検",
                                   annual_value_jpy=rng.randint(12, 120) * 100_000)
            renewal += timedelta(days=365)
    return account


def _actor(account: Account, cast: DemoPeople) -> Actor:
    return next(r for r in cast.reps if r.user_id == account.owner_rep_id)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), BUSINESS_TZ)


def _days(rng: random.Random, calendar: BusinessCalendar, start: datetime, until: datetime,
          cadence: int, habit: tuple[int, int]) -> Iterator[datetime]:
    """The visits' times: about every ``cadence`` days, on business days after the last,
    mostly on the customer's usual weekday and hour, always in working hours."""
    weekday, hour = habit
    last = start.date()
    due = last + timedelta(days=rng.randint(1, cadence))
    end = (until - timedelta(days=1)).date()
    while due < end:
        day = due
        if rng.random() < HABIT:  # the usual weekday of the week it falls due in
            day = due + timedelta(days=weekday - due.weekday())
        day = calendar.on_or_before(day)
        if day <= last:
            day = calendar.on_or_after(last + timedelta(days=1))
        if day >= end:
            return
        at = hour if rng.random() < HABIT else rng.choice(WORKING_HOURS)
        yield _at(day, at, rng.choice(MINUTES))
        last = day
        due = day + timedelta(days=max(1, cadence + rng.randint(-3, 5)))


def _a_visit_and_what_follows(rng: random.Random, calendar: BusinessCalendar, account: Account,
                              rep: Actor, day: datetime, people_there: list[str]) -> None:
    late = rng.random() < 0.1
    account.record_visit(rep, day, occurred_at=day,
                         planned_at=day - timedelta(minutes=rng.randint(10, 40) if late else 0),
                         purpose=rng.choice(PURPOSES), summary="特に問題なし",
                         attendees=rng.sample(people_there, 1), small_talk=rng.random() < 0.7,
                         next_action="" if rng.random() < 0.5 else "資料を送る")
    open_promises = [p for p, s in account.promises.items() if s.status == "open"]
    for promise_id in open_promises:
        if rng.random() < 0.8:
            outcome = "kept" if rng.random() < 0.85 else "broken"
            account.close_promise(rep, day, promise_id=promise_id, outcome=outcome)
    if rng.random() < 0.35:
        due = calendar.on_or_before(day.date() + timedelta(days=rng.randint(3, 14)))
        account.make_promise(rep, day, description=rng.choice(PROMISES), due_date=due,
                             made_to=rng.choice(people_there))
    open_complaints = [c for c, s in account.complaints.items() if not s.resolved]
    for complaint_id in open_complaints:
        account.resolve_complaint(rep, day, complaint_id=complaint_id, resolved_at=day,
                                  resolution="再発防止策で合意",
                                  concession="次回3%値引き" if rng.random() < 0.3 else "")
    if rng.random() < 0.04:
        received = day - timedelta(minutes=rng.randint(10, 60))  # a call before the visit
        complaint = account.receive_complaint(rep, day, received_at=received,
                                              subject=rng.choice(COMPLAINTS),
                                              severity=rng.choice(["low", "medium", "high"]))
        account.acknowledge_complaint(rep, day, complaint_id=complaint, occurred_at=day)
    if rng.random() < 0.03:
        kind, detail, concession = rng.choice(REQUESTS)
        request = account.receive_request(rep, day, kind=kind, detail=detail)
        answer = rng.choice(["accepted", "partly", "declined"])
        account.answer_request(rep, day, request_id=request, answer=answer,
                               concession="" if answer == "declined" else concession)
    if rng.random() < 0.05:
        proposal = account.give_proposal(rep, day, title="新製品のご案内", kind="information")
        account.record_reaction(rep, day, proposal_id=proposal,
                                reaction=rng.choice(["positive", "neutral", "negative"]))


def _handover(account: Account, manager: Actor, owner: Actor, successor: Actor,
              day: datetime) -> None:
    handover = account.initiate_handover(manager, day, to_rep_id=successor.user_id,
                                         reason="担当替え", effective_at=day)
    account.acknowledge_dossier(successor, day, handover_id=handover)
    account.record_joint_visit(owner, day, handover_id=handover, occurred_at=day,
                               note="同行訪問")
    account.record_customer_informed(owner, day, handover_id=handover, occurred_at=day)
    account.complete_handover(manager, day, handover_id=handover)
