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

from api.reads.people import Names
from api.reads.warnings import warning_words
from api.web import labels
from api.web.labels import (
    ANSWER_JA,
    BASIS_JA,
    CHANNEL_JA,
    COMPLAINT_STATUS_JA,
    COMPUTED_JA,
    HANDOVER_STEP_JA,
    HEALTH_STATUS_JA,
    PROPOSAL_KIND_JA,
    REACTION_JA,
    REQUEST_KIND_JA,
    SEVERITY_JA,
    STANCE_JA,
    WARNING_SEVERITY_JA,
    WEEKDAYS,
)
from projections.records import BUSINESS_TZ

LINE_BREAK_SHOWN_AS = " ⏎ "
EVIDENCE_SHOWN = 8  # a computed item cites its last events; the count of the others is said

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


Lines = list[str]
Section = Callable[[dict[str, Any], Names], Lines]

# Where each top-level part of the JSON dossier is in the Markdown one: a heading, or for
# the parts of the title block, the words that start their line. A part of the JSON with no
# entry here fails a test: the printed dossier carries everything the JSON one does.
SECTION_MARKERS: dict[str, str] = {
    "account": "# 引き継ぎ資料: ",
    "as_of": "時点: ",
    "handover": "## 今回の引き継ぎ",
    "tenures": "## 担当の変遷と健全度",
    "contract": "## 取引",
    "renewals": "### 年額の推移",
    "proposals_in_flight": "### 進行中の提案",
    "proposals": "### 提案の記録",
    "rhythm": "## 訪問リズム",
    "stakeholders": "## 先方担当者",
    "open_promises": "## 未完了の約束",
    "promise_record": "## 約束の記録",
    "broken_promises": "### 守れなかった約束",
    "complaints": "## クレーム",
    "requests": "## 要望",
    "precedents": "## 前例となる要望と譲歩",
    "cautions": "## 注意点・禁句",
    "notes": "## メモ",
    "unfinished": "## 未完了の案件",
    "checkpoints": "## 振り返り日",
    "handover_notes": "## 引き継ぎ時のメモ（同行訪問・担当交代の連絡）",
    "corrections": "## 訂正された記録",
    "health": "## 健全度と警告",
    "warnings": "### 警告",
    "incomplete": "> **注意: この資料は不完全です。**",
}
# Inside a tenure: what the successor received, and the like-for-like comparison.
BASELINE_HEADING = "### 引き継ぎ時点の状態"
COMPARISON_MARKER = labels.COMPARISON_JA


def _jst(moment: str | None) -> str:
    """2026-11-20T01:30:00+00:00 → 2026-11-20 10:30 (JST)."""
    if not moment:
        return "現在"
    return datetime.fromisoformat(moment).astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


def _ids(event_ids: list[Any], limit: int | None = None) -> str:
    shown = event_ids if limit is None else event_ids[-limit:]
    ids = ", ".join(f"`{_NOT_HEX.sub('', str(i))[:8]}`" for i in shown)
    more = len(event_ids) - len(shown)
    return f"{ids}（ほか{more}件）" if more else ids


def _cite(item: dict[str, Any], people: Names) -> str:
    """Where an item comes from: recorded (fact or opinion, by whom) or computed (推定)."""
    if "author" not in item:
        return _computed(item.get("event_ids", []))
    basis = BASIS_JA.get(item.get("basis", "fact"), "事実")
    return (f" — {basis}／記録: {text(people(item['author']))}／"
            f"出典: {_ids(item.get('event_ids', []))}")


def _computed(event_ids: list[Any]) -> str:
    """A computed item (a warning, a score): marked 推定, with the events it rests on."""
    if not event_ids:
        return f" — {COMPUTED_JA}"
    return f" — {COMPUTED_JA}／根拠: {_ids(event_ids, EVIDENCE_SHOWN)}"


def _ja(catalogue: dict[str, str], code: Any) -> str:
    return text(catalogue.get(str(code), code))


def _listed(items: Lines) -> Lines:
    return items or ["- なし"]


