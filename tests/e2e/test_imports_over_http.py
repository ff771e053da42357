"""田中課長 uploads the team's Excel 日報 (`POST /v1/imports`), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from api.imports.engine import account_id_of
from api.routes.imports import MAX_FILE_BYTES
from tests.e2e.conftest import Office

SAMPLE = Path(__file__).parents[2] / "api/imports/samples/tsunagi-csv.csv"
CSV = {"Content-Type": "text/csv"}


def upload(person: object, data: bytes, *, dry_run: bool = False,
           headers: dict[str, str] | None = None, format: str = "tsunagi-csv") -> object:
    return person.client.post(  # type: ignore[attr-defined]
        f"/v1/imports?format={format}&dry_run={str(dry_run).lower()}", content=data,
        headers={**person.auth, **(headers or CSV)})  # type: ignore[attr-defined]


def test_a_manager_imports_a_cp932_nippo_and_the_history_shows_its_source(
        office: Office) -> None:
    data = (SAMPLE.read_text(encoding="utf-8")
            + "C002,有限会社川口商店,2024/13/1,訪問,takahashi,定期訪問,,,,,,NIPPO-0011\n"
            ).encode("cp932")

    dry = upload(office.田中課長, data, dry_run=True,
                 headers={"Content-Type": "text/csv; charset=Shift_JIS"})
    assert dry.status_code == 200, dry.text  # type: ignore[attr-defined]
    assert dry.json()["events_appended"] == 0  # type: ignore[attr-defined]
    assert office.田中課長.get("/v1/accounts").json()["items"] == []

    response = upload(office.田中課長, data)

    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["rows"], body["accepted"], body["accounts_created"]) == (11, 10, 2)
    assert body["rejected"] == [{"row": 12, "errors": [
        {"column": "日時", "msg": "「2024/13/1」はありえない日付です"}]}]
    assert body["events_appended"] == dry.json()["would_append"]  # type: ignore[attr-defined]
    yamada = str(account_id_of("C001"))
    history = office.田中課長.get(f"/v1/accounts/{yamada}/history?kind=visit_recorded").json()
    assert [item["source"]["external_id"] for item in history["items"]] == [
        "NIPPO-0001", "NIPPO-0008"]
    assert history["items"][0]["source"]["row"] == 2
    assert office.鈴木さん.get(f"/v1/accounts/{yamada}").json()["owner_rep_id"] == "suzuki"
    assert office.監査の伊藤さん.get("/v1/audit/verify").json()["ok"] is True

    again = upload(office.田中課長, data)
    assert again.status_code == 201  # type: ignore[attr-defined]
    assert (again.json()["duplicates"], again.json()["events_appended"]) == (10, 0)  # type: ignore[attr-defined]


def test_only_managers_and_admins_import(office: Office) -> None:
    data = SAMPLE.read_bytes()
    users_only = office.store.recorder.max_notification_id()
    for person in (office.佐藤さん, office.監査の伊藤さん):
        response = upload(person, data)
        assert response.status_code == 403  # type: ignore[attr-defined]
    assert office.store.recorder.max_notification_id() == users_only
    assert upload(office.admin, data).status_code == 201  # type: ignore[attr-defined]
    assert office.store.recorder.max_notification_id() > users_only


def test_a_file_over_20_mib_is_413_and_one_of_20_mib_is_read(office: Office) -> None:
    header = SAMPLE.read_bytes().splitlines(keepends=True)[0]
    padding = b"x" * (MAX_FILE_BYTES + 1 - len(header))  # one row, one cell far too long
    assert upload(office.田中課長, header + padding).status_code == 413  # type: ignore[attr-defined]
    just_fits = upload(office.田中課長, header + padding[:-1], dry_run=True)
    assert just_fits.status_code == 200, just_fits.text  # type: ignore[attr-defined]
    [rejected] = just_fits.json()["rejected"]  # type: ignore[attr-defined]
    assert (rejected["row"], rejected["errors"][0]["column"]) == (2, None)


def test_a_file_that_cannot_be_read_is_422_naming_why(office: Office) -> None:
    response = upload(office.田中課長, b"name,age\nx,1\n")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "見出しに" in response.json()["detail"]  # type: ignore[attr-defined]
    unknown = upload(office.田中課長, SAMPLE.read_bytes(), format="kintone")
    assert unknown.status_code == 422  # type: ignore[attr-defined]
    assert unknown.json()["errors"][0]["loc"] == ["query", "format"]  # type: ignore[attr-defined]


SAMPLES = SAMPLE.parent


def upload_parts(person: object, parts: dict[str, tuple[str, bytes, str]], *,
                 format: str, dry_run: bool = False) -> object:
    return person.client.post(  # type: ignore[attr-defined]
        f"/v1/imports?format={format}&dry_run={str(dry_run).lower()}", files=parts,
        headers=person.auth)  # type: ignore[attr-defined]


def salesforce_parts(*, without: str = "") -> dict[str, tuple[str, bytes, str]]:
    parts = {
        "file": ("Task.csv", (SAMPLES / "salesforce-activity.csv").read_text(encoding="utf-8")
                 .encode("cp932"), "text/csv"),
        "users": ("users.csv", (SAMPLES / "salesforce-activity.users.csv").read_bytes(),
                  "text/csv"),
        "accounts": ("accounts.csv", (SAMPLES / "salesforce-activity.accounts.csv").read_bytes(),
                     "text/csv"),
    }
    return {name: part for name, part in parts.items() if name != without}


def test_a_manager_uploads_salesforce_activities_with_their_mappings(office: Office) -> None:
    """田中課長 sends the Data Loader export (CP932) and both mappings as multipart parts:
    a dry run first, then for real; the history names each activity's Salesforce Id."""
    dry = upload_parts(office.田中課長, salesforce_parts(), format="salesforce-activity",
                       dry_run=True)
    assert dry.status_code == 200, dry.text  # type: ignore[attr-defined]
    assert office.田中課長.get("/v1/accounts").json()["items"] == []

    response = upload_parts(office.田中課長, salesforce_parts(), format="salesforce-activity")

    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["encoding"], body["rows"], body["accepted"], body["rejected"],
            body["accounts_created"]) == ("cp932", 6, 6, [], 2)
    yamada = str(account_id_of("C001"))
    history = office.田中課長.get(f"/v1/accounts/{yamada}/history?kind=visit_recorded").json()
    assert [(item["source"]["external_id"], item["data"]["channel"])
            for item in history["items"]] == [("00U5j00000AbCdEEAV", "in_person"),
                                              ("00T5j00000KlMnOEAV", "phone"),
                                              ("00T5j00000PqRsTEAV", "email")]
    assert office.佐藤さん.get(f"/v1/accounts/{yamada}").json()["owner_rep_id"] == "sato"
    again = upload_parts(office.田中課長, salesforce_parts(), format="salesforce-activity")
    assert (again.json()["duplicates"], again.json()["events_appended"]) == (6, 0)  # type: ignore[attr-defined]


