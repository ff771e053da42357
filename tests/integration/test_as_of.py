"""An account as it stood at any instant equals a replay of the log up to that instant."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import Tsunagi
from projections.asof import as_of, fold
from projections.base import CHECKPOINT_EVERY
from projections.records import utc_key
from projections.runner import Projector
from tests.conftest import 鈴木さん
from tests.stories import 山田製作所の三年間


def json_round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True))


def a_long_history(store: Tsunagi, projector: Projector) -> tuple[Any, list[Any]]:
    account = 山田製作所の三年間()
    store.save(*account.collect_events())
    for n in range(2 * CHECKPOINT_EVERY + 37):  # 鈴木さん owns it by the end of the story
        store.add_note(鈴木さん, account.id, text=f"メモ {n}")
    projector.catch_up()
    return account.id, list(store.events.get(account.id))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_as_of_any_recorded_instant_equals_a_replay(store: Tsunagi, projector: Projector,
                                                    data: st.DataObject) -> None:
    if not hasattr(store, "_long_history"):
        store._long_history = a_long_history(store, projector)  # type: ignore[attr-defined]
    account_id, events = store._long_history  # type: ignore[attr-defined]
    index = data.draw(st.integers(0, len(events) - 1))
    nudge = data.draw(st.sampled_from([timedelta(0), timedelta(microseconds=1)]))
    at = events[index].timestamp + nudge
    replay = fold(e for e in events if e.timestamp <= at)
    assert json_round_trip(as_of(store, projector.by_name, account_id, at)) == \
        json_round_trip(replay)


def test_before_the_account_existed_there_is_nothing(store: Tsunagi,
                                                     projector: Projector) -> None:
    account = 山田製作所の三年間()
    events = account.collect_events()
    store.save(*events)
    projector.catch_up()
    before = events[0].timestamp - timedelta(seconds=1)
    assert as_of(store, projector.by_name, account.id, before) is None


def test_as_of_by_occurred_time_counts_late_records_from_when_they_happened(
        store: Tsunagi, projector: Projector) -> None:
    account = 山田製作所の三年間()
    store.save(*account.collect_events())
    events = list(store.events.get(account.id))
    opened = events[0]
    first_visit = next(e for e in events if type(e).__name__ == "VisitRecorded")
    at = first_visit.occurred_at + timedelta(minutes=1)  # type: ignore[attr-defined]
    known = as_of(store, None, account.id, at, basis="occurred")
    assert known is not None
    assert known["relationship"]["last_visit_at"] == first_visit.occurred_at.isoformat()  # type: ignore[attr-defined]
    assert known["relationship"]["version"] == max(
        e.originator_version for e in events if e.occurred_at <= at)  # type: ignore[attr-defined]
    assert as_of(store, None, account.id, opened.occurred_at - timedelta(days=1),  # type: ignore[attr-defined]
                 basis="occurred") is None


def test_as_of_starts_from_a_checkpoint_both_views_kept_and_folds_only_what_follows(
        store: Tsunagi, projector: Projector) -> None:
    account_id, events = a_long_history(store, projector)
    at = events[2 * CHECKPOINT_EVERY + 10].timestamp
    replay = json_round_trip(fold(e for e in events if e.timestamp <= at))
    relationship = projector["relationship"]
    assert relationship.checkpoint(str(account_id), utc_key(at))[0] == 2 * CHECKPOINT_EVERY  # type: ignore[attr-defined]
    assert json_round_trip(as_of(store, projector.by_name, account_id, at)) == replay

    projector.by_name["dossier"].drop(store.name)  # the dossier view rebuilding: no checkpoints
    assert projector["dossier"].checkpoint_at(str(account_id), 2 * CHECKPOINT_EVERY) is None  # type: ignore[attr-defined]
    assert json_round_trip(as_of(store, projector.by_name, account_id, at)) == replay
