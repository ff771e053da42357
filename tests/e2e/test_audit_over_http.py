"""伊藤さん audits: verifies the chain, keeps its digest, exports the timeline."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from tests.e2e.conftest import Office


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