def test_a_mapping_missing_is_422_naming_its_part(office: Office) -> None:
    users_only = office.store.recorder.max_notification_id()
    for missing in ("users", "accounts", "file"):
        response = upload_parts(office.田中課長, salesforce_parts(without=missing),
                                format="salesforce-activity")
        assert response.status_code == 422, response.text  # type: ignore[attr-defined]
        problem = response.json()  # type: ignore[attr-defined]
        assert problem["errors"][0]["loc"] == ["body", missing]
        assert missing in problem["detail"]
    as_csv = upload(office.田中課長, (SAMPLES / "salesforce-activity.csv").read_bytes(),
                    format="salesforce-activity")
    assert as_csv.status_code == 422  # type: ignore[attr-defined]
    assert as_csv.json()["errors"][0]["loc"] == ["body", "users"]  # type: ignore[attr-defined]
    broken = office.田中課長.client.post(
        "/v1/imports?format=salesforce-activity", content=b"--x\r\nnothing",
        headers={**office.田中課長.auth, "Content-Type": "multipart/form-data; boundary=y"})
    assert broken.status_code == 422, broken.text
    assert office.store.recorder.max_notification_id() == users_only


def test_cybozu_reports_upload_as_text_csv_or_with_a_users_part(office: Office) -> None:
    """The reports alone, as text/csv (authors matched by their registered names); a
    report by someone nobody is registered as is refused naming 作成者名 — and the users
    part, sent with it, says who that is."""
    office.admin.post("/v1/users", {"user_id": "yamamoto", "name": "山本 太", "role": "rep"})
    reports = ((SAMPLES / "cybozu-report.csv").read_text(encoding="utf-8")
               + "ご挨拶,山本 太郎,東京営業一課,2024/07/01 18:00,C004/株式会社東和電機,"
                 ",,2024/07/01,10:00,11:00,,,0,,\n").encode("cp932")
    alone = upload(office.田中課長, reports, format="cybozu-report", dry_run=True)
    assert alone.status_code == 200, alone.text  # type: ignore[attr-defined]
    assert [(bad["row"], bad["errors"][0]["column"])
            for bad in alone.json()["rejected"]] == [(7, "作成者名")]  # type: ignore[attr-defined]

    with_users = upload_parts(office.田中課長, {
        "file": ("報告書.csv", reports, "text/csv; charset=Shift_JIS"),
        "users": ("users.csv", "名前,user_id\n山本 太郎,yamamoto\n".encode(), "text/csv")},
        format="cybozu-report")
    assert with_users.status_code == 201, with_users.text  # type: ignore[attr-defined]
    assert (with_users.json()["accepted"], with_users.json()["rejected"]) == (7, [])  # type: ignore[attr-defined]
    toyo = str(account_id_of("C004"))
    assert office.田中課長.get(f"/v1/accounts/{toyo}").json()["owner_rep_id"] == "yamamoto"


