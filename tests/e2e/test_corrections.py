"""A wrong record is corrected by a new event: views show the correction, history the original."""

from __future__ import annotations

from tests.e2e.conftest import Office


def test_a_wrong_due_date_is_corrected_and_the_original_stays_visible(office: Office) -> None:
    account = office.open_yamada()
    sato, base = office.佐藤さん, f"/v1/accounts/{account}"
    made = sato.post(f"{base}/promises", {"description": "見積書を送る",
                                          "due_date": "2026-11-25", "made_to": "山田部長"})
    event_id = made.json()["event_id"]
    corrected = sato.post(f"{base}/corrections", {
        "corrected_event_id": event_id, "corrections": {"due_date": "2026-11-28"},
        "reason": "期日の聞き間違い"})
    assert corrected.status_code == 201, corrected.text

    view = sato.get(base).json()
    assert view["open_promises"][0]["due_date"] == "2026-11-28"
    dossier = sato.get(f"{base}/dossier").json()
    assert dossier["open_promises"][0]["due_date"] == "2026-11-28"
    assert dossier["corrections"][0]["originals"] == {"due_date": "2026-11-25"}
    assert dossier["corrections"][0]["reason"] == "期日の聞き間違い"
    history = sato.get(f"{base}/history").json()["items"]
    original = next(i for i in history if i["event_id"] == event_id)
    assert original["data"]["due_date"] == "2026-11-25", "nothing is edited"
    assert original["corrected_by"] == [corrected.json()["event_id"]]
    assert history[-1]["kind"] == "record_corrected"
    route = sato.get("/v1/reps/me/route", params={"date": "2026-11-21"}).json()
    assert route["promises_due"][0]["due_on"] == "2026-11-28"


def test_what_cannot_be_corrected_says_why(office: Office) -> None:
    account = office.open_yamada()
    sato, base = office.佐藤さん, f"/v1/accounts/{account}"
    opened = sato.get(f"{base}/history").json()["items"][0]["event_id"]
    refused = sato.post(f"{base}/corrections", {
        "corrected_event_id": opened, "corrections": {"name": "株式会社ヤマダ"},
        "reason": "社名変更"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "corrected_event_id"]
    note = sato.post(f"{base}/notes", {"text": "誤記"}).json()["event_id"]
    wrong_field = sato.post(f"{base}/corrections", {
        "corrected_event_id": note, "corrections": {"kind": "opinion"}, "reason": "x"})
    assert wrong_field.status_code == 422
    assert wrong_field.json()["errors"][0]["loc"] == ["body", "corrections", "kind"]
    bad_date = sato.post(f"{base}/promises", {"description": "x", "due_date": "2026-12-01",
                                              "made_to": "x"}).json()["event_id"]
    unparseable = sato.post(f"{base}/corrections", {
        "corrected_event_id": bad_date, "corrections": {"due_date": "来週"}, "reason": "x"})
    assert unparseable.status_code == 422
    assert unparseable.json()["errors"][0]["loc"] == ["body", "corrections", "due_date"]
