"""Early warnings per tenure (issue #17, item 6), as route-sales stories: 株式会社山田製作所,
佐藤さん hands it over to 鈴木さん. Each warning is raised, and not raised; signs of how the
relationship is kept are read within the current tenure only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.reads.people import People
from api.reads.warnings import WARNING_MESSAGES_JA, named_warnings, warning_words
from api.web import charts, trends
from domain.account import Account
from domain.errors import UserNotFound
from domain.users import User
from domain.values import Role
from projections import health_score
from projections.health import HealthView, health_report
from projections.health_warnings import Limits, WarningCode
from tests.conftest import JST, 佐藤さん, 田中課長, 鈴木さん

始まり = datetime(2025, 4, 7, 10, 0, tzinfo=JST)
引き継ぎ = datetime(2026, 4, 1, 17, 0, tzinfo=JST)
山田部長 = "山田 一郎"


def opened() -> Account:
    return Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                        visit_cadence_days=14)


def visit(account: Account, rep: Any, when: datetime, *, small_talk: bool = False,
          channel: str = "in_person", attendees: tuple[str, ...] = ("購買 田中様",)) -> None:
    account.record_visit(rep, when, occurred_at=when, purpose="定期訪問", summary="",
                         small_talk=small_talk, channel=channel, attendees=attendees)


def visits_before_handover(account: Account, small_talk: list[bool]) -> None:
    """佐藤さん's last visits, every 14 days, the last a week before the handover."""
    for number, talk in enumerate(small_talk):
        when = 引き継ぎ - timedelta(days=7 + 14 * (len(small_talk) - 1 - number))
        visit(account, 佐藤さん, when, small_talk=talk)


def hand_over(account: Account) -> None:
    handover_id = account.initiate_handover(田中課長, 引き継ぎ - timedelta(days=3),
                                            to_rep_id="suzuki", reason="佐藤さんの大阪支店への異動",
                                            effective_at=引き継ぎ)
    account.acknowledge_dossier(鈴木さん, 引き継ぎ - timedelta(days=2), handover_id=handover_id)
    account.complete_handover(田中課長, 引き継ぎ, handover_id=handover_id)


def after(days: int) -> datetime:
    return 引き継ぎ + timedelta(days=days)


def report(account: Account, at: datetime, limits: Limits | None = None) -> dict[str, Any]:
    document = HealthView.fold(list(account.pending_events))
    assert document is not None
    return health_report(document, at, limits=limits)


def flags(account: Account, at: datetime, limits: Limits | None = None
          ) -> dict[str, dict[str, Any]]:
    return {w["code"]: w for w in report(account, at, limits)["warnings"]}


def all_flags(account: Account, at: datetime) -> list[dict[str, Any]]:
    return list(report(account, at)["warnings"])


def said(flag: dict[str, Any]) -> str:
    """The flag as people read it, from its facts (api/web/labels.py)."""
    return warning_words(flag, People(Directory()))


# ---------------------------------------------------------------------- small talk


def test_温かい前任のあと後任の改まった最初の訪問は冷え込みとされない() -> None:
    account = opened()
    visits_before_handover(account, [True] * 7)
    hand_over(account)
    for days in (2, 16, 30):  # 鈴木さん's first visits: formal, as first visits are
        visit(account, 鈴木さん, after(days))

    found = flags(account, after(31))

    assert "small_talk_declining" not in found and "small_talk_low" not in found


def test_同じ訪問が一人の担当期間の中なら冷え込みとして出る() -> None:
    account = opened()
    visits_before_handover(account, [True] * 7 + [False] * 3)

    found = flags(account, 引き継ぎ - timedelta(days=6))

    assert said(found["small_talk_declining"]) == "雑談が減っています (100% → 40%)"
    assert len(found["small_talk_declining"]["event_ids"]) == 10


def test_雑談のない訪問が続くと減少がなくても警告が出る() -> None:
    account = opened()
    visits_before_handover(account, [False] * 10)  # no drop inside the window: always 0

    found = flags(account, 引き継ぎ - timedelta(days=6))

    assert "small_talk_declining" not in found
    low = found["small_talk_low"]
    assert said(low) == "雑談の少ない訪問が続いています (直近5回で0%)"
    assert len(low["event_ids"]) == 5


