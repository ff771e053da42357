"""``cybozu-report``: the 報告書 CSV that Cybozu Office exports. Sample:
samples/cybozu-report.csv (and samples/cybozu-report.users.csv, the optional users mapping).

- One visit per report and company: a report naming several companies in 会社
  (「C001/株式会社山田製作所;C002/有限会社川口商店」) is one visit on each, each with its own
  identity (the company's code is part of it); attendees (相手参加者) go on each of them.
- 作成者名 is a person's name, not a user id: it is looked up in the users mapping (``名前,
  user_id``) when one is given, then among the registered users' names; names compare
  NFKC-folded with every space left out (「佐藤 健」 = 「佐藤健」 = 「佐藤　健」). A name
  that matches nobody, or more than one user, refuses the row (column 作成者名).
- Identity: a 元ID (or ID, 報告書ID) column when the export has one; else the report's
  identifying content — 作成者名, 作成日時, 日付, 開始時間, 標題 and the company — so a
  report exported again, with comments added or its 本文 edited, is a duplicate, never a
  second visit.
- 日付 + 開始時間 is the visit's time in JST (開始時間 empty: the day); the visit model has
  no duration, so 終了時間 is read but not kept.
- The body is the 内容 (or 報告内容, 報告事項) column when the export has one. A 非公開 report
  (非公開 = 1) is imported as a visit — it happened, and the account's rhythm counts it —
  but its body is not: everyone who may read the account would read it in Tsunagi.
- 参加者 (our side), 作成者(組織名), 通知先, コメント and any other column are not imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from api.imports.mappings import Context, keyed, mapping, person_key, user_id_in
from api.imports.rows import BadRow, Entry, Kind, NotThisFormat, Parsed, fingerprint
from api.imports.sheet import Cells, Record, records
from api.imports.text import JST, Unreadable, calendar_day, half_width

NAME = "cybozu-report"
BODIES = ("内容", "報告内容", "報告事項")
IDS = ("元ID", "ID", "報告書ID")
COLUMNS = ("標題", "作成者名", "作成日時", "会社", "相手参加者", "日付", "開始時間", "終了時間",
           "非公開", "次回アクション", *BODIES, *IDS)
REQUIRED = ("標題", "作成者名", "会社", "日付")
IDENTIFYING = ("作成者名", "作成日時", "日付", "開始時間", "標題")
PRIVATE = {"1": True, "○": True, "はい": True, "true": True, "非公開": True,
           "0": False, "": False, "いいえ": False, "false": False, "公開": False}
PRIVATE_BODY = "（サイボウズで非公開の報告書のため、本文は取り込んでいません）"
COMPANIES_SEPARATOR = re.compile(r"[;；]")
NAMES_SEPARATOR = re.compile(r"[;；、,，]")
TIME = re.compile(r"(?P<H>\d{1,2})[:時](?P<M>\d{2})分?(?::\d{2})?")
USERS_COLUMNS = {"名前": "名前", "作成者名": "名前", "氏名": "名前", "name": "名前",
                 "userid": "user_id"}  # a mapping header's key → its column
USERS_EXAMPLE = "名前,user_id の見出しと 佐藤 健,sato のような行"


def parse(text: str, context: Context) -> Iterator[Parsed]:
    """Each report as one visit per company it names (several entries share its row)."""
    people = People(context)
    for record in records(text, _header):
        if isinstance(record, BadRow):
            yield record
        else:
            yield from visits(record, people)


def _header(names: list[str]) -> list[str | None]:
    header = [half_width(name) for name in names]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise NotThisFormat(f"見出しに {'、'.join(missing)} がありません（サイボウズ Office の"
                            "報告書を CSV に書き出したファイルか確かめてください）")
    return [name if name in COLUMNS else None for name in header]


class People:
    """作成者名 → user id: the users mapping first, then the registered users' names."""

    def __init__(self, context: Context) -> None:
        rows = mapping(context, "users", USERS_COLUMNS, needed=False, example=USERS_EXAMPLE)
        self.mapped = {} if rows is None else {
            name: user_id_in("users", row, values["user_id"])
            for name, (row, values) in keyed("users", rows, "名前", person_key).items()}
        self.registered = context.registered
        self.by_name: dict[str, list[str]] | None = None

    def user_id(self, name: str) -> str:
        key = person_key(name)
        if key in self.mapped:
            return self.mapped[key]
        if self.by_name is None:
            self.by_name = {}
            for user_id, registered in self.registered():
                self.by_name.setdefault(person_key(registered), []).append(user_id)
        found = self.by_name.get(key, [])
        if not found:
            raise Unreadable(f"作成者名「{name}」に当たる利用者がいません（対応表 users に"
                             f" 名前,user_id の行を加えてください）")
        if len(found) > 1:
            raise Unreadable(f"作成者名「{name}」に当たる利用者が {len(found)} 人います"
                             f"（{'、'.join(sorted(found))}）。対応表 users でどちらか決めて"
                             "ください")
        return found[0]


