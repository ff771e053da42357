"""Japanese words for the codes the events and views use, and dates in JST."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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
    "handover_checkpoint_held": "振り返りの実施",
}

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
}

SEVERITY_JA = {"low": "低", "medium": "中", "high": "高"}
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
BASIS_JA = {"fact": "事実", "opinion": "意見"}
ROLE_JA = {"rep": "営業担当", "manager": "課長", "auditor": "監査", "admin": "管理者"}
HEALTH_STATUS_JA = {"closed": "確定（引き継ぎ時点）", "active": "担当中",
                    "ramp_up": "立ち上がり期間"}
COMPONENT_JA = {"cadence": "訪問リズム", "promises": "約束の履行", "complaints": "クレーム対応",
                "renewal": "契約更新", "warmth": "関係の温度（雑談・時間厳守）"}
WARNING_SEVERITY_JA = {"low": "参考", "medium": "注意", "high": "要対応"}
HANDOVER_STEP_JA = {"initiated": "開始", "dossier_acknowledged": "引き継ぎ資料の確認",
                    "joint_visit": "同行訪問", "customer_informed": "担当交代の連絡",
                    "checkpoint_scheduled": "振り返り日の設定", "checkpoint_held": "振り返りの実施"}
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


def headline(item: dict[str, Any]) -> str:
    """One line that says what an event was, in the words of the work."""
    data, kind = item["data"], item["kind"]
    get = data.get
    lines = {
        "account_opened": lambda: f"{get('name')} の取引を開始（訪問周期 "
                                  f"{get('visit_cadence_days')}日）",
        "visit_cadence_agreed": lambda: f"訪問周期を {get('visit_cadence_days')}日 に合意",
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
        "handover_initiated": lambda: f"{get('from_rep_id')} → {get('to_rep_id')}（"
                                      f"{get('reason')}）",
        "handover_completed": lambda: f"{get('from_rep_id')} → {get('to_rep_id')}",
        "handover_cancelled": lambda: str(get("reason")),
        "record_corrected": lambda: f"{get('reason')}",
    }
    line = lines.get(kind)
    return line() if line else str(get("note") or "")


def shown_value(value: Any) -> str:
    """An event field as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, list):
        return "、".join(shown_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "、".join(f"{FIELD_JA.get(k, k)}: {shown_value(v)}" for k, v in value.items())
    text = str(value)
    if len(text) >= 20 and text[4:5] == "-" and "T" in text[10:11]:
        try:
            return jst(text)
        except ValueError:
            return text
    return text
