"""A client generated from /openapi.json trusts it: every answer of a week at
株式会社山田製作所 (佐藤さん's visits, promises, complaints; the handover to 鈴木さん; 田中課長's
board; the auditor's check) is checked against the schema the document declares for its
route and status, each named model closed (additionalProperties: false), so a field
answered but not declared fails here instead of landing in a client's additional_properties."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from tests.e2e.conftest import Office, Person

SAMPLE = Path(__file__).parents[2] / "api/imports/samples/tsunagi-csv.csv"


def closed(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every schema that names its properties closed to others; the
    open-ended documents (dict[str, Any]: no properties) stay open."""
    found = copy.deepcopy(document)

    def close(schema: Any) -> None:
        if isinstance(schema, dict):
            if "properties" in schema and "additionalProperties" not in schema:
                schema["additionalProperties"] = False
            for value in schema.values():
                close(value)
        elif isinstance(schema, list):
            for value in schema:
                close(value)

    close(found["components"])
    return found


class Contract:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = closed(document)
        self.checked: set[tuple[str, str]] = set()

    def check(self, method: str, path: str, response: Any) -> Any:
        """The answer, once it matches what the document declares for it."""
        assert response.status_code < 300, response.text
        declared = self.document["paths"][path][method]["responses"][str(response.status_code)]
        media = response.headers["content-type"].split(";")[0]
        schema = declared["content"][media]["schema"]
        validator = jsonschema_rs.Draft202012Validator(
            {**schema, "components": self.document["components"]})
        body = response.json() if media == "application/json" else response.text
        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"
                  for e in validator.iter_errors(body)]
        assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[:5]}"
        for header in declared.get("headers", {}) if media == "application/json" else ():
            assert header in response.headers, f"{method.upper()} {path}: {header} declared"
        self.checked.add((method, path))
        return body


@pytest.fixture
def contract(office: Office) -> Contract:
    return Contract(office.client.get("/openapi.json").json())


