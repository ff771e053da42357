"""The dossier as a printable Markdown document (引き継ぎ資料).

What people typed is shown as text, never as Markdown or HTML: every value from an event
goes through ``text``, so a note cannot forge a heading, a list item "recorded by"
somebody else, a link, emphasis, a table or a <script>. Each item is one line: a line break
in what was typed is shown as " ⏎ " (it was one, visibly, and nothing after it can start a
line); ``&``, ``<`` and ``>`` become entities (so no tag and no autolink) and the Markdown
punctuation a line can be built from is backslash-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from projections.records import BUSINESS_TZ

HEALTH_JA = {"closed": "確定", "active": "担当中", "ramp_up": "立ち上がり期間",
             "thin_records": "記録が少ない"}
STATUS_JA = {"received": "受付", "acknowledged": "初動済み", "apologised": "謝罪済み",
             "remedy_proposed": "改善案提示", "resolved": "解決"}
LINE_BREAK_SHOWN_AS = " ⏎ "

# Every way text can end a line for a Markdown reader or an editor, with the blanks around.
_LINE_BREAKS = re.compile(r"[^\S\r\n]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])\s*")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Inline Markdown anywhere in a line: code, emphasis, links and images, tables, headings'
# closing #s, strikethrough, and the escape character itself.
_INLINE = re.compile(r"([\\`*_\[\]|~#])")
# What makes a line a list item, a setext underline or an ordered item when it leads.
_LEADING = re.compile(r"^([-+=])|^(\d+)([.)])")
_NOT_HEX = re.compile(r"[^0-9a-f-]")


def text(value: object) -> str:
    """What someone typed, as one line of Markdown that reads as exactly that text."""
    typed = _CONTROLS.sub("\ufffd", str(value).replace("\t", " ").strip())
    one_line = _LINE_BREAKS.sub(LINE_BREAK_SHOWN_AS, typed)
    escaped = _INLINE.sub(r"\\\1", one_line.translate(_HTML))
    return _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)


def _jst(moment: str | None) -> str:
    """2026-11-20T01:30:00+00:00 → 2026-11-20 10:30 (JST)."""
    if not moment:
        return "現在"
    return datetime.fromisoformat(moment).astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


def _cite(item: dict[str, Any]) -> str:
    ids = ", ".join(f"`{_NOT_HEX.sub('', str(i))[:8]}`" for i in item.get("event_ids", []))
    basis = "意見" if item.get("basis") == "opinion" else "事実"
    return f" — {basis}／記録: {text(item.get('author', '?'))}／出典: {ids}"


def render(dossier: dict[str, Any]) -> str:
    account = dossier["account"]
    lines = [f"# 引き継ぎ資料: {text(account['name'])}", "",
             f"時点: {_jst(dossier['as_of']['at'])} (version {dossier['as_of']['version']})",
             ""]
    handover = dossier.get("handover")
    if handover:
        lines += [f"引き継ぎ: {text(handover['from_rep_id'])} → {text(handover['to_rep_id'])} "
                  f"(理由: {text(handover['reason'])}, 発効 {_jst(handover['effective_at'])})",
                  ""]
    lines += ["## 担当の変遷と健全度", ""]
    for tenure in dossier["tenures"]:
        score = tenure["health"]["score"]
        lines.append(f"- {text(tenure['rep_id'])}: {_jst(tenure['from'])} 〜 "
                     f"{_jst(tenure['to'])} "
                     f"({text(HEALTH_JA.get(tenure['status'], tenure['status']))}, "
                     f"スコア {'—' if score is None else score})")
    contract = dossier.get("contract")
    lines += ["", "## 取引", ""]
    if contract:
        lines.append(f"- 契約終了 {text(contract['contract_end'])}、"
                     f"年額 {contract['annual_value_jpy']:,}円、"
                     f"条件: {text(contract['terms'])}{_cite(contract)}")
    for proposal in dossier["proposals_in_flight"]:
        lines.append(f"- 提案中: {text(proposal['title'])}{_cite(proposal)}")
    rhythm = dossier["rhythm"]
    lines += ["", "## 訪問リズム", "",
              f"- 約束の訪問周期: {rhythm['visit_cadence_days']}日、"
              f"訪問 {rhythm['visits_total']}回"]
    sections: list[tuple[str, list[dict[str, Any]], Callable[[dict[str, Any]], str]]] = [
        ("先方担当者", dossier["stakeholders"], _stakeholder),
        ("未完了の約束", dossier["open_promises"], _promise),
        ("クレーム", dossier["complaints"], _complaint),
        ("前例となる要望と譲歩", dossier["precedents"], lambda r: text(r["precedent"])),
        ("注意点・禁句", dossier["cautions"], lambda n: text(n["text"])),
        ("メモ", dossier.get("notes", []), lambda n: text(n["text"])),
        ("未完了の案件", dossier["unfinished"], lambda u: text(u["what"])),
        ("警告", dossier["warnings"], lambda w: text(w["message"])),
    ]
    for title, items, describe in sections:
        lines += ["", f"## {title}", ""]
        lines += [f"- {describe(item)}{_cite(item)}" for item in items] or ["- なし"]
    return "\n".join(lines) + "\n"


def _stakeholder(s: dict[str, Any]) -> str:
    power = "あり" if s["decision_power"] else "なし"
    moved = "" if s["active"] else "、異動済み"
    return (f"{text(s['name'])} ({text(s['title'] or '役職不明')}、決裁権{power}、"
            f"{text(s['stance'])}{moved})")


def _promise(p: dict[str, Any]) -> str:
    return (f"{text(p['description'])} (期限 {text(p['due_date'])}、"
            f"{text(p['made_by'])}さんが{text(p['made_to'])}に約束)")


def _complaint(c: dict[str, Any]) -> str:
    concession = f"、譲歩: {text(c['concession'])}" if c.get("concession") else ""
    status = text(STATUS_JA.get(c["status"], c["status"]))
    return f"{text(c['subject'])} ({status}、受付 {_jst(c['received_at'])}{concession})"