def test_雑談が時々あれば低いままとはされない() -> None:
    account = opened()
    visits_before_handover(account, [False, True, False, True, False])

    assert "small_talk_low" not in flags(account, 引き継ぎ - timedelta(days=6))


def test_後任の訪問でも雑談のない状態が続けば警告が出る() -> None:
    account = opened()
    visits_before_handover(account, [True] * 5)
    hand_over(account)
    for days in range(2, 60, 14):  # five formal visits of his own
        visit(account, 鈴木さん, after(days))

    low = flags(account, after(60))["small_talk_low"]

    assert set(low["event_ids"]) <= {v for v in _visit_ids(account, "suzuki")}


def test_メールの雑談は数えない() -> None:
    account = opened()
    visits_before_handover(account, [False] * 5)
    for days in range(1, 6):  # cheerful e-mails afterwards: small talk means nothing there
        visit(account, 佐藤さん, 引き継ぎ - timedelta(days=7) + timedelta(hours=days),
              small_talk=True, channel="email")

    low = flags(account, 引き継ぎ - timedelta(days=6))["small_talk_low"]

    assert len(low["event_ids"]) == 5
    assert not set(low["event_ids"]) & set(_visit_ids(account, "sato", "email"))


def _visit_ids(account: Account, rep: str, channel: str = "in_person") -> list[str]:
    return [str(e.event_id) for e in account.pending_events
            if isinstance(e, Account.VisitRecorded) and e.recorded_by == rep
            and e.channel == channel]


# ---------------------------------------------------------------------- requests


def _request_on(days_ago: int) -> tuple[Account, str]:
    account = opened()
    visits_before_handover(account, [True] * 3)
    request_id = account.receive_request(佐藤さん, 引き継ぎ - timedelta(days=days_ago),
                                         kind="rush_delivery", detail="来月分を前倒しで")
    return account, request_id


def test_12日前の要望に回答がなければ警告が出る() -> None:
    account, _ = _request_on(12)

    found = flags(account, 引き継ぎ)["request_unanswered"]

    assert said(found) == "お客様の要望に12日回答していません (2026-03-20受付)"
    assert found["severity"] == "medium" and len(found["event_ids"]) == 1


def test_要望の期限は設定で変わり回答すれば警告は消える() -> None:
    account, request_id = _request_on(5)
    assert "request_unanswered" not in flags(account, 引き継ぎ)

    account, request_id = _request_on(12)
    assert "request_unanswered" not in flags(account, 引き継ぎ,
                                             Limits(request_unanswered_days=14))

    account.answer_request(佐藤さん, 引き継ぎ - timedelta(days=1), request_id=request_id,
                           answer="declined")
    assert "request_unanswered" not in flags(account, 引き継ぎ)


# ---------------------------------------------------------------------- the decision-maker


def _with_decision_maker() -> Account:
    account = opened()
    account.add_stakeholder(佐藤さん, 始まり, name=山田部長, title="製造部長",
                            decision_power=True, stance="neutral")
    return account


def test_決裁者が直近3回の訪問に同席していなければ警告が出る() -> None:
    account = _with_decision_maker()
    visit(account, 佐藤さん, 引き継ぎ - timedelta(days=60), attendees=("山田 一郎 部長",))
    for days_before in (45, 30, 15):
        visit(account, 佐藤さん, 引き継ぎ - timedelta(days=days_before))

    found = flags(account, 引き継ぎ - timedelta(days=14))["decision_maker_absent"]

    assert said(found) == "決裁者の山田 一郎様が直近3回の訪問に同席していません"
    assert len(found["event_ids"]) == 1 + 3  # the stakeholder, the three visits


def test_決裁者が一度でも同席していれば警告は出ない() -> None:
    account = _with_decision_maker()
    visit(account, 佐藤さん, 引き継ぎ - timedelta(days=45), attendees=("山田 一郎 部長", "田中様"))
    visit(account, 佐藤さん, 引き継ぎ - timedelta(days=30))
    visit(account, 佐藤さん, 引き継ぎ - timedelta(days=15))
    for hours in (1, 2, 3):  # e-mails and calls are no meetings to attend
        visit(account, 佐藤さん, 引き継ぎ - timedelta(days=14, hours=-hours), channel="email")

    assert "decision_maker_absent" not in flags(account, 引き継ぎ - timedelta(days=13))