def render(dossier: dict[str, Any], people: Names) -> str:
    """The whole dossier, every part of the JSON one, people by name."""
    lines = _title(dossier, people)
    for section in SECTIONS:
        lines += ["", *section(dossier, people)]
    return "\n".join(lines) + "\n"


def _title(d: dict[str, Any], people: Names) -> Lines:
    account = d["account"]
    lines = [f"# 引き継ぎ資料: {text(account['name'])}", "",
             f"時点: {_jst(d['as_of']['at'])}（版 {d['as_of']['version']}）", "",
             f"取引開始: {_jst(account.get('opened_at'))}"]
    details = [f"- {labels.DETAIL_JA[field]}: {text(account[field]) or '（なし）'}"
               for field in ("address", "phone", "area") if field in account]
    details += [f"- 旧社名: {text(former['name'])}（{_jst(former['until'])} まで）"
                f"{_cite(former, people)}" for former in account.get("former_names", [])]
    return [*lines, "", *details] if details else lines


def _handover(d: dict[str, Any], people: Names) -> Lines:
    lines = ["## 今回の引き継ぎ", ""]
    handover = d.get("handover")
    if not handover:
        return [*lines, "- なし"]
    steps = "、".join(f"{_ja(HANDOVER_STEP_JA, step)} {_jst(when)}"
                     for step, when in handover.get("steps", {}).items())
    lines += [
        f"- {text(people(handover['from_rep_id']))} → {text(people(handover['to_rep_id']))}"
        f"（理由: {text(handover['reason'])}、発効 {_jst(handover['effective_at'])}）"
        f"{_cite(handover, people)}",
        f"- 進み具合: {steps or '—'}"]
    if handover.get("baseline"):
        heading = (f"{BASELINE_HEADING}（{text(people(handover['to_rep_id']))}が"
                   f"今引き継ぐとしたら受け取るもの）")
        lines += ["", *_baseline(handover["baseline"], heading, people, d)]
    return lines


# ---------------------------------------------------------------------- tenures


def _tenures(d: dict[str, Any], people: Names) -> Lines:
    lines = ["## 担当の変遷と健全度", ""]
    later: Lines = []
    for index, tenure in enumerate(d["tenures"]):
        lines += _tenure(tenure, index, people)
        if tenure.get("baseline"):
            heading = (f"{BASELINE_HEADING}（{text(people(tenure['rep_id']))}が受け取ったもの、"
                       f"{_jst(tenure['from'])}）")
            later += ["", *_baseline(tenure["baseline"], heading, people, d)]
    return lines + later


def _tenure(tenure: dict[str, Any], index: int, people: Names) -> Lines:
    """A tenure and its score; after the first, the score only beside its comparison."""
    health = tenure.get("health") or {}
    comparison = tenure.get("comparison")
    status = _ja(HEALTH_STATUS_JA, tenure["status"])
    shown = labels.shows_score(tenure, index)
    score = labels.tenure_score(tenure, index)
    reason = f"、交代の理由: {text(tenure['reason'])}" if tenure.get("reason") else ""
    lines = [f"- {text(people(tenure['rep_id']))}: {_jst(tenure['from'])} 〜 "
             f"{_jst(tenure['to'])}（{status}、スコア {score}{reason}）"]
    if comparison:
        lines.append(f"  - {text(labels.comparison_words(comparison, tenure, people))}")
    if shown:
        lines += [f"  - {_component(c)}" for c in health.get("components", [])]
    return lines


def _component(component: dict[str, Any]) -> str:
    words = labels.component_words(component)
    return (f"{text(words.name)}: {text(words.value)}（{text('、'.join(words.facts))}）"
            f"{_computed(component.get('event_ids', []))}")


def _baseline(baseline: dict[str, Any], heading: str, people: Names,
              d: dict[str, Any]) -> Lines:
    """What the successor received at the handover: kept apart from what he did since."""
    lines = [heading, ""]
    for row in labels.baseline_rows(baseline, people, labels.known_items(d)):
        cited = _computed(row.event_ids) if row.event_ids else ""
        lines.append(f"- {text(row.label)}: {text(row.amount)}{cited}")
        lines += [f"  - {text(words)}{_cite(item, people) if item else ''}"
                  for words, item in row.items]
    return lines


