"""Write a release's compatibility fixture: a small store holding every stored event kind.

    python -m tests.compat.make_fixture --release 2026-12-01-main-0.1.0 \
        --out tests/compat/releases/2026-12-01-main-0.1.0

Run it once per release that changes events, into a new directory beside the older ones;
never regenerate or delete an older fixture (tests/compat/test_stored_events_are_forever.py
opens each with today's code). Everything is written through the application's own
commands (and `tsunagi demo`'s generator), on SQLite, with a fixed clock:

- ``tsunagi.db``: the SQLite store as this release left it (events, snapshots, views);
- ``stored_events.jsonl``: every stored row (events and snapshots) with its topic, state as
  text and chain hashes, to load into PostgreSQL exactly as stored;
- ``export.jsonl``: the audit timeline (`tsunagi export`), as this release exported it;
- ``views.json``: every view's rows (``View.dump()``) and shape, as this release built them;
- ``fixture.json``: which release wrote it, and how many rows of each topic.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any
from uuid import UUID

from api.bootstrap import build_application, build_views
from api.demo import generate, people, register
from api.settings import Settings
from audit.chain import chained, rows_of
from audit.export import stream, timeline
from domain.application import Tsunagi
from domain.idempotency import Idempotency
from domain.values import Actor, Role
from projections.runner import Projector

JST = timezone(timedelta(hours=9))
UNTIL = datetime(2026, 12, 1, 10, 0, tzinfo=JST)  # the demo's "now"
STORY_STARTS = datetime(2025, 6, 2, 9, 0, tzinfo=JST)
DEMO_SEED = 37  # one demo account of 72 events: the fixture stays small

ADMIN = Actor("admin", Role.ADMIN)
田中課長 = Actor("tanaka", Role.MANAGER)
佐藤さん = Actor("sato", Role.REP)
鈴木さん = Actor("suzuki", Role.REP)


class FixedClock:
    """Now, as the script says it is; each step moves it on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def step(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Story:
    account_id: UUID
    events: int


def write_store(app: Tsunagi, clock: FixedClock) -> Story:
    """Demo accounts, then 株式会社山田製作所's year: every kind the demo leaves out."""
    cast = people(2)
    register(app, cast)  # users: tanaka, ito, sato and suzuki (鈴木 一郎)
    generate(app, accounts=1, seed=DEMO_SEED, reps=2, until=UNTIL)
    app.issue_token(ADMIN, "sato")  # User.TokenIssued
    app.register_user(ADMIN, user_id="kobayashi", name="小林 誠", role="rep")
    app.deactivate_user(ADMIN, "kobayashi")  # User.Deactivated: he left
    return _yamada(app, clock)


def _yamada(app: Tsunagi, clock: FixedClock) -> Story:
    opened = app.open_account(
        田中課長, name="株式会社山田製作所", owner_rep_id="sato", visit_cadence_days=14,
        started_on=date(2023, 4, 1),  # the relationship began before Tsunagi
        idempotency=Idempotency("tanaka", "open-yamada-2025-06", "fixture-open-yamada"))
    yamada = opened.account_id
    clock.step(hours=1)
    app.agree_visit_cadence(佐藤さん, yamada, visit_cadence_days=7)
    lead, buyer = (app.add_stakeholder(佐藤さん, yamada, name=name, title=title,
                                       decision_power=power, stance=stance).item_id or ""
                   for name, title, power, stance in (
                       ("山田 健", "購買部長", True, "supportive"),
                       ("山本 花子", "資材担当", False, "neutral")))
    app.add_note(佐藤さん, yamada, text="月末は検収で忙しいので訪問は避ける",
                 kind="fact", topic="caution")
    app.change_details(佐藤さん, yamada, address="埼玉県川口市本町1-2-3",
                       phone="048-000-1234", area="県南")  # Account.DetailsChanged
    first_visit = app.record_visit(
        佐藤さん, yamada, occurred_at=clock.step(hours=1), purpose="定期訪問",
        summary="新ラインの立ち上げが遅れている", attendees=["山田 健"], small_talk=True,
        planned_at=clock.now - timedelta(minutes=15), next_action="見積書を送る")
    clock.step(days=1)
    promises = [app.make_promise(佐藤さん, yamada, description=text,
                                 due_date=(clock.now + timedelta(days=7)).date(),
                                 made_to="山田 健").item_id or ""
                for text in ("見積書を送る", "サンプルを持参する", "カタログを届ける",
                             "工場見学を手配する")]
    clock.step(days=1)
    app.renegotiate_promise(佐藤さん, yamada, promise_id=promises[0],
                            new_due_date=(clock.now + timedelta(days=14)).date(),
                            note="先方の決裁が遅れるため")
    app.close_promise(佐藤さん, yamada, promise_id=promises[0], outcome="kept")
    app.close_promise(佐藤さん, yamada, promise_id=promises[1], outcome="broken",
                      note="在庫切れ")
    app.close_promise(佐藤さん, yamada, promise_id=promises[2], outcome="cancelled",
                      note="不要になった")
    complaint = app.receive_complaint(
        佐藤さん, yamada, received_at=clock.step(hours=2), subject="納品遅延",
        detail="部品が二日遅れた", severity="high").item_id or ""
    clock.step(hours=1)
    app.acknowledge_complaint(佐藤さん, yamada, complaint_id=complaint, note="確認します")
    app.apologise_for_complaint(佐藤さん, yamada, complaint_id=complaint, note="電話で謝罪")
    app.propose_remedy(佐藤さん, yamada, complaint_id=complaint, remedy="次回送料当社負担")
    app.resolve_complaint(佐藤さん, yamada, complaint_id=complaint,
                          resolved_at=clock.step(hours=1), resolution="再発防止策で合意",
                          concession="次回3%値引き")
    request = app.receive_request(佐藤さん, yamada, kind="discount",
                                  detail="来期の単価を5%下げてほしい").item_id or ""
    app.answer_request(佐藤さん, yamada, request_id=request, answer="partly",
                       concession="値下げ 3% を了承", note="課長承認済み")
    proposal = app.give_proposal(佐藤さん, yamada, title="新製品のご案内",
                                 detail="省エネ型ポンプ", kind="proposal").item_id or ""
    app.record_reaction(佐藤さん, yamada, proposal_id=proposal, reaction="positive",
                        note="工場長にも見せたい")
    app.renew_contract(佐藤さん, yamada, renewed_at=clock.step(hours=1),
                       contract_end=date(2026, 6, 30), terms="年間保守・月次点検",
                       annual_value_jpy=4_800_000)
    app.change_stakeholder(佐藤さん, yamada, stakeholder_id=lead, stance="critical",
                           note="値上げに不満")
    app.stakeholder_left(佐藤さん, yamada, stakeholder_id=buyer, reason="退職")
    app.correct_record(佐藤さん, yamada, corrected_event_id=first_visit.event_id,
                       corrected_version=first_visit.version,
                       corrections={"summary": "新ラインの立ち上げが二週間遅れている"},
                       reason="聞き間違い")
    clock.step(days=1)
    cancelled = app.initiate_handover(田中課長, yamada, to_rep_id="suzuki", reason="担当替え",
                                      effective_at=clock.now).item_id or ""
    app.cancel_handover(田中課長, yamada, handover_id=cancelled, reason="人事異動が延期")
    for visit in _weekly(clock, 3):
        app.record_visit(佐藤さん, yamada, occurred_at=visit, purpose="定期訪問",
                         summary="特に問題なし", attendees=["山田 健"],
                         small_talk=visit.day % 3 != 0)
    # Tsunagi snapshots every 100 versions; the fixture takes one early, so an account
    # is read from a stored snapshot plus the events after it.
    app.take_snapshot(yamada)
    handover = app.initiate_handover(田中課長, yamada, to_rep_id="suzuki", reason="担当替え",
                                     effective_at=clock.step(days=1)).item_id or ""
    app.acknowledge_dossier(鈴木さん, yamada, handover_id=handover)
    app.record_joint_visit(佐藤さん, yamada, handover_id=handover,
                           occurred_at=clock.step(hours=2), note="同行訪問")
    app.record_customer_informed(佐藤さん, yamada, handover_id=handover,
                                 occurred_at=clock.step(hours=1), note="部長に挨拶")
    app.schedule_checkpoint(鈴木さん, yamada, handover_id=handover,
                            checkpoint_on=(clock.now + timedelta(days=30)).date(),
                            note="一か月後に確認")
    completed_at = clock.now + timedelta(hours=1)
    clock.step(days=1)  # recorded a day late, back-dated
    app.complete_handover(田中課長, yamada, handover_id=handover, occurred_at=completed_at)
    app.record_checkpoint_held(田中課長, yamada, handover_id=handover,
                               occurred_at=clock.step(days=30), note="振り返り済み。関係は良好")
    last = app.record_visit(鈴木さん, yamada, occurred_at=clock.step(days=2),
                            purpose="ご挨拶", summary="新担当として訪問")
    return Story(yamada, last.version)


def _weekly(clock: FixedClock, count: int) -> Iterator[datetime]:
    for _ in range(count):
        yield clock.step(days=7)


def stored_rows(app: Tsunagi) -> list[dict[str, Any]]:
    """Every stored event (notification order) and snapshot, exactly as stored."""
    rows: list[dict[str, Any]] = []
    originators: list[UUID] = []
    for row in rows_of(chained(app.recorder)):
        if row.originator_id not in originators:
            originators.append(row.originator_id)  # type: ignore[arg-type]
        rows.append({"table": "events", "notification_id": row.notification_id,
                     "originator_id": str(row.originator_id),
                     "originator_version": row.originator_version, "topic": row.topic,
                     "state": row.state.decode("utf-8"),
                     "chain_hash": row.chain_hash.hex() if row.chain_hash else None,
                     "log_hash": row.log_hash.hex() if row.log_hash else None})
    assert app.snapshots is not None
    for originator_id in originators:
        for snapshot in app.snapshots.recorder.select_events(originator_id):
            rows.append({"table": "snapshots", "originator_id": str(originator_id),
                         "originator_version": snapshot.originator_version,
                         "topic": snapshot.topic, "state": snapshot.state.decode("utf-8")})
    return rows


def view_rows(projector: Projector) -> dict[str, Any]:
    return {name: {"shape": view.shape, "tables": view.dump()}
            for name, view in projector.by_name.items()}


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str) + "\n"