def test_決裁者の不在は後任の訪問で数える() -> None:
    account = _with_decision_maker()
    for days_before in (45, 30, 15):
        visit(account, 佐藤さん, 引き継ぎ - timedelta(days=days_before),
              attendees=("山田 一郎 部長",))
    hand_over(account)
    visit(account, 鈴木さん, after(2))
    visit(account, 鈴木さん, after(16))
    assert "decision_maker_absent" not in flags(account, after(17))  # two of his own only

    visit(account, 鈴木さん, after(30))
    assert "decision_maker_absent" in flags(account, after(31))


def test_決裁者が離れたあとは不在の警告は出ない() -> None:
    account = _with_decision_maker()
    (stakeholder_id,) = account.stakeholders
    account.stakeholder_left(佐藤さん, 引き継ぎ - timedelta(days=50), stakeholder_id=stakeholder_id)
    for days_before in (45, 30, 15):
        visit(account, 佐藤さん, 引き継ぎ - timedelta(days=days_before))

    assert "decision_maker_absent" not in flags(account, 引き継ぎ - timedelta(days=14))


# ---------------------------------------------------------------------- the supporter


def _stakeholder_left(stance: str, days_ago: int) -> Account:
    account = opened()
    stakeholder_id = account.add_stakeholder(佐藤さん, 始まり, name="山田 花子", title="購買担当",
                                             stance=stance)
    account.stakeholder_left(佐藤さん, 引き継ぎ - timedelta(days=days_ago),
                             stakeholder_id=stakeholder_id, reason="退職")
    return account


def test_協力的な担当者が離れると警告が出る() -> None:
    found = flags(_stakeholder_left("supportive", 30), after(10))["supporter_left"]

    assert said(found) == "協力的だった山田 花子様が2026-03-02に離れました"
    assert len(found["event_ids"]) == 2  # added, left


def test_中立の担当者や昔の離任では警告は出ない() -> None:
    assert "supporter_left" not in flags(_stakeholder_left("neutral", 30), after(10))
    assert "supporter_left" not in flags(_stakeholder_left("supportive", 120), after(10))


# ---------------------------------------------------------------------- concessions


def _concede(account: Account, rep: Any, when: datetime, concession: str) -> None:
    request_id = account.receive_request(rep, when, kind="discount", detail="単価の見直し")
    account.answer_request(rep, when + timedelta(days=1), request_id=request_id,
                           answer="partly", concession=concession)


def test_後任の担当期間で譲歩が繰り返されると警告が出る() -> None:
    account = opened()
    hand_over(account)
    _concede(account, 鈴木さん, after(10), "値下げ 3%")
    _concede(account, 鈴木さん, after(40), "送料無料（今回限り）")

    found = flags(account, after(45))["concessions_repeated"]

    assert said(found) == "2026-04-01以降に譲歩が2回あります (前例になります)"
    assert len(found["event_ids"]) == 4


def test_前任の譲歩は後任の繰り返しに数えない() -> None:
    account = opened()
    _concede(account, 佐藤さん, 引き継ぎ - timedelta(days=30), "値下げ 3%")
    hand_over(account)
    _concede(account, 鈴木さん, after(10), "送料無料（今回限り）")

    assert "concessions_repeated" not in flags(account, after(45))


# ---------------------------------------------------------------------- promises


def test_引き継いだ約束が破られても後任の約束違反には数えない() -> None:
    account = opened()
    inherited = [account.make_promise(佐藤さん, 引き継ぎ - timedelta(days=10),
                                      description=f"見積り{n}を送る", made_to="山田部長",
                                      due_date=after(5).date()) for n in (1, 2)]
    hand_over(account)
    for promise_id in inherited:
        account.close_promise(鈴木さん, after(8), promise_id=promise_id, outcome="broken")
    assert "promises_broken" not in flags(account, after(9))

    own = [account.make_promise(鈴木さん, after(10), description=f"サンプル{n}を届ける",
                                made_to="山田部長", due_date=after(15).date()) for n in (1, 2)]
    for promise_id in own:
        account.close_promise(鈴木さん, after(16), promise_id=promise_id, outcome="broken")

    found = flags(account, after(17))["promises_broken"]
    assert said(found) == "鈴木 一郎さんが90日以内に約束を2回破っています"
    assert found["user_id"] == "suzuki"
    assert len(found["event_ids"]) == 4