# ---------------------------------------------------------------------- the deal


def _deal(d: dict[str, Any], people: Names) -> Lines:
    contract = d.get("contract")
    lines = ["## 取引", ""]
    if contract:
        lines.append(f"- 契約終了 {text(contract['contract_end'])}、"
                     f"年額 {labels.yen(contract['annual_value_jpy'])}、"
                     f"条件: {text(contract['terms'] or '—')}{_cite(contract, people)}")
    else:
        lines.append("- 契約の記録なし")
    lines += ["", "### 年額の推移", ""]
    lines += _listed([
        f"- {_jst(r['renewed_at'])} 更新: 年額 {labels.yen(r['annual_value_jpy'])}"
        f"{_change(r.get('change_pct'))}、契約終了 {text(r['contract_end'])}{_cite(r, people)}"
        for r in d["renewals"]])
    lines += ["", "### 進行中の提案", ""]
    lines += _listed([f"- {_proposal(p)}{_cite(p, people)}" for p in d["proposals_in_flight"]])
    lines += ["", "### 提案の記録（反応あり）", ""]
    lines += _listed([f"- {_proposal(p)}{_cite(p, people)}" for p in d["proposals"]
                      if p.get("reaction")])
    return lines


def _change(pct: float | None) -> str:
    return "" if pct is None else f"（前回比 {pct:+.1f}%）"


def _proposal(p: dict[str, Any]) -> str:
    detail = f": {text(p['detail'])}" if p.get("detail") else ""
    if p.get("reaction"):
        note = f"「{text(p['reaction_note'])}」" if p.get("reaction_note") else ""
        answer = f"反応: {_ja(REACTION_JA, p['reaction'])}{note}"
    else:
        answer = "反応待ち"
    return (f"{_ja(PROPOSAL_KIND_JA, p.get('kind'))}「{text(p['title'])}」{detail}"
            f"（{_jst(p['given_at'])}、{answer}）")


# ---------------------------------------------------------------------- the rhythm


def _rhythm(d: dict[str, Any], people: Names) -> Lines:
    r = d["rhythm"]
    weekdays = "、".join(f"{WEEKDAYS[int(day)]}曜 {n}回" for day, n in _most(r["weekdays"]))
    hours = "、".join(f"{int(hour)}時台 {n}回" for hour, n in _most(r["hours"])[:3])
    channels = "、".join(f"{_ja(CHANNEL_JA, ch)} {n}回" for ch, n in _most(r["channels"]))
    lines = ["## 訪問リズム", "",
             f"- 約束の訪問周期: {r['visit_cadence_days']}日、訪問 {r['visits_total']}回"
             f"（雑談あり {r['small_talk_visits']}回、遅刻 {r['late_visits']}回）",
             f"- よく訪問する曜日: {weekdays or '—'}",
             f"- よく訪問する時間: {hours or '—'}",
             f"- 連絡手段: {channels or '—'}",
             "", "### 最近の訪問", ""]
    return lines + _listed([f"- {_visit(v)}{_cite(v, people)}"
                            for v in reversed(r["last_visits"])])


