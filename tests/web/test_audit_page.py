"""監査の伊藤さん looks at 株式会社山田製作所 as it stood, verifies it and exports it."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from urllib.parse import quote
from uuid import UUID

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from tests.e2e.conftest import ADMIN_TOKEN
from tests.integration.test_tamper import RawEvents, row_of
from tests.web.conftest import WebOffice


def test_ito_sees_the_account_as_it_stood(web: WebOffice) -> None:
    office = web.office
    account = office.open_yamada()
    base = f"/v1/accounts/{account}"
    office.佐藤さん.post(f"{base}/promises", {"description": "カタログを送る",
                                             "due_date": "2026-11-25", "made_to": "山田部長"})
    time.sleep(0.01)
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    office.佐藤さん.post(f"{base}/promises", {"description": "後からの約束",
                                             "due_date": "2026-11-26", "made_to": "中村さん"})
    page = web.監査の伊藤さん.get(f"/accounts/{account}/audit?as_of={quote(moment)}")
    assert page.status_code == 200, page.text[:500]
    stood = page.text.split('id="as-of-result"')[1]
    assert "カタログを送る" in stood and "後からの約束" not in stood
    assert "<dt>版</dt><dd>2</dd>" in stood
    assert '<label for="as-of-instant">日時（日本時間）</label>' in page.text
    now = web.監査の伊藤さん.get(f"/accounts/{account}").text
    assert "後からの約束" in now


def test_ito_verifies_the_chain_and_finds_it_intact(web: WebOffice) -> None:
    account = web.office.open_yamada()
    page = web.監査の伊藤さん.get(f"/accounts/{account}/audit?check=1")
    assert page.status_code == 200
    assert "問題なし" in page.text and "1件の記録を検証し" in page.text


def test_ito_exports_the_timeline(web: WebOffice) -> None:
    account = web.office.open_yamada()
    page = web.監査の伊藤さん.get(f"/accounts/{account}/audit").text
    assert f'href="/accounts/{account}/audit/export?format=csv&amp;bom=1"' in page
    exported = web.監査の伊藤さん.get(f"/accounts/{account}/audit/export?format=csv&bom=1")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    assert "株式会社山田製作所" in exported.content.decode("utf-8-sig")
    lines = web.監査の伊藤さん.get(f"/accounts/{account}/audit/export?format=jsonl")
    assert lines.headers["content-type"].startswith("application/x-ndjson")


def test_reps_have_no_audit_page_and_managers_no_verify_or_export(web: WebOffice) -> None:
    account = web.office.open_yamada()
    assert web.佐藤さん.get(f"/accounts/{account}/audit").status_code == 403
    assert web.佐藤さん.get(f"/accounts/{account}/audit/export").status_code == 403
    manager = web.田中課長.get(f"/accounts/{account}/audit?check=1")
    assert manager.status_code == 200
    assert "改ざん検証" not in manager.text and "記録の出力" not in manager.text
    assert web.田中課長.get(f"/accounts/{account}/audit/export").status_code == 403
    assert web.監査の伊藤さん.get(f"/accounts/{account}/audit?as_of=2026-13-45T99:00"
                                  ).status_code == 400


def test_ito_audits_an_account_whose_stored_row_no_longer_reads(web: WebOffice,
                                                                 settings: Settings) -> None:
    office = web.office
    account = office.open_yamada()
    for text in ("月末は避ける", "競合の話題は禁句"):
        office.佐藤さん.post(f"/v1/accounts/{account}/notes", {"text": text})
    raw = RawEvents(settings)
    damaged = row_of(raw, UUID(account), 2)
    raw.update(damaged[0], "state", bytes(damaged[4])[:50])

    admin = Settings(**{**settings.model_dump(), "admin_token": ADMIN_TOKEN})
    with TestClient(create_app(admin), follow_redirects=False) as restarted:
        signed_in = restarted.post("/login", data={"token": office.監査の伊藤さん.token,
                                                   "next": "/"})
        assert signed_in.status_code == 303, signed_in.text
        page = restarted.get(f"/accounts/{account}/audit?check=1")
        assert page.status_code == 200, page.text[:500]
        assert "読めない記録" in page.text and "不一致" in page.text
        problems = page.text.split('id="verify-problems"')[1].split("</ul>")[0]
        assert f"版 2（通知 {damaged[0]}）" in problems and "state does not decode" in problems
        exported = restarted.get(f"/accounts/{account}/audit/export?format=csv&bom=1")
        assert exported.status_code == 200
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert [r["version"] for r in rows if r["unreadable"]] == ["2"]