class Directory:
    def get_user(self, user_id: str) -> User:
        names = {"sato": "佐藤 健", "suzuki": "鈴木 一郎"}
        if user_id not in names:
            raise UserNotFound(user_id)
        return User(user_id, names[user_id], Role.REP.value, "hash", "admin")


def test_人を名指す警告は利用者IDを持ち読む人には名前で出る() -> None:
    account = opened()
    account.make_promise(佐藤さん, 引き継ぎ - timedelta(days=10), description="カタログを送る",
                         made_to="山田部長", due_date=(引き継ぎ - timedelta(days=2)).date())
    hand_over(account)

    overdue = flags(account, after(1))["promise_overdue"]
    assert overdue["user_id"] == "sato"
    assert overdue["facts"] == {"due_date": (引き継ぎ - timedelta(days=2)).date().isoformat()}
    assert "message" not in overdue, "words are the reader's, rendered from the facts"
    (named,) = named_warnings([overdue], People(Directory()))
    assert "佐藤 健さんの約束" in named["message"] and named["user_id"] == "sato"
    assert named["user_name"] == "佐藤 健"



def test_every_warning_code_has_its_words_and_only_those_naming_a_user_say_who() -> None:
    assert set(WARNING_MESSAGES_JA) == set(WarningCode)
    naming = {code for code, words in WARNING_MESSAGES_JA.items() if "{person}" in words}
    assert naming == {WarningCode.PROMISE_OVERDUE, WarningCode.PROMISES_BROKEN}
    assert all("さん" not in words for code, words in WARNING_MESSAGES_JA.items()
               if code not in naming)


# ---------------------------------------------------------------------- month by month


def test_月ごとの健全度は担当期間ごとの線になり後任の最初の月は後任だけで測る() -> None:
    account = opened()
    for offset in range(0, (引き継ぎ - 始まり).days, 14):
        visit(account, 佐藤さん, 始まり + timedelta(days=offset), small_talk=True)
    hand_over(account)
    for days in range(2, 60, 14):
        visit(account, 鈴木さん, after(days))
    document = HealthView.fold(list(account.pending_events))
    assert document is not None
    months = trends.last_months(after(60), 6)

    points = trends.health_by_month(document, months)

    assert [p.tenure for p in points] == [0, 0, 0, 0, 1, 1]
    assert [p.rep_id for p in points] == ["sato"] * 4 + ["suzuki"] * 2
    april_end = months[4][1]
    assert points[4].value == health_score.score_tenure(document, 1, april_end)["score"]
    drawn = charts.health_over_time(points)
    assert drawn.count("<polyline") == 2 and "引き継ぎ" in drawn


def test_月ごとの健全度は直近の月の冷え込みを隠さない() -> None:
    account = opened()
    for offset in range(0, (引き継ぎ - 始まり).days, 14):
        when = 始まり + timedelta(days=offset)
        visit(account, 佐藤さん, when, small_talk=True)
        promise_id = account.make_promise(佐藤さん, when, description="見積りを送る",
                                          made_to="山田部長",
                                          due_date=(when + timedelta(days=3)).date())
        cooling = when > 引き継ぎ - timedelta(days=100)  # his last months: promises broken
        account.close_promise(佐藤さん, when + timedelta(days=4 if cooling else 2),
                              promise_id=promise_id, outcome="broken" if cooling else "kept")
    document = HealthView.fold(list(account.pending_events))
    assert document is not None
    months = trends.last_months(引き継ぎ - timedelta(days=1), 8)

    points = trends.health_by_month(document, months)

    whole_tenure = health_score.score_tenure(document, 0, months[-1][1])["score"]
    assert points[0].value is not None and points[-1].value is not None
    assert points[-1].value < whole_tenure < points[0].value