def make_fixture(release: str, out: Path) -> dict[str, Any]:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists: a fixture is never regenerated; name a new release")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "tsunagi.db"
        settings = Settings(database_url=f"sqlite:///{db}")  # type: ignore[call-arg]
        clock = FixedClock(STORY_STARTS)
        app = build_application(settings, clock=clock)
        story = write_store(app, clock)
        projector = Projector(app, build_views(app, settings))
        projector.catch_up()
        rows = stored_rows(app)
        (out / "stored_events.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows),
            encoding="utf-8")
        with (out / "export.jsonl").open("w", encoding="utf-8") as export:
            for chunk in stream(timeline(chained(app.recorder), app.mapper), "jsonl"):
                export.write(chunk)
        (out / "views.json").write_text(_json(view_rows(projector)), encoding="utf-8")
        projector.close()
        app.close()
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        conn = sqlite3.connect(db)
        conn.execute("VACUUM")
        conn.close()
        shutil.copyfile(db, out / "tsunagi.db")
    about = {
        "release": release,
        "version": metadata.version("tsunagi"),
        "commit": _git("rev-parse", "HEAD"),
        "story_account_id": str(story.account_id),
        "story_account_version": story.events,
        "rows_by_topic": dict(sorted(Counter(
            f"{r['table']}:{r['topic']}" for r in rows).items())),
    }
    (out / "fixture.json").write_text(_json(about), encoding="utf-8")
    return about


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", required=True, help="e.g. 2026-12-01-main-0.1.0")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    about = make_fixture(args.release, args.out)
    print(f"{args.out}: {sum(about['rows_by_topic'].values())} rows, "
          f"{len(about['rows_by_topic'])} kinds")


if __name__ == "__main__":
    main()
