"""The three-year story of 株式会社山田製作所, checked view by view, on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.application import Tsunagi
from projections.dossier import DossierView, present
from projections.health import HealthView, health_report
from projections.history import HistoryView
from projections.relationship import RelationshipView
from projections.route import RouteView
from projections.runner import Projector
from tests.conftest import Clock
from tests.three_years import Story, jst, 三年間


@pytest.fixture
def story(store: Tsunagi, clock: Clock, projector: Projector) -> Story:
    told = 三年間(store, clock)
    projector.catch_up()
    return told


def event_ids_in(value: Any) -> set[str]:
    """Every event id cited anywhere in a view document."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "event_ids":
                found.update(item)
            elif key == "event_id" and isinstance(item, str):
                found.add(item)
            else:
                found |= event_ids_in(item)
    elif isinstance(value, list):
        for item in value:
            found |= event_ids_in(item)
    return found


def all_history(history: HistoryView, account_id: str) -> list[dict[str, Any]]:
    items, cursor = [], 0
    while True:
        page = history.page(account_id, limit=37, after_version=cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        cursor = int(page.next_cursor)


def test_relationship_view(story: Story, projector: Projector) -> None:
    relationship: RelationshipView = projector["relationship"]  # type: ignore[assignment]
    view = relationship.document(str(story.account_id))
    assert view is not None
    assert view["name"] == "株式会社山田製作所"
    assert view["owner_rep_id"] == "suzuki"
    assert view["successor_rep_id"] is None and view["handover"] is None
    assert view["last_visit_at"] == "2026-11-12T14:00:00+09:00"
    assert view["next_visit_due"] == "2026-11-26"
    assert [p["description"] for p in view["open_promises"]] == [
        "工場見学の手配", "見積りを再提出する"]
    assert [c["subject"] for c in view["open_complaints"]] == ["部品の色違い"]
    assert view["open_complaints"][0]["status"] == "acknowledged"
    assert view["contract"]["contract_end"] == "2027-03-31"
    assert view["contract"]["annual_value_jpy"] == 5_040_000
    assert view["version"] == projector.app.get_account(story.account_id).version


def test_history_view(story: Story, projector: Projector) -> None:
    history: HistoryView = projector["history"]  # type: ignore[assignment]
    items = all_history(history, str(story.account_id))
    stored = list(projector.app.events.get(story.account_id))
    assert [(i["version"], i["event_id"]) for i in items] == [
        (e.originator_version, str(e.event_id)) for e in stored  # type: ignore[attr-defined]
    ]
    assert items[0]["kind"] == "account_opened"
    assert items[0]["data"]["name"] == "株式会社山田製作所"

    promises = history.page(str(story.account_id), kinds=["promise_made"], limit=500).items
    assert [p["data"]["description"] for p in promises] == [
        "カタログを送る", "サンプルを持参する", "年末の在庫を確保する", "工場見学の手配",
        "見積りを再提出する",
    ]
    corrected = next(p for p in promises if p["data"]["description"] == "年末の在庫を確保する")
    assert corrected["data"]["made_to"] == "中村さん", "the original stays as it was recorded"
    assert len(corrected["corrected_by"]) == 1

    in_june_2024 = history.page(str(story.account_id), occurred_from="2024-06-01T00:00:00",
                                occurred_to="2024-07-01T00:00:00", limit=500).items
    assert {i["kind"] for i in in_june_2024} >= {"complaint_received", "complaint_resolved"}


def test_route_view(story: Story, projector: Projector) -> None:
    route_view: RouteView = projector["route"]  # type: ignore[assignment]
    today = route_view.route("suzuki", date(2026, 11, 20))
    assert today.visits_due == []
    assert [p["description"] for p in today.promises_due] == [
        "工場見学の手配", "見積りを再提出する"]
    assert today.promises_due[0]["overdue_days"] == 396
    assert [c["subject"] for c in today.complaints_open] == ["部品の色違い"]
    assert [(h["name"], h["role"]) for h in today.handovers] == [("株式会社田中商店", "to")]

    in_two_weeks = route_view.route("suzuki", date(2026, 12, 5))
    assert [(v["name"], v["overdue_days"]) for v in in_two_weeks.visits_due] == [
        ("株式会社山田製作所", 9)]

    sato = route_view.route("sato", date(2026, 11, 20))
    assert [v["name"] for v in sato.visits_due] == ["株式会社田中商店"]
    assert [(h["name"], h["role"]) for h in sato.handovers] == [("株式会社田中商店", "from")]
    assert sato.promises_due == [], "the predecessor no longer carries the account's promises"


def test_dossier_view(story: Story, projector: Projector) -> None:
    dossier_view: DossierView = projector["dossier"]  # type: ignore[assignment]
    document = dossier_view.document(str(story.account_id))
    assert document is not None
    dossier = present(document, jst(2026, 11, 20))

    assert dossier["account"]["name"] == "株式会社山田製作所"
    assert [(t["rep_id"], t["status"]) for t in dossier["tenures"]] == [
        ("sato", "closed"), ("suzuki", "active")]
    assert dossier["tenures"][1]["reason"] == "佐藤さんの大阪支店への異動"
    assert [p["precedent"] for p in dossier["precedents"]] == [
        "値下げ: 値下げ 3% を了承 (一部了承, 2024-04)"]
    delivery = next(c for c in dossier["complaints"] if c["subject"] == "納品遅延")
    assert delivery["concession"] == "次回納品分を3%値引き"
    assert (delivery["response_hours"], delivery["resolution_hours"]) == (1.5, 72.0)
    assert {c["text"] for c in dossier["cautions"]} == {
        "月末は検収で忙しいので訪問は避ける", "競合A社の話題は禁句"}
    opinion = next(n for n in dossier["notes"] if n["kind"] == "opinion")
    assert (opinion["basis"], opinion["author"]) == ("opinion", "sato")
    yamada = next(s for s in dossier["stakeholders"] if s["name"] == "山田 一郎")
    assert yamada["decision_power"] is True
    assert yamada["last_contact"]["at"] == "2026-11-12T14:00:00+09:00"
    assert [r["annual_value_jpy"] for r in dossier["renewals"]] == [4_800_000, 5_040_000,
                                                                   5_040_000]
    assert dossier["renewals"][1]["change_pct"] == 5.0
    history = all_history(projector["history"], str(story.account_id))  # type: ignore[arg-type]
    assert dossier["rhythm"]["visits_total"] == sum(
        1 for i in history if i["kind"] == "visit_recorded")
    assert {"promise_overdue", "complaint_unanswered"} & {w["code"] for w in dossier["warnings"]}

    history_ids = {i["event_id"] for i in history}
    cited = event_ids_in(dossier)
    assert cited and cited <= history_ids, "every item names events that exist"
    for section in ("open_promises", "complaints", "requests", "stakeholders", "notes",
                    "cautions", "renewals", "proposals"):
        for item in dossier[section]:
            assert item["event_ids"] and item["author"] and item["basis"] in ("fact", "opinion")


def test_the_acknowledged_dossier_is_frozen_as_it_stood(story: Story,
                                                        projector: Projector) -> None:
    dossier_view: DossierView = projector["dossier"]  # type: ignore[assignment]
    frozen = dossier_view.acknowledged(str(story.account_id), story.handover_id)
    assert frozen is not None
    assert frozen["acknowledged_by"] == "suzuki"
    assert frozen["dossier_version"] == story.ack_version - 1

    events = list(projector.app.events.get(story.account_id, lte=story.ack_version))
    acknowledgement = events.pop()
    as_it_stood = present(DossierView.fold(events), acknowledgement.occurred_at)  # type: ignore[arg-type, attr-defined]
    assert frozen["dossier"] == as_it_stood
    assert frozen["dossier"]["handover"]["to_rep_id"] == "suzuki"
    assert "dossier_acknowledged" not in frozen["dossier"]["handover"]["steps"]


def test_health_is_split_by_tenure(story: Story, projector: Projector) -> None:
    health_view: HealthView = projector["health"]  # type: ignore[assignment]
    document = health_view.document(str(story.account_id))
    assert document is not None
    report = health_report(document, jst(2026, 11, 20))
    sato, suzuki = report["tenures"]
    assert (sato["rep_id"], sato["status"]) == ("sato", "closed")
    assert (suzuki["rep_id"], suzuki["status"]) == ("suzuki", "active")
    assert sato["health"] == document["tenures"][0]["frozen"], "frozen at handover"

    components = {c["name"]: c for c in suzuki["health"]["components"]}
    suzuki_cited = {i for c in components.values() for i in c["event_ids"]}
    assert not suzuki_cited & set(story.cooling_visit_ids), "never scored on sato's visits"
    assert components["cadence"]["value"] >= 0.9
    assert components["complaints"]["value"] is not None
    assert suzuki["health"]["score"] > sato["health"]["score"]
    comparison = suzuki["comparison"]
    assert comparison["predecessor_rep_id"] == "sato"
    assert comparison["same_length"]["score"] is not None
    assert comparison["same_season_last_year"]["from"] == "2025-01-05"

    ramp_up = health_report(document, jst(2026, 2, 1))
    assert ramp_up["tenures"][1]["status"] == "ramp_up"


def test_warnings_cite_the_events_that_raised_them(story: Story, projector: Projector) -> None:
    events = list(projector.app.events.get(story.account_id))
    initiated = next(e for e in events if type(e).__name__ == "HandoverInitiated")
    document = HealthView.fold(events[:initiated.originator_version - 1])
    assert document is not None
    flags = {w["code"]: w for w in health_report(document, jst(2025, 11, 30))["warnings"]}
    assert set(flags["small_talk_declining"]["event_ids"]) & set(story.cooling_visit_ids)
    assert set(flags["lateness"]["event_ids"]) <= set(story.cooling_visit_ids)
    assert flags["promise_overdue"]["facts"]["due_date"] == "2025-10-20"


def test_live_views_equal_views_rebuilt_from_the_log(story: Story,
                                                     projector: Projector) -> None:
    live = {name: view.dump() for name, view in projector.by_name.items()}
    assert all(live.values())
    rebuilt_count = projector.rebuild()
    assert rebuilt_count == story.events * len(projector.by_name)
    rebuilt = {name: view.dump() for name, view in projector.by_name.items()}
    assert rebuilt == live
