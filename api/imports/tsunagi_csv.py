"""``tsunagi-csv``: the template for Excel 日報 (../shared/API.md, "Import"). Japanese headers
in any order, unknown columns ignored; one row is one record. Sample: samples/tsunagi-csv.csv.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from api.imports.rows import (
    BadRow,
    Entry,
    Kind,
    NotThisFormat,
    Parsed,
    fingerprint,
)
from api.imports.sheet import Cells, records
from api.imports.text import Unreadable, calendar_day, half_width, instant

NAME = "tsunagi-csv"
COLUMNS = ("取引先コード", "取引先名", "日時", "種別", "担当者", "件名", "内容", "相手",
           "次回アクション", "期日", "結果", "元ID")
REQUIRED = ("取引先コード", "日時", "種別", "担当者")
OUTCOMES = {"守った": "kept", "守れなかった": "broken", "取消": "cancelled"}
NAMES_SEPARATOR = re.compile(r"[、;；,，]")


def parse(text: str) -> Iterator[Parsed]:
    """Each data row, numbered as a spreadsheet numbers it (the header is row 1)."""
    for record in records(text, _header):
        yield record if isinstance(record, BadRow) else entry(*record)


def _header(names: list[str]) -> list[str | None]:
    header = [half_width(name) for name in names]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise NotThisFormat(f"見出しに {'、'.join(missing)} がありません"
                            f"（tsunagi-csv の列: {'、'.join(COLUMNS)}）")
    return [name if name in COLUMNS else None for name in header]


def entry(row: int, values: dict[str, str]) -> Parsed:
    """The row in the domain's terms, or every error found in it."""
    cells = Cells(values)
    read, errors = cells.read, cells.errors

    code = read("取引先コード", half_width, required=True)
    rep_id = read("担当者", half_width, required=True)
    when = read("日時", instant, required=True)
    kind = read("種別", _kind, required=True)
    due = read("期日", calendar_day, required=kind is Kind.PROMISE)
    outcome = read("結果", _outcome, required=kind is Kind.PROMISE_OUTCOME)
    if kind is Kind.PROMISE_OUTCOME:
        read("件名", str, required=True)  # names the promise by its 元ID
    if errors or code is None or rep_id is None or when is None or kind is None:
        return BadRow(row, tuple(errors))
    return Entry(
        row=row, external_id=values.get("元ID", ""), fingerprint=fingerprint(values),
        account_code=code, account_name=values.get("取引先名", ""), when=when, kind=kind,
        rep_id=rep_id, subject=values.get("件名", ""), body=values.get("内容", ""),
        attendees=tuple(n.strip() for n in NAMES_SEPARATOR.split(values.get("相手", ""))
                        if n.strip()),
        next_action=values.get("次回アクション", ""), due=due, outcome=outcome or "",
        promise_ref=values.get("件名", "") if kind is Kind.PROMISE_OUTCOME else "",
    )


def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise Unreadable(f"種別「{value}」は扱えません（{'、'.join(k.value for k in Kind)}）"
                         ) from None


def _outcome(value: str) -> str:
    if value not in OUTCOMES:
        raise Unreadable(f"結果「{value}」は扱えません（{'、'.join(OUTCOMES)}）")
    return OUTCOMES[value]
