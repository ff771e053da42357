"""P9: a page of the accounts list over HTTP at 10,000 accounts, beside the same pages at
500 accounts, measured in the same run.

Each sample is one page of a mix a 課長 and a rep ask for: the first page by name, a page
deep in the list (by cursor), a search in half-width kana, one rep's accounts, the cooling
ones by health, the contracts ending before a day by contract end, and a rep's own list.
Before timing, the whole list is paged through once and must hold every account once.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.harness import MANAGER, REP, Figure, percentile, serving, store, timed
from domain.account import Account
from domain.values import Actor, Role

NAMES = ("ヤマダ商事", "株式会社山田製作所", "鈴木工業", "サトウ精機", "タカハシ電機", "伊藤商店",
         "渡辺運輸", "ナカムラ食品")
REPS = 300
ADMIN = Actor("admin", Role.ADMIN)
PAGE = 50


def accounts_for(count: int) -> list[Account]:
    """``count`` accounts among ``REPS`` reps (sato has a few): a visit on every other,
    a contract on every third, small talk fading on every seventh."""
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    made = []
    for n in range(count):
        owner = "sato" if n % 97 == 0 else f"rep{n % REPS:03d}"
        account = Account.open(MANAGER, start, name=f"{NAMES[n % len(NAMES)]} {n:05d}",
                               owner_rep_id=owner, visit_cadence_days=7 + n % 30)
        rep = REP if owner == "sato" else type(REP)(owner, REP.role)
        visits = 5 if n % 7 == 0 else n % 2
        for v in range(visits):
            moment = start + timedelta(days=3 + v * 7, hours=n % 8)
            account.record_visit(rep, moment, occurred_at=moment, purpose="定期訪問",
                                 summary="特に問題なし", attendees=["担当 部長"],
                                 small_talk=n % 7 != 0)
        if n % 3 == 0:
            moment = start + timedelta(days=40)
            account.renew_contract(rep, moment, renewed_at=moment,
                                   contract_end=date(2027, 1, 1) + timedelta(days=n % 365),
                                   terms="年間保守", annual_value_jpy=100_000 * (1 + n % 20))
        made.append(account)
    return made


def page_samples(backend: str, count: int, repeat: int) -> tuple[list[float], int]:
    """Milliseconds per page over the mix, and how many accounts paging to the end found."""
    import httpx

    with store(backend) as (app, settings):
        accounts = accounts_for(count)
        for start in range(0, len(accounts), 500):
            app.save(*accounts[start:start + 500])
        for n in range(REPS):  # owners are registered people, named on every row
            app.register_user(ADMIN, user_id=f"rep{n:03d}", name=f"担当 {n:03d}", role="rep")
        with serving(settings, admin_token="bench-admin") as url:
            admin = {"Authorization": "Bearer bench-admin"}
            tokens = {}
            for user_id, name, role in (("tanaka", "田中 課長", "manager"),
                                        ("sato", "佐藤 健", "rep")):
                tokens[role] = httpx.post(f"{url}/v1/users", headers=admin, timeout=30, json={
                    "user_id": user_id, "name": name, "role": role}).json()["token"]
            manager = httpx.Client(base_url=url, timeout=120,
                                   headers={"Authorization": f"Bearer {tokens['manager']}"})
            rep = httpx.Client(base_url=url, timeout=120,
                               headers={"Authorization": f"Bearer {tokens['rep']}"})
            with manager, rep:
                _wait_for_views(manager)
                seen, cursors = _walk(manager)
                asks: list[tuple[httpx.Client, dict[str, Any]]] = [
                    (manager, {}),
                    *((manager, {"cursor": c}) for c in cursors[len(cursors) // 2:][:1]),
                    (manager, {"q": "ﾔﾏﾀﾞ"}),
                    (manager, {"owner_rep_id": "rep042"}),
                    (manager, {"cooling": "true", "sort": "health"}),
                    (manager, {"contract_ends_before": "2027-06-01", "sort": "contract_end"}),
                    (manager, {"sort": "next_visit_due"}),
                    (rep, {}),
                ]
                mix = itertools.cycle(asks)

                def one_page() -> None:
                    client, params = next(mix)
                    client.get("/v1/accounts", params={**params, "limit": PAGE}
                               ).raise_for_status()

                timed(one_page, len(asks) * 10)  # warm
                samples = timed(one_page, repeat)
    return samples, seen


def _wait_for_views(client: Any) -> None:
    """Until every view of the server has applied the whole log: a view still folding
    would take the cores the pages are timed on."""
    deadline = time.monotonic() + 600
    while True:
        views = client.get("/health").json().get("views", {})
        if views and all(view["behind"] == 0 for view in views.values()):
            return
        if time.monotonic() > deadline:
            raise RuntimeError("the server's views did not catch up in 600 s")
        time.sleep(0.5)


def _walk(client: Any) -> tuple[int, list[str]]:
    """Every page by name to the end: how many distinct accounts, and each page's cursor."""
    seen: set[str] = set()
    listed, cursors = 0, []
    params: dict[str, Any] = {"limit": 200}
    while True:
        page = client.get("/v1/accounts", params=params).json()
        listed += len(page["items"])
        seen.update(item["account_id"] for item in page["items"])
        if page["next_cursor"] is None:
            break
        cursors.append(page["next_cursor"])
        params = {"limit": 200, "cursor": page["next_cursor"]}
    if listed != len(seen):
        raise RuntimeError(f"paging listed {listed} rows for {len(seen)} accounts")
    return len(seen), cursors


def account_list_figures(backend: str, accounts: int, small: int, repeat: int) -> list[Figure]:
    samples, seen = page_samples(backend, accounts, repeat)
    if seen != accounts:
        raise RuntimeError(f"paging to the end found {seen} of {accounts} accounts")
    base, _ = page_samples(backend, small, repeat)
    p99 = percentile(samples, 99)
    return [Figure(f"P9 accounts list page p99, {accounts:,} accounts ({backend})", p99, "ms",
                   baseline=percentile(base, 99),
                   baseline_name=f"the same pages at {small:,} accounts (p50 "
                   f"{percentile(samples, 50):.1f} / {percentile(base, 50):.1f} ms)",
                   target="p99 < 30 ms", met=p99 < 30)]