def test_a_week_at_yamada_answers_exactly_what_the_document_declares(
        office: Office, contract: Contract) -> None:
    tanaka, sato, suzuki, ito = (office.田中課長, office.佐藤さん, office.鈴木さん,
                                 office.監査の伊藤さん)
    accounts = "/v1/accounts"
    one = "/v1/accounts/{account_id}"

    def write(person: Person, path: str, body: Any, **ids: str) -> Any:
        return contract.check("post", path, person.post(path.format(**ids), body))

    opened = write(tanaka, accounts, {"name": "株式会社山田製作所", "owner_rep_id": "sato",
                                      "visit_cadence_days": 14, "started_on": "2024-04-01"})
    at = {"account_id": opened["account_id"]}
    write(sato, f"{one}/cadence", {"visit_cadence_days": 21}, **at)
    moved = contract.check("patch", one, sato.patch(one.format(**at), {
        "address": "埼玉県川口市本町1-2-3", "phone": "048-000-1234"}))
    assert moved["event_id"]
    visit = write(sato, f"{one}/visits", {
        "occurred_at": "2026-11-19T14:00:00+09:00", "purpose": "定期訪問",
        "summary": "新ラインの立ち上げで忙しそう。", "attendees": ["山田 一郎 部長"],
        "small_talk": True, "next_action": "来週までに部品カタログを送る"}, **at)
    assert visit["visit_id"]
    overdue = write(sato, f"{one}/promises", {"description": "見積書を再提出する",
                                              "due_date": "2026-11-10", "made_to": "山田部長",
                                              "occurred_at": "2026-11-02T10:00:00+09:00"}, **at)
    kept = write(sato, f"{one}/promises", {"description": "カタログを送る",
                                           "due_date": "2026-11-27", "made_to": "山田部長"},
                 **at)
    write(sato, f"{one}/promises/{{promise_id}}/renegotiate",
          {"new_due_date": "2026-12-04", "note": "先方の都合で翌週に"},
          promise_id=kept["promise_id"], **at)
    write(sato, f"{one}/promises/{{promise_id}}/close", {"outcome": "kept", "note": "送付済み"},
          promise_id=kept["promise_id"], **at)
    complaint = write(sato, f"{one}/complaints", {
        "received_at": "2026-11-18T15:00:00+09:00", "subject": "納品遅延",
        "detail": "11月分の部品が2日遅れた", "severity": "high"}, **at)
    on_complaint = {"complaint_id": complaint["complaint_id"], **at}
    write(sato, f"{one}/complaints/{{complaint_id}}/acknowledge", {"note": "電話で受付"},
          **on_complaint)
    write(sato, f"{one}/complaints/{{complaint_id}}/apologise", {"note": "部長に謝罪"},
          **on_complaint)
    write(sato, f"{one}/complaints/{{complaint_id}}/remedy",
          {"remedy": "在庫を2週間分確保する"}, **on_complaint)
    write(sato, f"{one}/complaints/{{complaint_id}}/resolve", {
        "resolved_at": "2026-11-19T11:00:00+09:00", "resolution": "再発防止策で合意",
        "concession": "次回納品分を3%値引き"}, **on_complaint)
    request = write(sato, f"{one}/requests", {"kind": "discount",
                                              "detail": "来期の単価を5%下げてほしい"}, **at)
    write(sato, f"{one}/requests", {"kind": "rush_delivery", "detail": "来週納品できないか"},
          **at)
    write(sato, f"{one}/requests/{{request_id}}/answer",
          {"answer": "partly", "concession": "値下げ 3% を了承"},
          request_id=request["request_id"], **at)
    proposal = write(sato, f"{one}/proposals", {"title": "省エネ型コンプレッサーへの更新",
                                                "detail": "電気代が年12%下がる試算"}, **at)
    write(sato, f"{one}/proposals/{{proposal_id}}/reaction",
          {"reaction": "positive", "note": "来期予算で検討"},
          proposal_id=proposal["proposal_id"], **at)
    yamada = write(sato, f"{one}/stakeholders", {
        "name": "山田 一郎", "title": "購買部長", "decision_power": True,
        "stance": "supportive"}, **at)
    write(sato, f"{one}/stakeholders/{{stakeholder_id}}/change", {"title": "取締役"},
          stakeholder_id=yamada["stakeholder_id"], **at)
    buyer = write(sato, f"{one}/stakeholders", {"name": "木村 次郎", "stance": "critical"},
                  **at)
    write(sato, f"{one}/stakeholders/{{stakeholder_id}}/leave", {"reason": "本社へ異動"},
          stakeholder_id=buyer["stakeholder_id"], **at)
    write(sato, f"{one}/notes", {"text": "月末は検収で忙しいので訪問は避ける",
                                 "kind": "fact", "topic": "caution"}, **at)
    write(sato, f"{one}/renewals", {
        "renewed_at": "2026-03-25T10:00:00+09:00", "contract_end": "2027-01-31",
        "terms": "年間保守・月次点検", "annual_value_jpy": 5_040_000}, **at)
    promises_made = contract.check("get", f"{one}/history", sato.get(
        f"{one}/history".format(**at), params={"kind": "promise_made", "limit": 1}))
    assert promises_made["next_cursor"]
    write(sato, f"{one}/corrections", {
        "corrected_event_id": promises_made["items"][0]["event_id"],
        "corrections": {"due_date": "2026-11-09"}, "reason": "期日の誤記"}, **at)

    read = {"account": sato.get(one.format(**at)),
            "as of": tanaka.get(one.format(**at), params={"as_of": "2026-11-19T15:00:00+09:00",
                                                        "as_of_basis": "occurred"})}
    for response in read.values():
        contract.check("get", one, response)
    contract.check("get", f"{one}/dossier", sato.get(f"{one}/dossier".format(**at)))
    markdown = contract.check("get", f"{one}/dossier", sato.get(
        f"{one}/dossier".format(**at), headers={"Accept": "text/markdown"}))
    assert "株式会社山田製作所" in markdown
    contract.check("get", "/v1/reps/me/route", sato.get("/v1/reps/me/route",
                                                        params={"date": "2026-11-20"}))
    week = contract.check("get", "/v1/reps/me/route", sato.get(
        "/v1/reps/me/route", params={"date": "2026-11-20", "days": 5}))
    assert len(week["days"]) == 5
    contract.check("get", "/v1/reps/{rep_id}/route", tanaka.get("/v1/reps/sato/route"))
    listed = contract.check("get", accounts, sato.get(accounts, params={"q": "山田"}))
    assert [item["name"] for item in listed["items"]] == ["株式会社山田製作所"]

    handover = write(tanaka, f"{one}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00",
        "occurred_at": "2026-11-18T09:00:00+09:00"}, **at)
    on_handover = {"handover_id": handover["handover_id"], **at}
    write(suzuki, f"{one}/handovers/{{handover_id}}/acknowledge",
          {"occurred_at": "2026-11-19T09:00:00+09:00"}, **on_handover)
    contract.check("get", f"{one}/handovers/{{handover_id}}/dossier",
                   suzuki.get(f"{one}/handovers/{{handover_id}}/dossier".format(**on_handover)))
    write(sato, f"{one}/handovers/{{handover_id}}/joint-visit", {
        "occurred_at": "2026-11-19T14:00:00+09:00", "note": "同行訪問で山田部長に紹介"},
        **on_handover)
    write(suzuki, f"{one}/handovers/{{handover_id}}/customer-informed", {
        "occurred_at": "2026-11-19T16:00:00+09:00", "note": "山田部長に電話"}, **on_handover)
    write(tanaka, f"{one}/handovers/{{handover_id}}/checkpoint", {
        "checkpoint_on": "2026-11-19", "note": "振り返り"}, **on_handover)
    board = contract.check("get", "/v1/team", tanaka.get("/v1/team",
                                                         params={"date": "2026-11-20"}))
    assert board["handovers"] and board["checkpoints"] and board["renewals"]
    assert [(p["promise_id"], p["description"]) for p in board["promises_overdue"]] == [
        (overdue["promise_id"], "見積書を再提出する")]
    assert board["concessions"]
    write(tanaka, f"{one}/handovers/{{handover_id}}/complete", {}, **on_handover)
    write(suzuki, f"{one}/handovers/{{handover_id}}/checkpoint-held",
          {"note": "田中課長と振り返り"}, **on_handover)
    second = write(tanaka, f"{one}/handovers", {
        "to_rep_id": "takahashi", "reason": "担当替え",
        "effective_at": "2027-01-05T09:00:00+09:00"}, **at)
    write(tanaka, f"{one}/handovers/{{handover_id}}/cancel", {"reason": "異動が延期になった"},
          handover_id=second["handover_id"], **at)
    contract.check("get", f"{one}/dossier", suzuki.get(f"{one}/dossier".format(**at)))
    contract.check("get", one, suzuki.get(one.format(**at)))

    contract.check("get", "/v1/audit/verify", ito.get("/v1/audit/verify"))
    contract.check("get", "/v1/audit/verify", ito.get("/v1/audit/verify", params=at))
    contract.check("get", "/v1/audit/digest", ito.get("/v1/audit/digest"))
    contract.check("get", "/v1/users", tanaka.get("/v1/users"))
    contract.check("get", "/v1/users/me", suzuki.get("/v1/users/me"))
    contract.check("post", "/v1/users", office.admin.post(
        "/v1/users", {"user_id": "watanabe", "name": "渡辺 美咲", "role": "rep"}))
    contract.check("post", "/v1/users/{user_id}/token",
                   office.admin.post("/v1/users/watanabe/token"))
    contract.check("post", "/v1/users/{user_id}/deactivate",
                   office.admin.post("/v1/users/watanabe/deactivate"))
    contract.check("post", "/v1/users/me/calendar", suzuki.post("/v1/users/me/calendar"))
    for dry_run in ("true", "false"):
        contract.check("post", "/v1/imports", tanaka.client.post(
            f"/v1/imports?format=tsunagi-csv&dry_run={dry_run}", content=SAMPLE.read_bytes(),
            headers={**tanaka.auth, "Content-Type": "text/csv"}))
    views = office.client.app.state.views  # type: ignore[attr-defined]
    assert views.caught_up(list(views.by_name), timeout=30), "health is read once caught up"
    contract.check("get", "/health", office.client.get("/health"))

    json_routes = {(method, path) for path, operations in contract.document["paths"].items()
                   for method, operation in operations.items()
                   if "application/json" in next(
                       answer for code, answer in operation["responses"].items()
                       if code.startswith("2")).get("content", {})}
    assert json_routes - contract.checked == set(), "every JSON route answered once here"