def visits(record: Record, people: People) -> Iterator[Parsed]:
    """The report's visit on each company it names, or every error found in it."""
    row, values = record
    cells = Cells(values)
    read, errors = cells.read, cells.errors

    rep_id = read("作成者名", people.user_id, required=True)
    day = read("日付", calendar_day, required=True)
    start = read("開始時間", _time)
    private = read("非公開", _private)
    companies = read("会社", _companies, required=True)
    if errors or rep_id is None or day is None or companies is None:
        yield BadRow(row, tuple(errors))
        return
    hour, minute = start or (0, 0)
    when = datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST)
    body_column = next((c for c in BODIES if values.get(c)), BODIES[0])
    id_column = next((c for c in IDS if values.get(c)), IDS[0])
    source_id = values.get(id_column, "")
    identifying = ({k: v for k, v in values.items() if k in IDENTIFYING} | {
        "作成者名": person_key(values["作成者名"])})
    for code, name in companies:
        yield Entry(
            row=row,
            external_id=(source_id if len(companies) == 1 or not source_id
                         else f"{source_id}/{code}"),
            fingerprint=fingerprint((values if source_id else identifying)
                                    | {"会社": f"{code}/{name}"}),
            account_code=code, account_name=name, when=when, kind=Kind.VISIT, rep_id=rep_id,
            subject=values.get("標題", ""),
            body=PRIVATE_BODY if private else values.get(body_column, ""),
            attendees=tuple(n.strip() for n in NAMES_SEPARATOR.split(values.get("相手参加者", ""))
                            if n.strip()),
            next_action=values.get("次回アクション", ""),
            columns=(("日時", "日付"), ("担当者", "作成者名"), ("取引先名", "会社"),
                     ("取引先コード", "会社"), ("件名", "標題"), ("内容", body_column),
                     ("相手", "相手参加者"), ("元ID", id_column)),
        )


def _companies(value: str) -> list[tuple[str, str]]:
    """「C001/株式会社山田製作所;C002/有限会社川口商店」 → the code and name of each; a
    company written without its code is keyed by its name."""
    found: list[tuple[str, str]] = []
    for part in COMPANIES_SEPARATOR.split(value):
        code, slash, name = part.strip().replace("／", "/").partition("/")
        code, name = half_width(code), name.strip() if slash else code.strip()
        if not code and not name:
            continue
        if not code or not name:
            raise Unreadable(f"会社「{part.strip()}」を読めません（「コード/会社名」）")
        if (code, name) not in found:
            found.append((code, name))
    if not found:
        raise Unreadable("会社が空です")
    return found


def _time(value: str) -> tuple[int, int]:
    found = TIME.fullmatch(half_width(value))
    if found is None or int(found["H"]) > 23 or int(found["M"]) > 59:
        raise Unreadable(f"開始時間「{value}」を読めません（例: 10:30）")
    return int(found["H"]), int(found["M"])


def _private(value: str) -> bool:
    flag = PRIVATE.get(half_width(value).lower())
    if flag is None:
        raise Unreadable(f"非公開「{value}」を読めません（1 か 0）")
    return flag