def _most(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _visit(v: dict[str, Any]) -> str:
    facts = []
    if v.get("attendees"):
        facts.append(f"出席: {'、'.join(text(a) for a in v['attendees'])}")
    facts.append("雑談あり" if v.get("small_talk") else "雑談なし")
    if v.get("minutes_late"):
        facts.append(f"{v['minutes_late']}分遅れ")
    if v.get("next_action"):
        facts.append(f"次: {text(v['next_action'])}")
    return (f"{_jst(v['occurred_at'])} {text(v['purpose'])}: {text(v['summary'] or '（内容なし）')}"
            f"（{'、'.join(facts)}）")


# ---------------------------------------------------------------------- people and promises


def _stakeholders(d: dict[str, Any], people: Names) -> Lines:
    lines: Lines = []
    for s in d["stakeholders"]:
        lines.append(f"- {_stakeholder(s)}{_cite(s, people)}")
        lines += [f"  - メモ: {text(n['text'])} — 記録: {text(people(n.get('author')))}"
                  for n in s.get("notes", [])]
    return ["## 先方担当者", "", *_listed(lines)]


def _stakeholder(s: dict[str, Any]) -> str:
    power = "あり" if s["decision_power"] else "なし"
    moved = ""
    if not s["active"]:
        moved = "、異動・退職" + (f": {text(s['left_reason'])}" if s.get("left_reason") else "")
    contact = (f"、最終接触 {_jst(s['last_contact']['at'])}" if s.get("last_contact") else "")
    return (f"{text(s['name'])}（{text(s['title'] or '役職不明')}、決裁権{power}、"
            f"{_ja(STANCE_JA, s['stance'])}{moved}{contact}）")


def _promise(p: dict[str, Any], people: Names) -> str:
    changed = f"、期限変更 {p['renegotiations']}回" if p.get("renegotiations") else ""
    return (f"{text(p['description'])} (期限 {text(p['due_date'])}、"
            f"{text(people(p['made_by']))}が{text(p['made_to'])}に約束{changed})")


def _open_promises(d: dict[str, Any], people: Names) -> Lines:
    return ["## 未完了の約束", "", *_listed([
        f"- {_promise(p, people)}{_cite(p, people)}" for p in d["open_promises"]])]


def _promise_record(d: dict[str, Any], people: Names) -> Lines:
    record = d["promise_record"]
    lines = ["## 約束の記録", "",
             f"- 守った {record.get('kept', 0)}件、守れなかった {record.get('broken', 0)}件、"
             f"取り消し {record.get('cancelled', 0)}件",
             "", "### 守れなかった約束", ""]
    return lines + _listed([f"- {_broken(p, people)}{_cite(p, people)}"
                            for p in reversed(d["broken_promises"])])


def _broken(p: dict[str, Any], people: Names) -> str:
    why = f"、理由: {text(p['note'])}" if p.get("note") else ""
    return (f"{text(p['description'])}（{text(people(p['made_by']))}が"
            f"{text(p['made_to'])}に約束、期限 {text(p['due_date'])}、"
            f"{text(p['broken_on'])} に守れなかったと記録 "
            f"{text(people(p.get('broken_by')))}{why}）")


# ---------------------------------------------------------------------- complaints, requests


def _complaints(d: dict[str, Any], people: Names) -> Lines:
    return ["## クレーム", "", *_listed([f"- {_complaint(c)}{_cite(c, people)}"
                                         for c in d["complaints"]])]


def _complaint(c: dict[str, Any]) -> str:
    facts = [f"重大度 {_ja(SEVERITY_JA, c['severity'])}",
             _ja(COMPLAINT_STATUS_JA, c["status"]), f"受付 {_jst(c['received_at'])}"]
    if c.get("response_hours") is not None:
        facts.append(f"初動まで {c['response_hours']}時間")
    if c.get("resolution_hours") is not None:
        facts.append(f"解決まで {c['resolution_hours']}時間")
    if c.get("remedy"):
        facts.append(f"改善案: {text(c['remedy'])}")
    if c.get("resolution"):
        facts.append(f"解決: {text(c['resolution'])}")
    if c.get("concession"):
        facts.append(f"譲歩: {text(c['concession'])}")
    detail = f": {text(c['detail'])}" if c.get("detail") else ""
    return f"{text(c['subject'])}{detail}（{'、'.join(facts)}）"


def _requests(d: dict[str, Any], people: Names) -> Lines:
    return ["## 要望", "", *_listed([f"- {_request(r)}{_cite(r, people)}"
                                     for r in d["requests"]])]


def _request(r: dict[str, Any]) -> str:
    if r.get("answer"):
        concession = f"、譲歩: {text(r['concession'])}" if r.get("concession") else ""
        answer = f"{_ja(ANSWER_JA, r['answer'])}（{_jst(r.get('answered_at'))}）{concession}"
    else:
        answer = "未回答"
    return (f"{_ja(REQUEST_KIND_JA, r['kind'])}: {text(r['detail'])}"
            f"（受付 {_jst(r['received_at'])}、{answer}）")


def _precedents(d: dict[str, Any], people: Names) -> Lines:
    return ["## 前例となる要望と譲歩", "", *_listed([
        f"- {text(r['precedent'])}{_cite(r, people)}" for r in d["precedents"]])]


# ---------------------------------------------------------------------- notes


def _cautions(d: dict[str, Any], people: Names) -> Lines:
    return ["## 注意点・禁句", "", *_listed([
        f"- {text(n['text'])}{_cite(n, people)}" for n in d["cautions"]])]


def _notes(d: dict[str, Any], people: Names) -> Lines:
    """Preferences (訪問は火曜か木曜の午前10時が良い) first, then the general notes."""
    preferences = [n for n in d["notes"] if n.get("topic") == "preference"]
    general = [n for n in d["notes"] if n not in preferences]
    return ["## 好み・習慣", "", *_listed([
        f"- {text(n['text'])}{_cite(n, people)}" for n in preferences]),
        "", "## メモ", "", *_listed([
            f"- {text(n['text'])}{_cite(n, people)}" for n in general])]


def _handover_notes(d: dict[str, Any], people: Names) -> Lines:
    return [SECTION_MARKERS["handover_notes"], "", *_listed([
        f"- {_jst(n['occurred_at'])} {_ja(HANDOVER_STEP_JA, n['step'])}"
        f"（{text(people(n['from_rep_id']))} → {text(people(n['to_rep_id']))}）: "
        f"{text(n['note'])}{_cite(n, people)}" for n in d["handover_notes"]])]


# ---------------------------------------------------------------------- open matters, health


def _unfinished(d: dict[str, Any], people: Names) -> Lines:
    return ["## 未完了の案件", "", *_listed([
        f"- {text(u['what'])}{_cite(u, people)}" for u in d["unfinished"]])]


def _checkpoints(d: dict[str, Any], people: Names) -> Lines:
    def checkpoint(c: dict[str, Any]) -> str:
        held = ""
        if c.get("held_at"):
            note = f": {text(c['held_note'])}" if c.get("held_note") else ""
            held = f"（{_jst(c['held_at'])} に振り返り済み{note}）"
        return f"{text(c['checkpoint_on'])} {text(c.get('note') or '')}{held}".strip()

    return ["## 振り返り日", "", *_listed([
        f"- {checkpoint(c)}{_cite(c, people)}" for c in d["checkpoints"]])]


def _health(d: dict[str, Any], people: Names) -> Lines:
    """The current owner's health: the last tenure's, withheld as the tenure's is."""
    health = d["health"]
    last = len(d["tenures"]) - 1
    score = (labels.tenure_score({**d["tenures"][last], "health": health}, last) if last >= 0
             else labels.score_words(health.get("score")))
    lines = ["## 健全度と警告", "",
             f"- 現在の担当 {text(people(health.get('rep_id')))}: スコア {score}"
             f"（{_ja(HEALTH_STATUS_JA, health['status'])}）{_computed([])}",
             "", "### 警告", ""]
    return lines + _listed([
        f"- {_ja(WARNING_SEVERITY_JA, w['severity'])}: {text(warning_words(w, people))}"
        f"{_computed(w.get('event_ids', []))}" for w in d["warnings"]])


def _corrections(d: dict[str, Any], people: Names) -> Lines:
    return ["## 訂正された記録", "", *_listed([
        f"- {text(labels.kind_ja(c['kind']))}の記録を訂正: "
        f"{text(labels.shown_value(c['corrections'], people))}"
        f"（元: {text(labels.shown_value(c['originals'], people))}、理由: {text(c['reason'])}）"
        f"{_cite(c, people)}" for c in d["corrections"]])]


SECTIONS: tuple[Section, ...] = (
    _handover, _tenures, _deal, _rhythm, _stakeholders, _open_promises, _promise_record,
    _complaints, _requests, _precedents, _cautions, _notes, _handover_notes, _unfinished,
    _checkpoints, _health, _corrections,
)
