"""Health evidence stays small however long the account's history, and scores what a
straightforward count over every promise and complaint would score."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.account import Account
from projections.dossier import DossierView
from projections.health import HealthView
from projections.health_score import EVIDENCE_LISTED, score_tenure
from tests.conftest import JST, 佐藤さん, 田中課長
from tests.stories import 山田製作所の三年間

始まり = datetime(2024, 4, 1, 9, 0, tzinfo=JST)

# Each step is a day: make a promise due in `due_in` days, and maybe close the oldest open one.
step = st.tuples(st.integers(0, 20), st.sampled_from([None, "kept", "broken", "cancelled"]))


def 山田製作所(steps: list[tuple[int, str | None]]) -> tuple[Account, list[dict[str, object]]]:
    """An account and, beside it, a plain record of every promise (the reference)."""
    account = Account.open(田中課長, 始まり, name="株式会社山田製作所", owner_rep_id="sato",
                           visit_cadence_days=7)
    promises: list[dict[str, object]] = []
    for day, (due_in, outcome) in enumerate(steps):
        now = 始まり + timedelta(days=day)
        promise_id = account.make_promise(佐藤さん, now, description="見積りを送る",
                                          made_to="山田部長",
                                          due_date=now.date() + timedelta(days=due_in))
        promises.append({"id": promise_id, "made_on": now.date(),
                         "due": now.date() + timedelta(days=due_in), "outcome": None})
        still_open = [p for p in promises if p["outcome"] is None]
        if outcome and still_open:
            oldest = still_open[0]
            account.close_promise(佐藤さん, now, promise_id=oldest["id"], outcome=outcome)
            oldest.update(outcome=outcome, closed_on=now.date())
    return account, promises


def counted_by_hand(promises: list[dict[str, object]], start: date,
                    end: date) -> tuple[int, int]:
    kept = sum(1 for p in promises if p["outcome"] == "kept"
               and start <= p["closed_on"] < end)  # type: ignore[operator]
    broken = sum(1 for p in promises if p["outcome"] == "broken"
                 and start <= p["closed_on"] < end)  # type: ignore[operator]
    overdue = sum(1 for p in promises if p["outcome"] is None
                  and p["due"] < end and p["made_on"] >= start)  # type: ignore[operator]
    return kept, broken + overdue


@settings(max_examples=60, deadline=None)
@given(st.lists(step, min_size=1, max_size=60), st.integers(0, 60), st.integers(1, 60))
def test_約束の評価は全件を数えた結果と同じ(steps: list[tuple[int, str | None]], offset: int,
                                   length: int) -> None:
    account, promises = 山田製作所(steps)
    document = HealthView.fold(account.collect_events())
    assert document is not None
    start = 始まり.date() + timedelta(days=offset)
    end = start + timedelta(days=length)
    at = datetime.combine(end, datetime.min.time(), JST)
    component = next(c for c in score_tenure(document, 0, at, start=start, end=end)["components"]
                     if c["name"] == "promises")
    kept, broken = counted_by_hand(promises, start, end)
    assert component["detail"] == (f"守った約束 {kept} / 破った・期限切れ {broken}"
                                   if kept + broken else "評価できる約束なし")
    assert len(component["event_ids"]) <= EVIDENCE_LISTED


def test_十年分の約束でも健康度の根拠は大きくならない() -> None:
    """Three thousand promises made and kept weigh no more than three hundred."""

    def size(days: int) -> int:
        account, _ = 山田製作所([(3, "kept")] * days)
        document = HealthView.fold(account.collect_events())
        tenure = document["tenures"][0]  # type: ignore[index]
        del tenure["promise_days"]  # one entry per calendar day, like visit days
        return len(json.dumps(document))

    assert size(3000) <= size(300) * 1.05


def test_引き継ぎ資料の健康度の根拠は健康度ビューの文書と同じ() -> None:
    """The dossier's copy of the evidence is the health view's document after every event
    of an account that lived through every kind (projections.dossier says why a copy)."""
    events = list(山田製作所の三年間().collect_events())
    for seen in range(1, len(events) + 1):
        dossier = DossierView.fold(events[:seen])
        assert dossier is not None
        assert dossier["health"] == HealthView.fold(events[:seen]), events[seen - 1]