def test_the_document_declares_the_csv_body_and_the_multipart_alternative(
        office: Office) -> None:
    document = office.client.get("/openapi.json").json()
    content = document["paths"]["/v1/imports"]["post"]["requestBody"]["content"]
    assert set(content) == {"text/csv", "multipart/form-data"}
    upload_schema = document["components"]["schemas"]["ImportUpload"]
    assert upload_schema["required"] == ["file"]
    assert {name: field["format"] for name, field in upload_schema["properties"].items()} == {
        "file": "binary", "users": "binary", "accounts": "binary"}
    formats = document["paths"]["/v1/imports"]["post"]["parameters"][0]["schema"]["enum"]
    assert formats == ["tsunagi-csv", "cybozu-report", "salesforce-activity", "tsunagi-jsonl"]


def test_an_admin_puts_back_the_stores_own_export_and_nothing_is_appended_twice(
        office: Office) -> None:
    """伊藤さん exports the timeline; the admin uploads it as ``tsunagi-jsonl``: every event
    is already stored exactly so, and counts as a duplicate. 田中課長 may not restore."""
    account = office.open_yamada()
    office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": "月末は避ける"})
    exported = office.監査の伊藤さん.get("/v1/audit/export").content
    rows = len(exported.splitlines())
    before = office.store.recorder.max_notification_id()
    ndjson = {"Content-Type": "application/x-ndjson"}

    manager = upload(office.田中課長, exported, format="tsunagi-jsonl", headers=ndjson)
    assert manager.status_code == 403  # type: ignore[attr-defined]

    dry = upload(office.admin, exported, format="tsunagi-jsonl", headers=ndjson, dry_run=True)
    assert dry.status_code == 200, dry.text  # type: ignore[attr-defined]
    response = upload(office.admin, exported, format="tsunagi-jsonl", headers=ndjson)
    assert response.status_code == 201, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["rows"], body["duplicates"], body["events_appended"]) == (rows, rows, 0)
    assert body["rejected"] == []
    assert office.store.recorder.max_notification_id() == before

    garbled = upload(office.admin, exported[:-40] + b"\n", format="tsunagi-jsonl",
                     headers=ndjson)
    assert garbled.status_code == 201  # type: ignore[attr-defined]
    assert [bad["row"] for bad in garbled.json()["rejected"]] == [rows]  # type: ignore[attr-defined]
    assert garbled.json()["rejected"][0]["errors"][0]["column"] is None  # type: ignore[attr-defined]
