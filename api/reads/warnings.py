"""Warnings as people read them, wherever they are served (JSON, pages, the Markdown
dossier): the message rendered from the warning's facts (projections.health_warnings), the
person it names by the name they registered (``user_name`` beside the ``user_id``). No text
is rewritten after the fact."""

from __future__ import annotations

from typing import Any

from api.reads.people import Names, People
from projections.health_warnings import WarningCode

# A warning's words, from its facts (projections.health_warnings): {person} is the user the
# warning names, by their registered name; the customer's people are named as recorded.
WARNING_MESSAGES_JA: dict[WarningCode, str] = {
    WarningCode.VISIT_OVERDUE: "訪問が{days}日遅れています (最終訪問 {last_visit_on})",
    WarningCode.SMALL_TALK_DECLINING: "雑談が減っています ({share_before:.0%} → {share:.0%})",
    WarningCode.SMALL_TALK_LOW: "雑談の少ない訪問が続いています (直近{visits}回で{share:.0%})",
    WarningCode.LATENESS: "直近{visits}回の訪問のうち{late}回遅刻",
    WarningCode.PROMISE_OVERDUE: "約束の期限切れ ({due_date}, {person}の約束)",
    WarningCode.PROMISES_BROKEN: "{person}が{days}日以内に約束を{count}回破っています",
    WarningCode.COMPLAINT_UNANSWERED: "クレームに{hours}時間初動なし",
    WarningCode.COMPLAINT_OPEN_LONG: "クレームが{days}日未解決",
    WarningCode.REQUEST_UNANSWERED: "お客様の要望に{days}日回答していません ({received_on}受付)",
    WarningCode.DECISION_MAKER_ABSENT:
        "決裁者の{stakeholder}様が直近{visits}回の訪問に同席していません",
    WarningCode.SUPPORTER_LEFT: "協力的だった{stakeholder}様が{left_on}に離れました",
    WarningCode.CONCESSIONS_REPEATED: "{since}以降に譲歩が{count}回あります (前例になります)",
    WarningCode.CONTRACT_EXPIRED: "契約が{days}日前に終了",
    WarningCode.RENEWAL_DUE: "契約終了まで{days}日",
    WarningCode.HANDOVER_CHECKPOINT: "引き継ぎの振り返り日 {checkpoint_on}",
}


def warning_words(warning: dict[str, Any], people: Names) -> str:
    """A warning as people read it, from its facts, the person it names by name:
    「約束の期限切れ (2026-11-20, 佐藤 健さんの約束)」."""
    person = people(warning["user_id"]) if warning.get("user_id") else "—"
    return WARNING_MESSAGES_JA[WarningCode(warning["code"])].format(
        **warning["facts"], person=person)


def named_warnings(warnings: list[dict[str, Any]], people: People) -> list[dict[str, Any]]:
    """Each warning with its ``message`` (and ``user_name`` where it names someone)."""
    return [named_warning(warning, people) for warning in warnings]


def named_warning(warning: dict[str, Any], people: People) -> dict[str, Any]:
    named = {**warning, "message": warning_words(warning, people)}
    if warning.get("user_id"):
        named["user_name"] = people.name(warning["user_id"])
    return named
