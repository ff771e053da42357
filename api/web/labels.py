"""Japanese words for the codes the events and views use, and dates in JST: the one
catalogue the web pages and the Markdown dossier share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from api.reads.people import Names
from domain import values
from projections import health_score as score
from projections.records import BUSINESS_TZ

WEEKDAYS = "月火水木金土日"

KIND_JA = {
    "account_opened": "取引開始", "visit_cadence_agreed": "訪問周期の合意",
    "visit_recorded": "訪問", "promise_made": "約束", "promise_renegotiated": "約束の期限変更",
    "promise_kept": "約束を守った", "promise_broken": "約束を守れなかった",
    "promise_cancelled": "約束の取り消し", "complaint_received": "クレーム受付",
    "complaint_acknowledged": "クレーム初動", "complaint_apologised": "クレーム謝罪",
    "complaint_remedy_proposed": "改善案の提示", "complaint_resolved": "クレーム解決",
    "customer_request_received": "要望", "customer_request_answered": "要望への回答",
    "proposal_given": "情報提供・提案", "proposal_reaction_recorded": "提案への反応",
    "contract_renewed": "契約更新", "stakeholder_added": "先方担当者の登録",
    "stakeholder_changed": "先方担当者の変更", "stakeholder_left": "先方担当者の異動・退職",
    "note_added": "メモ", "handover_initiated": "引き継ぎ開始",
    "handover_dossier_acknowledged": "引き継ぎ資料の確認",
    "handover_joint_visit_made": "同行訪問", "handover_customer_informed": "担当交代の連絡",
    "handover_checkpoint_scheduled": "振り返り日の設定", "handover_completed": "引き継ぎ完了",
    "handover_cancelled": "引き継ぎ中止", "record_corrected": "記録の訂正",
    "handover_checkpoint_held": "振り返りの実施", "details_changed": "取引先情報の変更",
}

def kind_ja(kind: str) -> str:
    """An event kind in words, by the history's name (promise_made) or its class (PromiseMade,
    as a correction names what it corrects)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()
    return KIND_JA.get("account_opened" if snake == "opened" else snake, kind)


# The timeline's filter: a few groups a rep thinks in, each a set of event kinds.
KIND_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "visit": ("訪問", ("visit_recorded", "visit_cadence_agreed", "handover_joint_visit_made")),
    "promise": ("約束", ("promise_made", "promise_renegotiated", "promise_kept",
                        "promise_broken", "promise_cancelled")),
    "complaint": ("クレーム", ("complaint_received", "complaint_acknowledged",
                              "complaint_apologised", "complaint_remedy_proposed",
                              "complaint_resolved")),
    "request": ("要望・譲歩", ("customer_request_received", "customer_request_answered")),
    "proposal": ("提案", ("proposal_given", "proposal_reaction_recorded")),
    "contract": ("契約", ("contract_renewed",)),
    "stakeholder": ("先方担当者", ("stakeholder_added", "stakeholder_changed",
                                  "stakeholder_left")),
    "note": ("メモ", ("note_added",)),
    "handover": ("引き継ぎ", ("handover_initiated", "handover_dossier_acknowledged",
                             "handover_joint_visit_made", "handover_customer_informed",
                             "handover_checkpoint_scheduled", "handover_checkpoint_held",
                             "handover_completed", "handover_cancelled")),
    "correction": ("訂正", ("record_corrected",)),
    "details": ("取引先情報", ("account_opened", "details_changed")),
}

SEVERITY_JA = {"low": "低", "medium": "中", "high": "高"}
DETAIL_JA = {"name": "取引先名", "address": "所在地", "phone": "電話", "area": "エリア"}
COMPLAINT_STATUS_JA = {"received": "受付", "acknowledged": "初動済み", "apologised": "謝罪済み",
                       "remedy_proposed": "改善案提示", "resolved": "解決"}
