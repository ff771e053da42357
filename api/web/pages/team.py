"""The team board page (チームボード) for a 課長, and each of its lists as CSV for Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import AppDep, SettingsDep, ViewsDep
from api.reads.people import People
from api.reads.team import LISTED_AT_MOST, TeamBoard, board_people, team_board
from api.reads.warnings import warning_words
from api.web import labels
from api.web.pages.route import page_day
from api.web.render import render_page
from api.web.session import PageActor, PageRefused, require
from domain.values import Role
from projections.records import local_date, parse_dt

router = APIRouter(include_in_schema=False)

Cell = str | tuple[str, str]  # text, or (text, link)
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    title: str
    cell: Callable[[Row, People], Cell]


@dataclass(frozen=True)
class TeamList:
    slug: str
    title: str
    empty: str
    columns: tuple[Column, ...]
    rows: Callable[[TeamBoard], list[Row]]
    total: str | None = None  # the board's count of a long list, which it holds only part of


def _account(row: Row, _: People) -> Cell:
    return (row.get("name") or row["account_id"], f"/accounts/{row['account_id']}")


def _person(key: str) -> Callable[[Row, People], Cell]:
    return lambda row, people: people(row.get(key))


def _with_inherited(key: str) -> Callable[[Row, People], Cell]:
    def cell(row: Row, _: People) -> Cell:
        inherited = row.get(f"{key}_inherited", 0)
        return f"{row[key]}件" + (f"（うち引き継ぎ {inherited}件）" if inherited else "")
    return cell


def _when(key: str) -> Callable[[Row, People], Cell]:
    def cell(row: Row, _: People) -> Cell:
        value = row.get(key)
        if not value:
            return "—"
        return local_date(parse_dt(value)).isoformat() if "T" in value else value
    return cell


def _yen(row: Row, _: People) -> Cell:
    value = row.get("annual_value_jpy")
    return "—" if value is None else f"{value:,}円"


def _ages(row: Row, _: People) -> Cell:
    ages = row["complaints_by_age"]
    return f"7日以内 {ages['0-7']}・8〜30日 {ages['8-30']}・31日以上 {ages['31+']}"


HANDOVER_STEPS = (("acknowledged_at", "資料確認"), ("joint_visit_at", "同行訪問"),
                  ("customer_informed_at", "お客様への連絡"))


def _steps(row: Row, _: People) -> Cell:
    done = [label for key, label in HANDOVER_STEPS if row.get(key)]
    todo = [label for key, label in HANDOVER_STEPS if not row.get(key)]
    return "済: " + ("、".join(done) or "なし") + " ／ 未: " + ("、".join(todo) or "なし")


def _rep(row: Row, people: People) -> Cell:
    if row["active"]:
        return (people(row["rep_id"]), f"/route?rep={row['rep_id']}")
    return f"{people(row['rep_id'])}（{'退職' if row['name'] else '未登録'}）"


LISTS = (
    TeamList("reps", "担当者別", "担当者がいません。", (
        Column("担当者", _rep),
        Column("取引先", _with_inherited("accounts")),
        Column("訪問期限超過", lambda row, _: f"{row['visits_overdue']}件"),
        Column("期限切れの約束", _with_inherited("promises_overdue")),
        Column("対応中のクレーム", _with_inherited("complaints_open")),
        Column("クレームの経過日数", _ages),
        Column("未回答の要望", _with_inherited("requests_unanswered")),
        Column("冷え込みの兆し", lambda row, _: f"{row['cooling']}件"),
    ), lambda board: [dict(vars(figures)) for figures in board.reps]),
    TeamList("needing_handover", "引き継ぎが必要な取引先（担当者が退職・未登録）",
             "退職・未登録の担当者の取引先はありません。", (
        Column("取引先", _account),
        Column("担当者", lambda row, people: f"{people(row['owner_rep_id'])}（"
                                              f"{'退職' if row['owner_name'] else '未登録'}）"),
        Column("引き継ぎ", lambda row, _: "進行中" if row["handover_in_flight"] else "未開始"),
    ), lambda board: board.needing_handover),
    TeamList("cooling", "冷え込みの兆しのある取引先", "冷え込みの兆しのある取引先はありません。", (
        Column("取引先", _account),
        Column("担当者", _person("owner_rep_id")),
        Column("健全度", lambda row, people: labels.score_beside_predecessor(
            row["health_score"], row.get("comparison"), people)),
        Column("兆し（推定）", lambda row, people: "／".join(
            warning_words(w, people) for w in row["warnings"])),
    ), lambda board: board.cooling, "cooling"),
    TeamList("promises", "期限切れの約束", "期限切れの約束はありません。", (
        Column("約束", lambda row, _: row.get("description") or "—"),
        Column("取引先", _account),
        Column("期限", lambda row, _: f"{row['due_date']}（{row['overdue_days']}日超過）"),
        Column("担当者", _person("owner_rep_id")),
        Column("約束した人", lambda row, people: people(row.get("made_by")) + (
            "（前任）" if row.get("inherited") else "")),
    ), lambda board: board.promises_overdue, "promises_overdue"),
    TeamList("handovers", "進行中の引き継ぎ", "進行中の引き継ぎはありません。", (
        Column("取引先", _account),
        Column("前任 → 後任", lambda row, people: f"{people(row['from_rep_id'])} → "
                                                 f"{people(row['to_rep_id'])}"),
        Column("開始", _when("initiated_at")),
        Column("担当交代日", _when("effective_at")),
        Column("手順", _steps),
        Column("チェックポイント", lambda row, _: row.get("checkpoint_on") or "未設定"),
    ), lambda board: board.handovers),
    TeamList("checkpoints", "引き継ぎ後のチェックポイント",
             "予定されたチェックポイントはありません。", (
        Column("取引先", _account),
        Column("予定日", lambda row, _: row["checkpoint_on"] + (
            "（超過）" if row["overdue"] else "")),
        Column("前任 → 後任", lambda row, people: f"{people(row['from_rep_id'])} → "
                                                 f"{people(row['to_rep_id'])}"),
        Column("メモ", lambda row, _: row.get("note") or "—"),
    ), lambda board: board.checkpoints),
    TeamList("renewals", "90日以内の契約更新", "90日以内に契約が終わる取引先はありません。", (
        Column("取引先", _account),
        Column("契約終了日", lambda row, _: f"{row['contract_end']}（あと{row['days_left']}日）"),
        Column("年間取引額", _yen),
        Column("担当者", _person("owner_rep_id")),
    ), lambda board: board.renewals, "renewals"),
    TeamList("concessions", "直近90日の譲歩（前例になりうるもの）",
             "直近90日に譲歩した記録はありません。", (
        Column("取引先", _account),
        Column("譲歩", lambda row, _: row["concession"]),
        Column("きっかけ", lambda row, _: (
            f"要望（{labels.REQUEST_KIND_JA.get(row.get('request_kind') or '', '—')}）"
            if row["source"] == "request" else "クレームの解決")),
        Column("日付", _when("granted_at")),
        Column("記録した人", _person("granted_by")),
    ), lambda board: board.concessions, "concessions"),
)
BY_SLUG = {team_list.slug: team_list for team_list in LISTS}


def _board(app: AppDep, views: ViewsDep, settings: SettingsDep, actor: PageActor,
           day: str | None, at_most: int | None) -> TeamBoard:
    require(actor, Role.MANAGER)
    return team_board(views, settings, page_day(day, local_date(app.clock())), at_most)


def _text(cell: Cell) -> str:
    return cell[0] if isinstance(cell, tuple) else cell


@router.get("/team")
def team_page(request: Request, app: AppDep, views: ViewsDep, settings: SettingsDep,
              actor: PageActor, date: str | None = None) -> Response:
    board = _board(app, views, settings, actor, date, LISTED_AT_MOST)
    people = board_people(app, board)
    tables = [(team_list, [[column.cell(row, people) for column in team_list.columns]
                           for row in team_list.rows(board)],
               board.totals.get(team_list.total or "", len(team_list.rows(board))))
              for team_list in LISTS]
    return render_page(request, "team.html", {"board": board, "tables": tables,
                                              "on": board.date})


@router.get("/team/{slug}.csv")
def team_csv(slug: str, app: AppDep, views: ViewsDep, settings: SettingsDep, actor: PageActor,
             date: str | None = None) -> Response:
    """One list of the board as CSV, with a BOM so Excel reads the Japanese."""
    team_list = BY_SLUG.get(slug)
    if team_list is None:
        raise PageRefused(404, "その一覧はありません。")
    board = _board(app, views, settings, actor, date, at_most=None)
    people = board_people(app, board)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(column.title for column in team_list.columns)
    for row in team_list.rows(board):
        writer.writerow(_text(column.cell(row, people)) for column in team_list.columns)
    name = f"tsunagi-team-{slug}-{board.date.isoformat()}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