def test_every_json_answer_names_its_schema_and_every_write_its_etag(
        office: Office) -> None:
    document = office.client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema")
                if not code.startswith("2") or schema is None:
                    continue
                refs = [schema] if "$ref" in schema else schema.get("anyOf", [])
                assert refs and all("$ref" in ref for ref in refs), \
                    f"{method} {path} {code}: a named schema, not {schema}"
                if method in ("post", "patch") and path.startswith("/v1/accounts"):
                    assert "ETag" in answer["headers"], f"{method} {path}"
            if path.startswith("/v1"):
                assert "Retry-After" in operation["responses"]["503"]["headers"]
    created = {path: document["paths"][path]["post"]["responses"]["201"]["content"][
        "application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for path in ("/v1/accounts/{account_id}/visits", "/v1/accounts/{account_id}/promises",
                     "/v1/accounts/{account_id}/complaints",
                     "/v1/accounts/{account_id}/handovers", "/v1/accounts/{account_id}/requests")}
    schemas = document["components"]["schemas"]
    for path, name in created.items():
        item_id = f"{path.rsplit('/', 1)[1].removesuffix('s')}_id"
        assert item_id in schemas[name]["required"], (path, name)
    markdown = document["paths"]["/v1/accounts/{account_id}/dossier"]["get"]["responses"][
        "200"]["content"]["text/markdown"]
    assert markdown["schema"]["type"] == "string"
    assert schemas["PromiseClose"]["properties"]["outcome"]["$ref"].endswith("/PromiseOutcome")
    assert schemas["PromiseOutcome"]["enum"] == ["kept", "broken", "cancelled"]
    assert schemas["ComplaintCreate"]["properties"]["severity"]["$ref"].endswith("/Severity")
    assert schemas["RequestAnswer"]["properties"]["answer"]["enum"] == [
        "accepted", "partly", "declined"]
    assert "株式会社山田製作所" in str(schemas["AccountPublic"])
    assert "見積書を再提出する" in str(schemas["TeamBoardPublic"]) + str(
        schemas["OverduePromisePublic"])


def test_an_account_opened_says_where_it_is(office: Office) -> None:
    opened = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": "sato", "visit_cadence_days": 14})
    assert opened.status_code == 201, opened.text
    assert opened.headers["Location"] == f"/v1/accounts/{opened.json()['account_id']}"
    found = office.田中課長.get(opened.headers["Location"])
    assert (found.status_code, found.json()["name"]) == (200, "株式会社山田製作所")