OUTCOME_JA = {"kept": "守った", "broken": "守れなかった", "cancelled": "取り消し"}
REQUEST_KIND_JA = {"rush_delivery": "短納期", "discount": "値下げ",
                   "special_handling": "特別対応", "other": "その他"}
ANSWER_JA = {"accepted": "了承", "partly": "一部了承", "declined": "お断り"}
STANCE_JA = {"supportive": "好意的", "neutral": "中立", "critical": "批判的"}
CHANNEL_JA = {"in_person": "対面", "phone": "電話", "online": "オンライン", "email": "メール"}
REACTION_JA = {"positive": "前向き", "neutral": "様子見", "negative": "否定的"}
TOPIC_JA = {"general": "一般", "preference": "好み・習慣", "caution": "注意点", "taboo": "禁句"}
PROPOSAL_KIND_JA = {"information": "情報提供", "proposal": "提案"}
BASIS_JA = {"fact": "事実", "opinion": "意見"}
# What Tsunagi computed from the records (a warning, a score), never what someone recorded.
COMPUTED_JA = "推定"
ROLE_JA = {"rep": "営業担当", "manager": "課長", "auditor": "監査", "admin": "管理者"}
HEALTH_STATUS_JA = {"closed": "確定（引き継ぎ時点）", "active": "担当中",
                    "ramp_up": "立ち上がり期間", "thin_records": "記録が少ない",
                    "unknown": "計算できません"}
COMPONENT_JA = {"cadence": "訪問リズム", "promises": "約束の履行", "complaints": "クレーム対応",
                "requests": "要望への対応", "renewal": "契約更新",
                "warmth": "関係の温度（雑談・時間厳守・先方の返答）"}
WARNING_SEVERITY_JA = {"low": "参考", "medium": "注意", "high": "要対応"}
# What the successor received at the handover (a tenure's ``baseline``), item by item.
BASELINE_JA = {
    "open_promises": "未完了の約束", "open_complaints": "未解決のクレーム",
    "unanswered_requests": "未回答の要望", "standing_concessions": "続いている譲歩",
    "concessions": "続いている譲歩", "small_talk_share": "雑談の割合",
    "reply_days": "提案への返答までの日数（平均）",
    "cadence_kept": "訪問周期の順守（直近90日）", "contract_days_left": "契約終了までの日数",
    "stakeholders_changed": "先方担当者の変化（直近180日）", "at": "時点",
}
HANDOVER_STEP_JA = {"initiated": "開始", "dossier_acknowledged": "引き継ぎ資料の確認",
                    "joint_visit": "同行訪問", "customer_informed": "担当交代の連絡",
                    "checkpoint_scheduled": "振り返り日の設定", "checkpoint_held": "振り返りの実施"}
