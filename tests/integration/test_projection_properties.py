"""On any history: views built live, in small interleaved batches, equal views rebuilt from the
log in one go, and each account's document equals a replay of that account's events."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.bootstrap import build_views
from api.settings import Settings
from domain.application import Tsunagi
from domain.errors import DomainError
from projections.base import AccountDocumentView
from projections.runner import Projector
from tests.conftest import Clock, 佐藤さん, 田中課長, 鈴木さん

ACTORS = [佐藤さん, 鈴木さん, 田中課長]

command = st.one_of(
    st.tuples(st.just("visit"), st.integers(0, 2), st.integers(0, 40), st.booleans(),
              st.integers(0, 30)),
    st.tuples(st.just("promise"), st.integers(0, 2), st.integers(-10, 30)),
    st.tuples(st.just("close_promise"), st.integers(0, 2),
              st.sampled_from(["kept", "broken", "cancelled"])),
    st.tuples(st.just("complaint"), st.integers(0, 2), st.sampled_from(["low", "high"])),
    st.tuples(st.just("resolve"), st.integers(0, 2), st.integers(1, 200)),
    st.tuples(st.just("request"), st.integers(0, 2),
              st.sampled_from(["accepted", "partly", "declined"])),
    st.tuples(st.just("renew"), st.integers(0, 2), st.integers(30, 800)),
    st.tuples(st.just("handover"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("correct_visit"), st.integers(0, 2), st.integers(1, 20)),
    st.tuples(st.just("note"), st.integers(0, 2), st.sampled_from(["fact", "opinion"])),
    st.tuples(st.just("project"), st.sampled_from(["relationship", "history", "route",
                                                   "dossier", "health"])),
)


def run(store: Tsunagi, clock: Clock, accounts: list[Any], projector: Projector,
        step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "project":
        projector.run_batch(step[1])
        return
    account = accounts[step[1]]
    owner = store.get_account(account)
    actor = next(a for a in ACTORS if a.user_id == owner.owner_rep_id)
    clock.advance(hours=7)
    now = clock.now
    if kind == "visit":
        store.record_visit(actor, account, occurred_at=now - timedelta(days=step[2]),
                           purpose="定期訪問", summary="", small_talk=step[3],
                           minutes_late=step[4])
    elif kind == "promise":
        store.make_promise(actor, account, description="見積り送付", made_to="山田部長",
                           due_date=(now + timedelta(days=step[2])).date())
    elif kind == "close_promise" and owner.promises:
        open_ids = [p for p, s in owner.promises.items() if s.status == "open"]
        if open_ids:
            store.close_promise(actor, account, promise_id=open_ids[0], outcome=step[2])
    elif kind == "complaint":
        store.receive_complaint(actor, account, received_at=now - timedelta(hours=3),
                                subject="納品遅延", severity=step[2])
    elif kind == "resolve":
        open_ids = [c for c, s in owner.complaints.items() if not s.resolved]
        if open_ids:
            store.resolve_complaint(actor, account, complaint_id=open_ids[0],
                                    resolved_at=now, resolution="対応済み")
    elif kind == "request":
        request = store.receive_request(actor, account, kind="discount", detail="値下げ")
        store.answer_request(actor, account, request_id=request.item_id, answer=step[2],
                             concession="" if step[2] == "declined" else "2%値引き")
    elif kind == "renew":
        store.renew_contract(actor, account, renewed_at=now, terms="年間保守",
                             contract_end=(now + timedelta(days=step[2])).date(),
                             annual_value_jpy=1_000_000 + step[2])
    elif kind == "handover":
        successor = "suzuki" if owner.owner_rep_id == "sato" else "sato"
        if owner.open_handover_id is None:
            store.initiate_handover(田中課長, account, to_rep_id=successor, reason="担当替え",
                                    effective_at=now)
        elif step[2]:
            store.complete_handover(田中課長, account, handover_id=owner.open_handover_id)
        else:
            store.cancel_handover(田中課長, account, handover_id=owner.open_handover_id,
                                  reason="延期")
    elif kind == "correct_visit":
        visits = [e for e in store.events.get(account) if type(e).__name__ == "VisitRecorded"]
        if visits:
            target = visits[-1]
            store.correct_record(actor, account, corrected_event_id=target.event_id,  # type: ignore[attr-defined]
                                 corrected_version=target.originator_version,
                                 corrections={"occurred_at": now - timedelta(days=step[2]),
                                              "small_talk": True},
                                 reason="日時の誤記")
    elif kind == "note":
        store.add_note(actor, account, text="月末は避ける", kind=step[2], topic="caution")


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=st.lists(command, min_size=1, max_size=40), batch=st.integers(1, 9))
def test_live_views_equal_rebuilt_views_and_replays(store: Tsunagi, settings: Settings,
                                                   clock: Clock, steps: list[Any],
                                                   batch: int) -> None:
    projector = Projector(store, build_views(store, settings), batch_size=batch)
    projector.catch_up()  # whatever earlier examples left
    accounts = [
        store.open_account(田中課長, name=f"株式会社テスト{n}", owner_rep_id="sato",
                           visit_cadence_days=7 + n).account_id
        for n in range(3)
    ]
    for step in steps:
        with suppress(DomainError):  # a refused command records nothing: also a history
            run(store, clock, accounts, projector, step)
    projector.catch_up()
    live = {name: view.dump() for name, view in projector.by_name.items()}

    for account in accounts:
        events = list(store.events.get(account))
        for view in projector.by_name.values():
            if isinstance(view, AccountDocumentView):
                assert view.document(str(account)) == _json_round_trip(view.fold(events))

    projector.batch_size = 500
    projector.rebuild()
    assert {name: view.dump() for name, view in projector.by_name.items()} == live
    projector.close()


def _json_round_trip(document: Any) -> Any:
    import json

    return json.loads(json.dumps(document, ensure_ascii=False, sort_keys=True))

