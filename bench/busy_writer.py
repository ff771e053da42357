"""P8: reads of one account while a rep writes visits to another back to back (SQLite default).

A read waits until its views have applied every write acknowledged before it, so a busy
writer on account A lengthens reads of account B by however long the projector is behind.
Measured from this process over loopback against `tsunagi serve` with its in-process
projector: the share of reads answered 200 within the budget, and their p50/p95, beside the
same reads with nobody writing (the baseline), in the same run.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from bench.harness import Figure, p50, percentile, serving, store

BUDGET_SECONDS = 2.0  # a read of another account answers within this, 95 % of the time
READ_PAUSE_SECONDS = 0.05  # between two reads of the reading client


@dataclass
class Reads:
    """Each read's status and milliseconds."""

    statuses: list[int]
    milliseconds: list[float]
    writes: int = 0

    @property
    def within_budget(self) -> float:
        """The share of reads answered 200 within the budget, in percent."""
        good = sum(1 for status, ms in zip(self.statuses, self.milliseconds, strict=True)
                   if status == 200 and ms <= BUDGET_SECONDS * 1000)
        return 100 * good / max(1, len(self.statuses))

    def summary(self) -> str:
        return (f"{len(self.statuses)} reads, p50 {p50(self.milliseconds):.0f} ms, "
                f"p95 {percentile(self.milliseconds, 95):.0f} ms")


@dataclass
class Office:
    """A server with a writing rep's account and a reading rep's account on it."""

    url: str
    writer: dict[str, str]
    reader: dict[str, str]
    written: str
    read: str


def open_office(url: str, admin_token: str) -> Office:
    """佐藤さん writes to his account; 鈴木さん reads his own."""
    admin = {"Authorization": f"Bearer {admin_token}"}

    def person(user_id: str, name: str, role: str) -> dict[str, str]:
        response = httpx.post(f"{url}/v1/users", headers=admin, timeout=30,
                              json={"user_id": user_id, "name": name, "role": role})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}

    manager = person("tanaka", "田中 課長", "manager")
    writer, reader = person("sato", "佐藤 健", "rep"), person("suzuki", "鈴木 一郎", "rep")

    def account(name: str, owner: str) -> str:
        response = httpx.post(f"{url}/v1/accounts", headers=manager, timeout=30, json={
            "name": name, "owner_rep_id": owner, "visit_cadence_days": 14})
        response.raise_for_status()
        return str(response.json()["account_id"])

    return Office(url, writer, reader, account("株式会社山田製作所", "sato"),
                  account("有限会社鈴木商店", "suzuki"))


def reads_of_another_account(office: Office, seconds: float, *, writing: bool) -> Reads:
    """鈴木さん reads his account for ``seconds`` while 佐藤さん records visits to his own
    back to back (``writing``), or while nobody writes (the baseline)."""
    stop = threading.Event()
    writes = [0]

    def write() -> None:
        with httpx.Client(base_url=office.url, headers=office.writer, timeout=30) as client:
            while not stop.is_set():
                response = client.post(f"/v1/accounts/{office.written}/visits", json={
                    "occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問",
                    "summary": "新ラインの件で忙しそう"})
                response.raise_for_status()
                writes[0] += 1

    writer = threading.Thread(target=write, daemon=True)
    if writing:
        writer.start()
    reads = Reads([], [])
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=office.url, headers=office.reader, timeout=30) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = client.get(f"/v1/accounts/{office.read}").status_code
            reads.milliseconds.append((time.perf_counter() - started) * 1000)
            reads.statuses.append(status)
            time.sleep(READ_PAUSE_SECONDS)
    stop.set()
    if writing:
        writer.join(60)
    reads.writes = writes[0]
    return reads


def busy_writer_figures(seconds: float) -> list[Figure]:
    """P8 on the SQLite default: reads beside one client writing back to back."""
    with store("sqlite") as (_, settings), serving(settings, admin_token="bench-admin") as url:
        office = open_office(url, "bench-admin")
        alone = reads_of_another_account(office, seconds / 3, writing=False)
        busy = reads_of_another_account(office, seconds, writing=True)
    share = busy.within_budget
    return [Figure(f"P8 reads within {BUDGET_SECONDS:.0f} s, busy writer (sqlite)", share, "%",
                   baseline=alone.within_budget,
                   baseline_name=f"no writer: {alone.summary()}; beside the writer "
                   f"({busy.writes} visits in {seconds:.0f} s): {busy.summary()}",
                   target="≥ 95 % of reads of another account", met=share >= 95)]
