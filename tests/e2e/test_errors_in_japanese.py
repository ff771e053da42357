"""佐藤さん's phone sends Accept-Language: ja. Every refusal then says what is wrong in
Japanese — the field named in `loc` as always — with one entry per field and never a
regular expression; without it the same refusals are in English, still without one."""

from __future__ import annotations

import re

from tests.e2e.conftest import Office

JA = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_入力の誤りは日本語で_項目ごとに一つ_正規表現は出さない(office: Office) -> None:
    answer = office.admin.post("/v1/users", {"user_id": "Sato San", "name": "佐藤",
                                             "role": "boss", "extra": 1}, headers=JA)
    assert answer.status_code == 422
    problem = answer.json()
    assert KANA_OR_KANJI.search(problem["detail"])
    by_field = {tuple(e["loc"]): e["msg"] for e in problem["errors"]}
    assert len(by_field) == len(problem["errors"]), "one entry per field"
    assert by_field[("body", "user_id")] == "形式が正しくありません。"
    assert by_field[("body", "role")].startswith("次のいずれかを指定してください")
    assert by_field[("body", "extra")] == "この項目は受け付けていません。"
    for message in by_field.values():
        assert "[" not in message and "^" not in message, "no pattern"


def test_英語でも正規表現は出さない(office: Office) -> None:
    answer = office.admin.post("/v1/users", {"user_id": "Sato San", "name": "佐藤",
                                             "role": "rep"})
    (error,) = answer.json()["errors"]
    assert error["loc"] == ["body", "user_id"]
    assert "^" not in error["msg"] and "pattern" not in error["msg"]
    assert len(answer.text) < 600


def test_業務上の拒否も認証も日本語で(office: Office) -> None:
    account = office.open_yamada()
    future = office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2099-01-01T10:00:00+09:00", "purpose": "定期訪問"}, headers=JA)
    assert future.status_code == 422
    assert future.json()["detail"] == "未来の日時は記録できません。"
    assert future.json()["errors"][0]["loc"] == ["body", "occurred_at"]
    assert future.json()["errors"][0]["msg"] == "未来の日時は記録できません。"

    nobody = office.client.get("/v1/users/me", headers={**JA, "Authorization": "Bearer x.y"})
    assert nobody.status_code == 401 and nobody.json()["detail"].startswith("トークン")
    forbidden = office.佐藤さん.get("/v1/audit/digest", headers=JA)
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "この操作を行う権限がありません。"

    english = office.佐藤さん.post(f"/v1/accounts/{account}/visits", {
        "occurred_at": "2099-01-01T10:00:00+09:00", "purpose": "定期訪問"})
    assert not KANA_OR_KANJI.search(english.json()["detail"])


def test_大きすぎる送信も日本語で(office: Office) -> None:
    answer = office.admin.post("/v1/users", {"user_id": "x", "name": "あ" * 2_000_000,
                                             "role": "rep"}, headers=JA)
    assert answer.status_code == 413
    assert answer.json()["detail"].startswith("送信内容が大きすぎます")