# Every code a person may read, by the domain's enum: a new member without words fails a test.
ENUM_JA: dict[type[StrEnum], dict[str, str]] = {
    values.Role: ROLE_JA, values.PromiseOutcome: OUTCOME_JA, values.Severity: SEVERITY_JA,
    values.RequestKind: REQUEST_KIND_JA, values.RequestAnswer: ANSWER_JA,
    values.ProposalKind: PROPOSAL_KIND_JA, values.Reaction: REACTION_JA,
    values.Stance: STANCE_JA, values.NoteKind: BASIS_JA, values.NoteTopic: TOPIC_JA,
    values.Channel: CHANNEL_JA,
}
FIELD_JA = {
    "name": "取引先名", "owner_rep_id": "担当者", "visit_cadence_days": "訪問周期（日）",
    "purpose": "目的", "summary": "内容", "attendees": "出席者", "small_talk": "雑談",
    "planned_at": "予定時刻", "minutes_late": "遅れ（分）", "next_action": "次のアクション",
    "channel": "手段", "visit_id": "訪問ID", "promise_id": "約束ID", "description": "約束の内容",
    "due_date": "期限", "made_to": "約束の相手", "new_due_date": "新しい期限", "note": "メモ",
    "complaint_id": "クレームID", "subject": "件名", "detail": "詳細", "severity": "重大度",
    "remedy": "改善案", "resolution": "解決内容", "concession": "譲歩", "request_id": "要望ID",
    "kind": "種類", "answer": "回答", "proposal_id": "提案ID", "title": "件名・役職",
    "reaction": "反応", "contract_end": "契約終了日", "terms": "条件",
    "annual_value_jpy": "年額（円）", "stakeholder_id": "先方担当者ID",
    "decision_power": "決裁権", "stance": "スタンス", "reason": "理由", "text": "本文",
    "topic": "分類", "note_id": "メモID", "handover_id": "引き継ぎID",
    "from_rep_id": "前任者", "to_rep_id": "後任者", "effective_at": "発効日時",
    "dossier_version": "資料のバージョン", "checkpoint_on": "振り返り日",
    "corrected_event_id": "訂正した記録", "corrected_version": "訂正した版",
    "corrected_kind": "訂正した記録の種類", "corrections": "訂正内容", "originals": "元の値",
    "address": "所在地", "phone": "電話", "area": "エリア",
}


