"""株式会社山田製作所 passes from 佐藤さん to 鈴木さん, over HTTP: the printed dossier (Markdown)
carries every part of the JSON one, people by name and codes in Japanese, and what was said
at the joint visit is still there once the handover is complete."""

from __future__ import annotations

import re
from typing import Any

from api.markdown import SECTION_MARKERS
from tests.e2e.conftest import Office, Person


def posted(person: Person, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = person.post(url, body)
    assert response.status_code in (200, 201), (url, response.text)
    return dict(response.json())


def 山田製作所を鈴木さんへ(office: Office) -> str:
    base = f"/v1/accounts/{office.open_yamada()}"
    sato, suzuki, tanaka = office.佐藤さん, office.鈴木さん, office.田中課長
    for day in ("2026-10-06", "2026-10-20", "2026-11-03"):
        posted(sato, f"{base}/visits", {"occurred_at": f"{day}T10:00:00+09:00",
                                        "purpose": "定期訪問", "summary": "新ラインの件",
                                        "attendees": ["山田 一郎 部長"], "small_talk": True})
    posted(sato, f"{base}/notes", {"text": "訪問は火曜か木曜の午前10時が良い",
                                   "topic": "preference"})
    posted(sato, f"{base}/notes", {"text": "工場長は釣りの話が好き", "kind": "opinion"})
    posted(sato, f"{base}/stakeholders", {"name": "山田 一郎", "title": "購買部長",
                                          "decision_power": True, "stance": "critical",
                                          "note": "最終決裁者。数字と根拠で話す人"})
    sample = posted(sato, f"{base}/promises", {"description": "サンプル持参",
                                               "due_date": "2026-11-10", "made_to": "中村さん"})
    posted(sato, f"{base}/promises/{sample['promise_id']}/close",
           {"outcome": "broken", "note": "在庫切れ"})
    posted(sato, f"{base}/promises", {"description": "カタログを送る", "due_date": "2026-11-15",
                                      "made_to": "山田部長"})
    handover = posted(tanaka, f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"})["handover_id"]
    steps = f"{base}/handovers/{handover}"
    posted(suzuki, f"{steps}/acknowledge", {})
    posted(sato, f"{steps}/joint-visit", {"occurred_at": "2026-11-20T10:00:00+09:00",
                                          "note": "今井課長は無言"})
    posted(suzuki, f"{steps}/complete")
    return base


def test_the_printed_dossier_carries_every_part_of_the_json_one(office: Office) -> None:
    base = 山田製作所を鈴木さんへ(office)
    dossier = office.鈴木さん.get(f"{base}/dossier")
    printed = office.鈴木さん.get(f"{base}/dossier", headers={"Accept": "text/markdown"}).text
    assert dossier.status_code == 200
    missing = [key for key in dossier.json()
               if key not in SECTION_MARKERS or SECTION_MARKERS[key] not in printed]
    assert not missing, f"parts of the JSON dossier the Markdown one lacks: {missing}"


def test_the_successor_reads_names_and_japanese(office: Office) -> None:
    base = 山田製作所を鈴木さんへ(office)
    printed = office.鈴木さん.get(f"{base}/dossier", headers={"Accept": "text/markdown"}).text
    for said in ("訪問は火曜か木曜の午前10時が良い", "最終決裁者。数字と根拠で話す人",
                 "工場長は釣りの話が好き", "新ラインの件",
                 "同行訪問（佐藤 健さん → 鈴木 一郎さん）: 今井課長は無言",
                 "サンプル持参（佐藤 健さんが中村さんに約束、期限 2026-11-10",
                 "山田 一郎（購買部長、決裁権あり、批判的",
                 "約束の期限切れ (2026-11-15, 佐藤 健さんの約束) — 推定／根拠: "):
        assert said in printed, said
    for id_or_code in ("sato", "suzuki", "tanaka", "critical", "記録: ?", "事実／記録: ?"):
        assert id_or_code not in printed, id_or_code
    assert not re.findall(r"(?<![`\w])[a-z_]{3,}(?![`\w])", printed)


def test_warnings_name_people_in_json_too(office: Office) -> None:
    base = 山田製作所を鈴木さんへ(office)
    initiated = office.鈴木さん.get(f"{base}/history?kind=handover_initiated").json()["items"]
    frozen = office.鈴木さん.get(
        f"{base}/handovers/{initiated[0]['data']['handover_id']}/dossier").json()
    for warnings in (office.鈴木さん.get(f"{base}/dossier").json()["warnings"],
                     office.鈴木さん.get(base).json()["health"]["warnings"],
                     frozen["dossier"]["warnings"]):
        (overdue,) = [w for w in warnings if w["code"] == "promise_overdue"]
        assert overdue["message"] == "約束の期限切れ (2026-11-15, 佐藤 健さんの約束)"
        assert (overdue["user_id"], overdue["user_name"]) == ("sato", "佐藤 健")
        assert overdue["facts"] == {"due_date": "2026-11-15"}
    json_dossier = office.鈴木さん.get(f"{base}/dossier").json()
    assert json_dossier["open_promises"][0]["made_by"] == "sato", "JSON keeps ids"
    assert json_dossier["handover_notes"][0]["note"] == "今井課長は無言"
