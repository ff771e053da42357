"""P10: importing a generated 日報 (tsunagi-csv), beside recording the same rows live."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from api.bootstrap import build_views
from api.imports import run_import
from bench.harness import Figure, store
from domain.application import Tsunagi
from domain.values import Actor, Role
from projections.runner import Projector

HEADER = "取引先コード,取引先名,日時,種別,担当者,件名,内容,相手,次回アクション,期日,結果,元ID\n"
REPS = ("sato", "suzuki", "takahashi", "ito")
START = datetime(2021, 4, 1, 9, 0)
IMPORTER = Actor("bench", Role.MANAGER)


def nippo(rows: int, accounts: int) -> bytes:
    """``rows`` visits over ``accounts`` accounts, each account's rows by one rep, in order."""
    lines = [HEADER]
    for n in range(rows):
        account = n % accounts
        when = START + timedelta(hours=n // accounts)
        lines.append(f"C{account:05d},株式会社テスト{account},{when:%Y/%m/%d %H:%M},訪問,"
                     f"{REPS[account % len(REPS)]},定期訪問,特になし,先方 担当者,,,,"
                     f"B-{n}\n")
    return "".join(lines).encode("cp932")


def _staffed(app: Tsunagi) -> None:
    for rep in REPS:
        app.register_user(Actor("admin", Role.ADMIN), user_id=rep, name=rep, role="rep")


def import_figures(backend: str, rows: int, accounts: int = 100) -> list[Figure]:
    """Events appended per second by ``tsunagi import`` (a dry run and a real one) beside
    the same visits recorded one command at a time, as the API records them."""
    data = nippo(rows, accounts)
    with store(backend) as (app, settings):
        _staffed(app)
        started = time.perf_counter()
        dry = run_import(app, IMPORTER, data, format="tsunagi-csv", dry_run=True)
        dry_rate = dry.events_appended / (time.perf_counter() - started)
        started = time.perf_counter()
        real = run_import(app, IMPORTER, data, format="tsunagi-csv")
        rate = real.events_appended / (time.perf_counter() - started)
        assert not real.rejected, real.rejected[:3]
        stored = app.recorder.max_notification_id() or 0
        projector = Projector(app, build_views(app, settings))
        started = time.perf_counter()
        projector.catch_up()
        caught_up = stored / (time.perf_counter() - started)
        projector.close()
    with store(backend) as (app, _):
        _staffed(app)
        manager = Actor("tanaka", Role.MANAGER)
        ids = [app.open_account(manager, name=f"株式会社テスト{a}",
                                owner_rep_id=REPS[a % len(REPS)],
                                visit_cadence_days=14).account_id for a in range(accounts)]
        started = time.perf_counter()
        for n in range(rows):
            rep = Actor(REPS[(n % accounts) % len(REPS)], Role.REP)
            app.record_visit(rep, ids[n % accounts], purpose="定期訪問", summary="特になし",
                             attendees=["先方 担当者"],
                             occurred_at=(START + timedelta(hours=n // accounts)).replace(
                                 tzinfo=UTC))
        live = rows / (time.perf_counter() - started)
    return [Figure(f"P10 import, {rows:,} rows, {real.events_appended:,} events ({backend})",
                   rate, "/s", baseline=live,
                   baseline_name="the same visits recorded one command at a time, events/s",
                   target="≥ 20,000 events/s", met=rate >= 20_000),
            Figure(f"P10 import dry run ({backend})", dry_rate, "/s", baseline=live,
                   baseline_name="the same visits recorded one command at a time, events/s",
                   target="for reference: parsing and the domain's rules, no storage"),
            Figure(f"P10 every view caught up after the import ({backend})", caught_up, "/s",
                   baseline=rate, baseline_name="the import itself, events/s",
                   target="for reference: events folded per second by every view, after")]
