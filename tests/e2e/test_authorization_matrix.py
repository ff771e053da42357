"""Every route × every kind of caller: who may do what, and a refusal appends nothing.

The account is 佐藤さん's (owner), mid-handover to 鈴木さん (successor); 高橋さん is another
rep; 田中課長 a manager; 伊藤さん an auditor; plus the admin and a caller with no token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.conftest import Office, Person

CALLERS = ("owner", "other_rep", "successor", "manager", "auditor", "admin", "nobody")


@dataclass
class Scene:
    office: Office
    account: str
    handover: str
    promise: str
    complaint: str
    request: str
    proposal: str
    stakeholder: str
    event: str

    def caller(self, who: str) -> Person:
        people = {"owner": self.office.佐藤さん, "other_rep": self.office.高橋さん,
                  "successor": self.office.鈴木さん, "manager": self.office.田中課長,
                  "auditor": self.office.監査の伊藤さん, "admin": self.office.admin}
        return people.get(who) or Person(self.office.client, "")


@pytest.fixture
def scene(office: Office) -> Scene:
    account = office.open_yamada()
    sato, base = office.佐藤さん, f"/v1/accounts/{account}"

    def made(path: str, body: dict[str, Any], key: str) -> str:
        response = sato.post(f"{base}/{path}", body)
        assert response.status_code == 201, response.text
        return str(response.json()[key])

    promise = made("promises", {"description": "見積り", "due_date": "2026-12-01",
                                "made_to": "山田部長"}, "promise_id")
    complaint = made("complaints", {"received_at": "2026-11-19T10:00:00+09:00",
                                    "subject": "納品遅延"}, "complaint_id")
    request = made("requests", {"kind": "rush_delivery", "detail": "明日までに"}, "request_id")
    proposal = made("proposals", {"title": "新製品のご案内"}, "proposal_id")
    stakeholder = made("stakeholders", {"name": "山田 一郎"}, "stakeholder_id")
    event = made("notes", {"text": "誤記のあるメモ"}, "event_id")
    handover = office.田中課長.post(f"{base}/handovers", {
        "to_rep_id": "suzuki", "reason": "異動", "effective_at": "2026-12-01T09:00:00+09:00"})
    assert handover.status_code == 201
    return Scene(office, account, handover.json()["handover_id"], promise, complaint, request,
                 proposal, stakeholder, event)


# (method, path template, body, expected status per caller in CALLERS order)
READ, WRITE = (200, 404, 200, 200, 200, 403, 401), (201, 404, 403, 201, 403, 403, 401)
CHANGE = (200, 404, 403, 200, 403, 403, 401)
ROUTES: list[tuple[str, str, dict[str, Any] | None, tuple[int, ...]]] = [
    ("GET", "/v1/accounts/{account}", None, READ),
    ("GET", "/v1/accounts/{account}/history", None, READ),
    ("GET", "/v1/accounts/{account}/dossier", None, READ),
    ("GET", "/v1/accounts/{account}?as_of=2030-01-01T00:00:00%2B09:00", None,
     (403, 404, 403, 200, 200, 403, 401)),
    ("GET", "/v1/accounts", None, (200, 200, 200, 200, 200, 403, 401)),
    ("POST", "/v1/accounts/{account}/visits",
     {"occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問"}, WRITE),
    ("POST", "/v1/accounts/{account}/promises",
     {"description": "資料送付", "due_date": "2026-12-01", "made_to": "中村さん"}, WRITE),
    ("POST", "/v1/accounts/{account}/complaints",
     {"received_at": "2026-11-20T09:00:00+09:00", "subject": "請求誤り"}, WRITE),
    ("POST", "/v1/accounts/{account}/requests", {"kind": "discount", "detail": "値下げ"}, WRITE),
    ("POST", "/v1/accounts/{account}/proposals", {"title": "ご提案"}, WRITE),
    ("POST", "/v1/accounts/{account}/renewals",
     {"renewed_at": "2026-11-20T09:00:00+09:00", "contract_end": "2027-03-31", "terms": "",
      "annual_value_jpy": 1}, WRITE),
    ("POST", "/v1/accounts/{account}/stakeholders", {"name": "中村 真理"}, WRITE),
    ("POST", "/v1/accounts/{account}/notes", {"text": "メモ"}, WRITE),
    ("POST", "/v1/accounts/{account}/corrections",
     {"corrected_event_id": "{event}", "corrections": {"text": "正しいメモ"},
      "reason": "誤記"}, WRITE),
    ("POST", "/v1/accounts/{account}/cadence", {"visit_cadence_days": 21}, CHANGE),
    ("POST", "/v1/accounts/{account}/promises/{promise}/renegotiate",
     {"new_due_date": "2026-12-08"}, CHANGE),
    ("POST", "/v1/accounts/{account}/complaints/{complaint}/apologise", {}, CHANGE),
    ("POST", "/v1/accounts/{account}/complaints/{complaint}/remedy", {"remedy": "在庫確保"},
     CHANGE),
    ("POST", "/v1/accounts/{account}/proposals/{proposal}/reaction", {"reaction": "neutral"},
     CHANGE),
    ("POST", "/v1/accounts/{account}/stakeholders/{stakeholder}/change", {"stance": "critical"},
     CHANGE),
    ("POST", "/v1/accounts/{account}/handovers/{handover}/joint-visit",  # as it began
     {"occurred_at": "2026-11-20T10:00:00+09:00"}, (200, 404, 200, 200, 403, 403, 401)),
    ("POST", "/v1/accounts/{account}/handovers/{handover}/checkpoint",
     {"checkpoint_on": "2027-03-01"}, (200, 404, 200, 200, 403, 403, 401)),
    ("GET", "/v1/accounts/{account}/handovers/{handover}/dossier", None,
     (404, 404, 404, 404, 404, 403, 401)),
    ("GET", "/v1/reps/me/route", None, (200, 200, 200, 403, 403, 403, 401)),
    ("GET", "/v1/reps/sato/route", None, (403, 403, 403, 200, 403, 403, 401)),
    ("POST", "/v1/users", {"user_id": "new{n}", "name": "新人", "role": "rep"},
     (403, 403, 403, 403, 403, 201, 401)),
    ("GET", "/v1/users", None, (403, 403, 403, 200, 403, 200, 401)),
    ("GET", "/v1/users/me", None, (200, 200, 200, 200, 200, 200, 401)),
    ("POST", "/v1/users/takahashi/deactivate", None, (403, 403, 403, 403, 403, 200, 401)),
    ("GET", "/v1/reps/nobody/route", None, (403, 403, 403, 404, 403, 403, 401)),
    ("GET", "/v1/audit/verify", None, (403, 403, 403, 403, 200, 200, 401)),
    ("GET", "/v1/audit/verify?account_id={account}", None, (403, 403, 403, 403, 200, 200, 401)),
    ("GET", "/v1/audit/digest", None, (403, 403, 403, 403, 200, 200, 401)),
    ("GET", "/v1/audit/export?account_id={account}", None, (403, 403, 403, 403, 200, 403, 401)),
    ("GET", "/v1/accounts/{account}/dossier?as_of=2030-01-01T00:00:00%2B09:00", None,
     (403, 404, 403, 200, 200, 403, 401)),
    ("POST", "/v1/accounts", {"name": "株式会社田中商店", "owner_rep_id": "sato",
                              "visit_cadence_days": 30}, (403, 403, 403, 201, 403, 201, 401)),
]


def _fill(value: Any, scene: Scene, n: int) -> Any:
    if isinstance(value, str):
        return value.format(account=scene.account, handover=scene.handover,
                            promise=scene.promise, complaint=scene.complaint,
                            request=scene.request, proposal=scene.proposal,
                            stakeholder=scene.stakeholder, event=scene.event, n=n)
    if isinstance(value, dict):
        return {k: _fill(v, scene, n) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "expected"), ROUTES,
                         ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_who_may_call_each_route(scene: Scene, method: str, path: str,
                                 body: dict[str, Any] | None, expected: tuple[int, ...]) -> None:
    store = scene.office.store
    seen = []
    for n, who in enumerate(CALLERS):
        caller = scene.caller(who)
        head = store.recorder.max_notification_id()
        url = _fill(path, scene, n)
        if method == "GET":
            response = caller.get(url)
        else:
            response = caller.post(url, _fill(body, scene, n) if body is not None else None)
        seen.append((who, response.status_code))
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert store.recorder.max_notification_id() == head, f"{who} was refused, yet " \
                                                                 "something was appended"
    assert seen == list(zip(CALLERS, expected, strict=True))


def test_acknowledging_and_completing_a_handover(scene: Scene) -> None:
    base = f"/v1/accounts/{scene.account}/handovers/{scene.handover}"
    store = scene.office.store
    refusals = {"owner": 403, "other_rep": 404, "manager": 403, "auditor": 403, "admin": 403,
                "nobody": 401}
    for who, status in refusals.items():
        head = store.recorder.max_notification_id()
        assert scene.caller(who).post(f"{base}/acknowledge", {}).status_code == status, who
        assert store.recorder.max_notification_id() == head
    assert scene.caller("successor").post(f"{base}/acknowledge", {}).status_code == 200
    for who, status in {"owner": 403, "other_rep": 404, "auditor": 403, "nobody": 401}.items():
        assert scene.caller(who).post(f"{base}/complete").status_code == status, who
    for who, status in {"owner": 403, "successor": 403, "auditor": 403}.items():
        assert scene.caller(who).post(f"{base}/cancel", {"reason": "x"}).status_code == status
    assert scene.caller("successor").post(f"{base}/complete").status_code == 200
    account = f"/v1/accounts/{scene.account}"
    assert scene.caller("owner").get(account).status_code == 404
    assert scene.caller("successor").get(account).status_code == 200


def test_closing_items_is_for_the_owner_and_managers(scene: Scene) -> None:
    base = f"/v1/accounts/{scene.account}"
    closes = [
        (f"{base}/promises/{scene.promise}/close", {"outcome": "kept"}),
        (f"{base}/complaints/{scene.complaint}/resolve",
         {"resolved_at": "2026-11-20T09:00:00+09:00", "resolution": "対応済み"}),
        (f"{base}/requests/{scene.request}/answer", {"answer": "declined"}),
        (f"{base}/stakeholders/{scene.stakeholder}/leave", {"reason": "異動"}),
    ]
    for url, body in closes:
        for who, status in {"other_rep": 404, "successor": 403, "auditor": 403,
                            "admin": 403, "nobody": 401}.items():
            assert scene.caller(who).post(url, body).status_code == status, (url, who)
        assert scene.caller("owner").post(url, body).status_code == 200, url
        assert scene.caller("manager").post(url, body).status_code == 409, url
