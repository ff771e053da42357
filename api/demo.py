"""A realistic, seeded demo: Japanese route-sales accounts over three years.

Each account lives through the domain's own commands (so every invariant holds), with the
time of each step as "now", and is saved in one go.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.account import Account
from domain.application import Tsunagi
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
NOTES = [("fact", "caution", "月末は検収で忙しいので訪問は避ける"),
         ("fact", "taboo", "競合他社の話題は避ける"),
         ("opinion", "preference", "価格より納期を重視していると思う"),
         ("fact", "preference", "朝一の電話を好む")]


@dataclass
class DemoPeople:
    manager: Actor
    reps: list[Actor]
    auditor: Actor


def people(reps: int) -> DemoPeople:
    return DemoPeople(
        manager=Actor("tanaka", Role.MANAGER),
        reps=[Actor("sato" if n == 0 else f"rep{n:03d}", Role.REP) for n in range(reps)],
        auditor=Actor("ito", Role.AUDITOR),
    )


def register(app: Tsunagi, cast: DemoPeople) -> dict[str, str]:
    """Register the demo users once; return the tokens of the newly registered."""
    admin = Actor("admin", Role.ADMIN)
    tokens = {}
    for actor in [cast.manager, cast.auditor, *cast.reps]:
        code = sum(map(ord, actor.user_id))
        name = f"{FAMILY[code % len(FAMILY)]} {GIVEN[code % len(GIVEN)]}"
        try:
            _, token = app.register_user(admin, user_id=actor.user_id, name=name,
                                         role=actor.role.value)
        except DomainError:
            continue
        tokens[actor.user_id] = token or ""
    return tokens


def generate(app: Tsunagi, *, accounts: int, seed: int, reps: int | None = None,
             until: datetime | None = None,
             progress: Callable[[int], None] | None = None) -> int:
    """Fill the store; return the number of events recorded."""
    rng = random.Random(seed)
    cast = people(reps or max(3, accounts // 33))
    until = until or datetime.now(BUSINESS_TZ).replace(microsecond=0)
    recorded = 0
    for n in range(accounts):
        account = _life(rng, cast, n, until)
        recorded += len(account.pending_events)
        app.save(account)
        if progress:
            progress(n + 1)
    return recorded


def _life(rng: random.Random, cast: DemoPeople, n: int, until: datetime) -> Account:
    start = until - timedelta(days=3 * 365 + rng.randint(0, 60))
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
    for day in _days(rng, start, until, cadence):
        if handover_day and day >= handover_day and account.owner_rep_id == owner.user_id:
            _handover(account, cast.manager, owner, successor, day)
        rep = _actor(account, cast)
        _a_visit_and_what_follows(rng, account, rep, day, people_there)
        if day >= renewal:
            account.renew_contract(rep, day, renewed_at=day,
                                   contract_end=(day + timedelta(days=365)).date(),
                                   terms="年間保守・月次点検",
                                   annual_value_jpy=rng.randint(12, 120) * 100_000)
            renewal += timedelta(days=365)
    return account


def _actor(account: Account, cast: DemoPeople) -> Actor:
    return next(r for r in cast.reps if r.user_id == account.owner_rep_id)


def _days(rng: random.Random, start: datetime, until: datetime, cadence: int) -> Iterator[datetime]:
    day = start + timedelta(days=rng.randint(1, cadence))
    while day < until - timedelta(days=1):
        yield day.replace(hour=rng.choice([9, 10, 11, 13, 14, 15, 16]), minute=0)
        day += timedelta(days=max(1, cadence + rng.randint(-3, 5)))


def _a_visit_and_what_follows(rng: random.Random, account: Account, rep: Actor, day: datetime,
                              people_there: list[str]) -> None:
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
        account.make_promise(rep, day, description=rng.choice(PROMISES),
                             due_date=(day + timedelta(days=rng.randint(3, 14))).date(),
                             made_to=rng.choice(people_there))
    open_complaints = [c for c, s in account.complaints.items() if not s.resolved]
    for complaint_id in open_complaints:
        account.resolve_complaint(rep, day, complaint_id=complaint_id, resolved_at=day,
                                  resolution="再発防止策で合意",
                                  concession="次回3%値引き" if rng.random() < 0.3 else "")
    if rng.random() < 0.04:
        received = day - timedelta(hours=rng.randint(1, 6))
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
