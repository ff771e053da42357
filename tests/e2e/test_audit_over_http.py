"""伊藤さん audits: verifies the chain, keeps its digest, exports the timeline."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.e2e.conftest import ADMIN_TOKEN, Office, Person
from tests.integration.test_tamper import RawEvents, event_id_of, row_of

# The export's columns as readers knew them before the unreadable column was appended.
COLUMNS_BEFORE_UNREADABLE = ("notification_id", "account_id", "version", "event_id", "kind",
                             "topic", "occurred_at", "recorded_at", "recorded_by", "data",
                             "chain_hash", "log_hash")


def test_verify_digest_and_export(office: Office) -> None:
    account = office.open_yamada()
    sato, ito = office.佐藤さん, office.監査の伊藤さん
    for text in ("月末は避ける", "競合の話題は禁句", "「お世話になっております」🙇"):
        sato.post(f"/v1/accounts/{account}/notes", {"text": text})

    whole = ito.get("/v1/audit/verify").json()
    assert whole["ok"] is True and whole["first_bad_event_id"] is None
    assert whole["events_checked"] == office.store.recorder.max_notification_id()
    mine = ito.get("/v1/audit/verify", params={"account_id": account}).json()
    assert (mine["ok"], mine["events_checked"]) == (True, 4)
    assert ito.get("/v1/audit/verify", params={
        "account_id": "6f1c7c3e-0000-4000-8000-000000000000"}).status_code == 404

    head = ito.get("/v1/audit/digest").json()["digest"]
    checked = ito.get("/v1/audit/verify", params={"digest": head}).json()
    assert checked["digest_matches"] is True and checked["ok"] is True
    assert ito.get("/v1/audit/verify", params={"digest": "nonsense"}).status_code == 422

    jsonl = ito.get("/v1/audit/export", params={"account_id": account})
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    history = ito.get(f"/v1/accounts/{account}/history").json()["items"]
    assert [(x["version"], x["event_id"], x["kind"]) for x in lines] == [
        (h["version"], h["event_id"], h["kind"]) for h in history]
    assert [x["data"] for x in lines] == [h["data"] for h in history]
    assert lines[-1]["data"]["text"] == "「お世話になっております」🙇"
    assert all(len(x["chain_hash"]) == 64 and len(x["log_hash"]) == 64 for x in lines)

    excel = ito.get("/v1/audit/export", params={"account_id": account, "format": "csv",
                                                "bom": "true"})
    assert excel.headers["content-type"].startswith("text/csv")
    assert excel.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig"))))
    assert [json.loads(r["data"]) for r in rows] == [x["data"] for x in lines]
    assert [int(r["version"]) for r in rows] == [x["version"] for x in lines]

    everything = ito.get("/v1/audit/export").text.splitlines()
    assert len(everything) == office.store.recorder.max_notification_id()
    assert sato.get("/v1/audit/export").status_code == 403


def test_the_dossier_as_it_stood(office: Office) -> None:
    account = office.open_yamada()
    office.佐藤さん.post(f"/v1/accounts/{account}/notes",
                        {"text": "競合の話題は禁句", "topic": "taboo"})
    moment = datetime.now(UTC).isoformat()
    office.佐藤さん.post(f"/v1/accounts/{account}/notes",
                        {"text": "後日のメモ", "topic": "caution"})
    then = office.監査の伊藤さん.get(f"/v1/accounts/{account}/dossier",
                                   params={"as_of": moment}).json()
    assert [c["text"] for c in then["cautions"]] == ["競合の話題は禁句"]
    now = office.監査の伊藤さん.get(f"/v1/accounts/{account}/dossier").json()
    assert [c["text"] for c in now["cautions"]] == ["競合の話題は禁句", "後日のメモ"]
    by_occurrence = office.田中課長.get(f"/v1/accounts/{account}", params={
        "as_of": moment, "as_of_basis": "occurred"})
    assert by_occurrence.status_code == 200
    assert by_occurrence.json()["as_of_basis"] == "occurred"


def test_ito_audits_accounts_whose_stored_rows_were_damaged(office: Office,
                                                             settings: Settings) -> None:
    """Rows damaged under the service, read by a freshly started one (nothing cached): every
    verify and export answers 200 and names the damaged row and why."""
    tanaka, sato = office.田中課長, office.佐藤さん
    accounts: dict[str, str] = {}
    for name in ("株式会社山田製作所", "鈴木商店", "高橋工業", "中村物産", "渡辺運輸"):
        opened = tanaka.post("/v1/accounts", {"name": name, "owner_rep_id": "sato",
                                              "visit_cadence_days": 14})
        accounts[name] = opened.json()["account_id"]
        for text in ("月末は避ける", "競合の話題は禁句", "担当は山田部長"):
            sato.post(f"/v1/accounts/{accounts[name]}/notes", {"text": text})
    raw = RawEvents(settings)

    def row(name: str, version: int) -> tuple[Any, ...]:
        return row_of(raw, UUID(accounts[name]), version)

    truncated, renamed = row("株式会社山田製作所", 3), row("鈴木商店", 2)
    middle, last = row("高橋工業", 2), row("中村物産", 4)
    raw.update(truncated[0], "state", bytes(truncated[4])[:60])
    raw.update(renamed[0], "topic", renamed[3] + "Gone")
    raw.delete(middle[0])
    raw.delete(last[0])
    next_in_log = row("渡辺運輸", 1)

    admin = Settings(**{**settings.model_dump(), "admin_token": ADMIN_TOKEN})
    with TestClient(create_app(admin)) as restarted:
        ito = Person(restarted, office.監査の伊藤さん.token)

        def verified(name: str | None = None) -> dict[str, Any]:
            response = ito.get("/v1/audit/verify",
                               params={"account_id": accounts[name]} if name else {})
            assert response.status_code == 200, response.text
            return dict(response.json())

        yamada = verified("株式会社山田製作所")
        assert yamada["ok"] is False
        assert yamada["first_bad_event_id"] == f"{accounts['株式会社山田製作所']}/3"
        assert (yamada["first_bad"]["version"], yamada["first_bad"]["notification_id"]) == (
            3, truncated[0])
        assert yamada["first_bad"]["unreadable"].startswith("state does not decode")
        suzuki = verified("鈴木商店")
        assert suzuki["first_bad_event_id"] == event_id_of(renamed)
        assert suzuki["first_bad"]["unreadable"].startswith("topic names no event class")
        takahashi = verified("高橋工業")
        assert takahashi["first_bad"]["reason"].startswith("version 3 follows 1")
        nakamura = verified("中村物産")
        assert nakamura["ok"] is False and nakamura["events_checked"] == 3
        assert nakamura["first_bad"]["missing_notification_ids"] == [last[0], last[0]]
        assert "the event after version 3 of this account may be missing" in \
            nakamura["first_bad"]["reason"]
        assert verified("渡辺運輸")["ok"] is True, "its own rows are whole"

        whole = verified()
        assert whole["ok"] is False and whole["problem_count"] == 4
        assert [(p["event_id"], p["notification_id"]) for p in whole["problems"]] == [
            (f"{accounts['株式会社山田製作所']}/3", truncated[0]),
            (event_id_of(renamed), renamed[0]),
            (event_id_of(row("高橋工業", 3)), row("高橋工業", 3)[0]),
            (event_id_of(next_in_log), next_in_log[0])]

        for name in ("株式会社山田製作所", "鈴木商店", None):
            params = {"account_id": accounts[name]} if name else {}
            jsonl = ito.get("/v1/audit/export", params=params)
            assert jsonl.status_code == 200, jsonl.text
            lines = [json.loads(line) for line in jsonl.text.splitlines()]
            assert all("unreadable" in line for line in lines)
            broken = {line["notification_id"]: line["unreadable"] for line in lines
                      if line["unreadable"]}
            expected = {truncated[0]: yamada["first_bad"]["unreadable"],
                        renamed[0]: suzuki["first_bad"]["unreadable"]}
            assert broken == {n: why for n, why in expected.items()
                              if n in {line["notification_id"] for line in lines}}
            assert broken, "each export holds a damaged row"
            for bom in (False, True):
                csv_export = ito.get("/v1/audit/export",
                                     params={**params, "format": "csv", "bom": bom})
                assert csv_export.status_code == 200, csv_export.text
                text = csv_export.content.decode("utf-8")
                assert text.startswith("\ufeff") is bom
                rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
                assert list(rows[0])[:-1] == list(COLUMNS_BEFORE_UNREADABLE)
                assert list(rows[0])[-1] == "unreadable"
                assert {int(r["notification_id"]): r["unreadable"] for r in rows
                        if r["unreadable"]} == broken
                assert [int(r["notification_id"]) for r in rows] == [
                    line["notification_id"] for line in lines]