def _moment(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def jst(value: str | datetime | None) -> str:
    """2026-11-23T05:30:00+00:00 → 2026年11月23日(月) 14:30"""
    if not value:
        return "—"
    try:
        local = _moment(value).astimezone(BUSINESS_TZ)
    except (OverflowError, ValueError, TypeError):  # a stored instant no calendar shows
        return str(value)
    return f"{day(local.date())} {local:%H:%M}"


def day(value: str | date | None) -> str:
    """2026-11-23 → 2026年11月23日(月)"""
    if not value:
        return "—"
    try:
        when = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:  # a stored day that is not one
        return str(value)
    return f"{when.year}年{when.month}月{when.day}日({WEEKDAYS[when.weekday()]})"


def yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


def datetime_local(value: datetime) -> str:
    """The value of an <input type=datetime-local>: JST wall time to the minute."""
    return value.astimezone(BUSINESS_TZ).strftime("%Y-%m-%dT%H:%M")


def headline(item: dict[str, Any], people: Names) -> str:
    """One line that says what an event was, in the words of the work, people by name."""
    data, kind = item["data"], item["kind"]
    get = data.get

    def promised() -> str:
        said = item.get("promise")
        note = get("note") or ""
        return f"「{said}」" + (f" {note}" if note else "") if said else str(note)

    lines = {
        "account_opened": lambda: f"{get('name')} の取引を開始（訪問周期 "
                                  f"{get('visit_cadence_days')}日）",
        "visit_cadence_agreed": lambda: f"訪問周期を {get('visit_cadence_days')}日 に合意",
        "details_changed": lambda: "、".join(
            f"{DETAIL_JA[field]}: {get(field) or '（なし）'}" for field in DETAIL_JA
            if get(field) is not None),
        "visit_recorded": lambda: f"{get('purpose')}: {get('summary') or '（内容なし）'}",
        "promise_made": lambda: f"{get('description')}（期限 {day(get('due_date'))}、"
                                f"{get('made_to')}に）",
        "promise_renegotiated": lambda: f"期限を {day(get('new_due_date'))} に変更",
        "complaint_received": lambda: f"{get('subject')}（重大度 "
                                      f"{SEVERITY_JA.get(get('severity'), '')}）",
        "complaint_remedy_proposed": lambda: str(get("remedy")),
        "complaint_resolved": lambda: f"{get('resolution')}" + (
            f"／譲歩: {get('concession')}" if get("concession") else ""),
        "customer_request_received": lambda: f"{REQUEST_KIND_JA.get(get('kind'), '')}: "
                                             f"{get('detail')}",
        "customer_request_answered": lambda: f"{ANSWER_JA.get(get('answer'), '')}" + (
            f"／譲歩: {get('concession')}" if get("concession") else ""),
        "proposal_given": lambda: str(get("title")),
        "proposal_reaction_recorded": lambda: REACTION_JA.get(get("reaction"), ""),
        "contract_renewed": lambda: f"契約終了 {day(get('contract_end'))}、"
                                    f"年額 {yen(get('annual_value_jpy'))}",
        "stakeholder_added": lambda: f"{get('name')}（{get('title') or '役職不明'}）",
        "stakeholder_left": lambda: str(get("reason") or ""),
        "note_added": lambda: f"[{TOPIC_JA.get(get('topic'), '')}] {get('text')}",
        "handover_initiated": lambda: f"{people(get('from_rep_id'))} → "
                                      f"{people(get('to_rep_id'))}（{get('reason')}）",
        "handover_completed": lambda: f"{people(get('from_rep_id'))} → "
                                      f"{people(get('to_rep_id'))}",
        "handover_cancelled": lambda: str(get("reason")),
        "record_corrected": lambda: f"{get('reason')}",
        **{kind: promised for kind in ("promise_kept", "promise_broken", "promise_cancelled")},
    }
    line = lines.get(kind)
    return line() if line else str(get("note") or "")


# Fields that hold a user id, and fields that hold a code, wherever an event has them.
PEOPLE_FIELDS = frozenset({"owner_rep_id", "from_rep_id", "to_rep_id", "made_by",
                           "recorded_by", "broken_by", "author", "predecessor_rep_id"})
CODE_FIELDS: dict[str, dict[str, str]] = {
    "severity": SEVERITY_JA, "kind": {**REQUEST_KIND_JA, **PROPOSAL_KIND_JA, **BASIS_JA},
    "stance": STANCE_JA, "channel": CHANNEL_JA, "topic": TOPIC_JA, "answer": ANSWER_JA,
    "reaction": REACTION_JA, "outcome": OUTCOME_JA, "role": ROLE_JA,
}


def shown_value(value: Any, people: Names, field: str | None = None) -> str:
    """An event field as a person reads it: people by name, codes in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and field in PEOPLE_FIELDS:
        return people(value)
    if isinstance(value, str) and field == "corrected_kind":
        return kind_ja(value)
    if isinstance(value, str) and field in CODE_FIELDS:
        return CODE_FIELDS[field].get(value, value)
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, list):
        return "、".join(shown_value(v, people, field) for v in value) or "—"
    if isinstance(value, dict):
        return "、".join(f"{FIELD_JA.get(k, k)}: {shown_value(v, people, k)}"
                        for k, v in value.items())
    text = str(value)
    if len(text) >= 20 and text[4:5] == "-" and "T" in text[10:11]:
        try:
            return jst(text)
        except ValueError:
            return text
    return text


# ---------------------------------------------------------------------- fairness at handover
# Shared by the Markdown dossier (which escapes them) and the pages (which autoescape them).

NOT_COMPARED_JA = "—（前任者と同じ期間で比べられるまで表示しません）"
THIN_RECORDS_JA = "—（記録が少ないため点数を出しません）"


def score_words(score: Any) -> str:
    return "—" if score is None else f"{score}点"


def shows_score(tenure: dict[str, Any], index: int) -> bool:
    """A tenure after the first shows its score only beside its like-for-like comparison:
    never a successor's early score beside the predecessor's whole tenure."""
    return index == 0 or bool(tenure.get("comparison"))


def tenure_score(tenure: dict[str, Any], index: int) -> str:
    """A tenure's score as shown beside the others: withheld, saying why, when its records
    are too thin to judge or when (after the first) it has no like-for-like comparison."""
    if tenure.get("status") == "thin_records":
        return THIN_RECORDS_JA
    if not shows_score(tenure, index):
        return NOT_COMPARED_JA
    return score_words((tenure.get("health") or {}).get("score"))


def comparison_words(comparison: dict[str, Any], tenure: dict[str, Any],
                     people: Names) -> str:
    """同じ期間で比べると（担当開始から30日）: 前任 佐藤 健さん 71点／鈴木 一郎さん 68点"""
    predecessor = comparison.get("predecessor_score")
    if predecessor is None and isinstance(comparison.get("same_length"), dict):
        predecessor = comparison["same_length"].get("score")
    score = comparison.get("score", (tenure.get("health") or {}).get("score"))
    shown = "記録が少ない" if tenure.get("status") == "thin_records" else score_words(score)
    words = (f"{COMPARISON_JA}（担当開始から{comparison['days']}日）: 前任 "
             f"{people(comparison['predecessor_rep_id'])} {score_words(predecessor)}／"
             f"{people(tenure['rep_id'])} {shown}")
    season = comparison.get("same_season_last_year")
    if comparison.get("same_season_last_year_score") is not None:
        words += f"／前年同時期の前任 {score_words(comparison['same_season_last_year_score'])}"
    elif isinstance(season, dict):
        words += f"／前年同時期の前任 {score_words(season.get('score'))}"
    return words


COMPARISON_JA = "同じ期間で比べると"


def score_beside_predecessor(score: int | None, comparison: Any, people: Names) -> str:
    """A score in a list or on the board: a successor's only with the predecessor's over the
    same days beside it (``comparison``: a dict or the API's model, None for a first owner)."""
    if comparison is None:
        return score_words(score)
    found = comparison if isinstance(comparison, dict) else comparison.model_dump()
    return (f"{score_words(score)}（{COMPARISON_JA} 前任 {people(found['predecessor_rep_id'])} "
            f"{score_words(found['predecessor_score'])}、担当開始から{found['days']}日）")


@dataclass(frozen=True)
class ComponentWords:
    name: str
    value: str
    facts: list[str]


def component_words(component: dict[str, Any]) -> ComponentWords:
    """A health component: its name, its value and what it rests on, in words."""
    if "score" in component:
        value = score_words(component["score"])
    elif component.get("value") is None:
        value = "対象外"
    else:
        value = f"{round(component['value'] * 100)}%"
    facts = []
    if component.get("weight") is not None:
        facts.append(f"重み {round(component['weight'] * 100)}%")
    if component.get("evidence_count") is not None:
        facts.append(f"根拠 {component['evidence_count']}件")
    if component.get("provisional"):
        facts.append("暫定（根拠が少ないため中立寄り）")
    if component.get("detail"):
        facts.append(str(component["detail"]))
    return ComponentWords(COMPONENT_JA.get(component["name"], component["name"]), value, facts)


@dataclass(frozen=True)
class BaselineRow:
    """One line of what the successor received: a label, how much, the items behind it."""

    label: str
    amount: str
    items: list[tuple[str, dict[str, Any] | None]]  # each in words, with its provenance
    event_ids: list[str]


AMOUNT_KEYS = ("value", "share", "days", "days_left", "count", "ratio", "score")
STAKEHOLDER_CHANGE_JA = {"added": "登録", "changed": "変更", "left": "異動・退職"}
ITEM_IDS = ("promise_id", "complaint_id", "request_id", "stakeholder_id", "proposal_id")


def known_items(dossier: dict[str, Any]) -> dict[str, str]:
    """What each promise, complaint, request and person of a dossier is called, by id: the
    baseline cites them by id."""
    known = {p["promise_id"]: p["description"]
             for p in [*dossier.get("open_promises", []), *dossier.get("broken_promises", [])]}
    known |= {c["complaint_id"]: c["subject"] for c in dossier.get("complaints", [])}
    known |= {r["request_id"]: r["detail"] for r in dossier.get("requests", [])}
    known |= {s["stakeholder_id"]: s["name"] for s in dossier.get("stakeholders", [])}
    return known


def baseline_rows(baseline: dict[str, Any], people: Names,
                  known: dict[str, str] | None = None) -> list[BaselineRow]:
    """What the successor received, part by part (``tenures[i].baseline``)."""
    rows = []
    for key, value in baseline.items():
        if key in ("event_ids", "at"):
            continue
        label = BASELINE_JA.get(key, key)
        if isinstance(value, list):
            rows.append(BaselineRow(label, f"{len(value)}件",
                                    _things(value, people, known or {}), []))
        elif isinstance(value, dict):
            items = value.get("items")
            listed = items if isinstance(items, list) else []
            found = next((value[k] for k in AMOUNT_KEYS if k in value),
                         len(listed) if isinstance(items, list) else None)
            rows.append(BaselineRow(label, _amount(key, found) + _measured(value),
                                    _things(listed, people, known or {}),
                                    list(value.get("event_ids", []))))
        else:
            rows.append(BaselineRow(label, _amount(key, value), [], []))
    return rows


def _amount(key: str, value: Any) -> str:
    if value is None:
        return "記録なし"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, float) and 0 <= value <= 1 and ("share" in key or "kept" in key):
        return f"{round(value * 100)}%"
    if "days" in key:
        return f"{value}日"
    if isinstance(value, int | float):
        return f"{value}件" if key.endswith(("s", "_count")) else str(value)
    return str(value)


def _measured(value: dict[str, Any]) -> str:
    """Over what a figure was measured: 直近5回の訪問, 6周期中4周期, 契約終了 …"""
    said = []
    if value.get("visits") is not None:
        said.append(f"直近{value['visits']}回の訪問")
    if value.get("replies") is not None:
        said.append(f"直近{value['replies']}件の提案")
    if value.get("windows") is not None and value.get("covered") is not None:
        said.append(f"{value['windows']}周期中{value['covered']}周期")
    if value.get("contract_end"):
        said.append(f"契約終了 {day(value['contract_end'])}")
    return f"（{'、'.join(said)}）" if said else ""


def _things(items: list[Any], people: Names,
            known: dict[str, str]) -> list[tuple[str, dict[str, Any] | None]]:
    return [(thing_words(item, people, known), item if isinstance(item, dict) else None)
            for item in items]


def thing_words(item: Any, people: Names, known: dict[str, str] | None = None) -> str:
    """One item the successor received (a promise, a complaint, a request, a concession, a
    person), in words, whatever section it comes from; ``known`` names what the item only
    cites by id."""
    if not isinstance(item, dict):
        return str(item)
    what = next((str(item[k]) for k in ("description", "subject", "detail", "what", "name",
                                        "title", "concession", "precedent") if item.get(k)),
                "")
    if not what:
        what = next(((known or {}).get(item[k], "") for k in ITEM_IDS if item.get(k)), "")
    kind = item.get("kind")
    if kind in REQUEST_KIND_JA:
        what = f"{REQUEST_KIND_JA[kind]}: {what}" if what else REQUEST_KIND_JA[kind]
    elif kind == "complaint":
        what = f"クレーム対応: {what}"
    facts = []
    if item.get("change") in STAKEHOLDER_CHANGE_JA:
        facts.append(STAKEHOLDER_CHANGE_JA[item["change"]])
    if item.get("severity"):
        facts.append(f"重大度 {SEVERITY_JA.get(item['severity'], item['severity'])}")
    if item.get("due_date"):
        facts.append(f"期限 {day(item['due_date'])}")
    if item.get("overdue"):
        facts.append("期限切れ")
    if item.get("made_by"):
        to = f"{item['made_to']}に" if item.get("made_to") else ""
        facts.append(f"{people(item['made_by'])}が{to}約束")
    if item.get("received_at"):
        facts.append(f"受付 {jst(item['received_at'])}")
    for key in ("age_days", "days_open", "days_waiting"):
        if item.get(key) is not None:
            facts.append(f"経過 {item[key]}日")
    if item.get("responded") is False:
        facts.append("初動なし")
    if item.get("answer") in ANSWER_JA:
        facts.append(ANSWER_JA[item["answer"]])
    if item.get("on"):
        facts.append(day(item["on"]))
    if item.get("stance"):
        facts.append(STANCE_JA.get(item["stance"], str(item["stance"])))
    return (what or "（内容の記録なし）") + (f"（{'、'.join(facts)}）" if facts else "")


def scoring_explained() -> list[str]:
    """How a health score is reached, in words a 課長 can argue with, built from the very
    constants the scoring uses (projections.health_score), so page and code cannot differ."""
    def share(weights: dict[str, float], names: dict[str, str]) -> str:
        return "、".join(f"{names.get(k, k)} {v:.0%}" for k, v in weights.items())
    low, medium, high = (score.RESPONSE_HOURS[s] for s in ("low", "medium", "high"))
    return [
        f"{len(score.WEIGHTS)}つの要素の加重平均です: {share(score.WEIGHTS, COMPONENT_JA)}。",
        f"訪問リズムは約束の訪問周期ごとに最もよい接触で数えます: "
        f"{share(score.CHANNEL_WEIGHTS, CHANNEL_JA)}。",
        f"約束は期限どおりに守れば満点、遅れるほど下がり、{score.PROMISE_LATE_ZERO_DAYS}日遅れで0、"
        "守れなかった約束は0です。前任者の約束を期限どおりに守れば後任者の点になり、"
        "前任者の約束の遅れは誰の点にもなりません。",
        f"クレームは初動と解決の速さを重大度ごとの目安で見ます（初動の目安: 低 {low[0]}時間、"
        f"中 {medium[0]}時間、高 {high[0]}時間）。重大度による重み: " + "、".join(
            f"{SEVERITY_JA.get(k, k)} {v:g}" for k, v in score.SEVERITY_WEIGHTS.items()) + "。",
        f"要望（短納期、値下げなど）は回答の速さで見ます（回答の中身は問いません）: "
        f"{score.REQUEST_ANSWER_DAYS[0]}日以内なら満点、{score.REQUEST_ANSWER_DAYS[1]}日で0。"
        "前任者から引き継いだ未回答の要望は、引き継いだ日から後任者の持ち分になり、"
        "早く回答すれば後任者の点になります。前任者は引き継ぎ時点の状態で評価されます。",
        f"契約更新は担当期間中の更新で見ます。期限切れのまま{score.RENEWAL_LAPSE_ZERO_DAYS}日で0です。",
        f"関係の温度は雑談（メールは数えません）の割合が、引き継いだ時点の直近{score.MOOD_WINDOW}回"
        f"（最初の担当者は自分の最初の{score.MOOD_WINDOW}回）と比べて保たれているかと、時間どおりの訪問（{score.PUNCTUAL_MINUTES}分までは満点、"
        f"{score.LATE_ZERO_MINUTES}分遅れで0）、提案への先方の返答の速さ（{score.REPLY_DAYS[0]}日以内なら満点、"
        f"{score.REPLY_DAYS[1]}日で0、返答がなければ0）が引き継いだ時点から保たれているかで見ます。"
        "引き継いだ時点の温度は後任者の責任にしません。",
        f"根拠が{score.FULL_EVIDENCE}件未満の要素は「暫定」で、重みを減らし50点寄りに表示します"
        "（1件だけで0点や100点にはなりません）。",
        f"記録が月{score.THIN_RECORDS_PER_MONTH:g}件未満の担当期間は点数を出さず「記録が少ない」と表示します。",
        f"後任者の最初の{score.RAMP_UP_DAYS}日は立ち上がり期間です。後任者の点数は、前任者の担当開始から"
        "同じ日数の点数（と前年同時期）と並べて示し、前任者の期間全体の点数とは比べません。",
    ]
