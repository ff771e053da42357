"""The dossier as a printable Markdown document (引き継ぎ資料)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from projections.records import BUSINESS_TZ

HEALTH_JA = {"closed": "確定", "active": "担当中", "ramp_up": "立ち上がり期間"}
STATUS_JA = {"received": "受付", "acknowledged": "初動済み", "apologised": "謝罪済み",
             "remedy_proposed": "改善案提示", "resolved": "解決"}


def _jst(moment: str | None) -> str:
    """2026-11-20T01:30:00+00:00 → 2026-11-20 10:30 (JST)."""
    if not moment:
        return "現在"
    return datetime.fromisoformat(moment).astimezone(BUSINESS_TZ).strftime("%Y-%m-%d %H:%M")


def _cite(item: dict[str, Any]) -> str:
    ids = ", ".join(f"`{i[:8]}`" for i in item.get("event_ids", []))
    basis = "意見" if item.get("basis") == "opinion" else "事実"
    return f" — {basis}／記録: {item.get('author', '?')}／出典: {ids}"


def render(dossier: dict[str, Any]) -> str:
    account = dossier["account"]
    lines = [f"# 引き継ぎ資料: {account['name']}", "",
             f"時点: {_jst(dossier['as_of']['at'])} (version {dossier['as_of']['version']})",
             ""]
    handover = dossier.get("handover")
    if handover:
        lines += [f"引き継ぎ: {handover['from_rep_id']} → {handover['to_rep_id']} "
                  f"(理由: {handover['reason']}, 発効 {_jst(handover['effective_at'])})", ""]
    lines += ["## 担当の変遷と健全度", ""]
    for tenure in dossier["tenures"]:
        score = tenure["health"]["score"]
        lines.append(f"- {tenure['rep_id']}: {_jst(tenure['from'])} 〜 {_jst(tenure['to'])} "
                     f"({HEALTH_JA.get(tenure['status'], tenure['status'])}, "
                     f"スコア {'—' if score is None else score})")
    contract = dossier.get("contract")
    lines += ["", "## 取引", ""]
    if contract:
        lines.append(f"- 契約終了 {contract['contract_end']}、"
                     f"年額 {contract['annual_value_jpy']:,}円、"
                     f"条件: {contract['terms']}{_cite(contract)}")
    for proposal in dossier["proposals_in_flight"]:
        lines.append(f"- 提案中: {proposal['title']}{_cite(proposal)}")
    rhythm = dossier["rhythm"]
    lines += ["", "## 訪問リズム", "",
              f"- 約束の訪問周期: {rhythm['visit_cadence_days']}日、"
              f"訪問 {rhythm['visits_total']}回"]
    sections: list[tuple[str, list[dict[str, Any]], Callable[[dict[str, Any]], str]]] = [
        ("先方担当者", dossier["stakeholders"], _stakeholder),
        ("未完了の約束", dossier["open_promises"], _promise),
        ("クレーム", dossier["complaints"], _complaint),
        ("前例となる要望と譲歩", dossier["precedents"], lambda r: str(r["precedent"])),
        ("注意点・禁句", dossier["cautions"], lambda n: str(n["text"])),
        ("未完了の案件", dossier["unfinished"], lambda u: str(u["what"])),
        ("警告", dossier["warnings"], lambda w: str(w["message"])),
    ]
    for title, items, describe in sections:
        lines += ["", f"## {title}", ""]
        lines += [f"- {describe(item)}{_cite(item)}" for item in items] or ["- なし"]
    return "\n".join(lines) + "\n"


def _stakeholder(s: dict[str, Any]) -> str:
    power = "あり" if s["decision_power"] else "なし"
    moved = "" if s["active"] else "、異動済み"
    return f"{s['name']} ({s['title'] or '役職不明'}、決裁権{power}、{s['stance']}{moved})"


def _promise(p: dict[str, Any]) -> str:
    return (f"{p['description']} (期限 {p['due_date']}、"
            f"{p['made_by']}さんが{p['made_to']}に約束)")


def _complaint(c: dict[str, Any]) -> str:
    concession = f"、譲歩: {c['concession']}" if c.get("concession") else ""
    status = STATUS_JA.get(c["status"], c["status"])
    return f"{c['subject']} ({status}、受付 {_jst(c['received_at'])}{concession})"
