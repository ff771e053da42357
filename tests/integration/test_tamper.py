"""Alter stored rows for real, in SQLite and PostgreSQL, and watch the verifier find them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from api.settings import PostgresLocation, Settings
from audit.chain import GENESIS, chain_link, chained, event_hash, log_link
from audit.verify import Digest, digest, verify
from domain.application import Tsunagi
from tests.stories import 山田製作所の三年間


class RawEvents:
    """The events table, reached around the application, as an attacker would."""

    def __init__(self, settings: Settings) -> None:
        self.location = settings.database
        self.schema = settings.postgres_schema or "public"
        postgres = isinstance(self.location, PostgresLocation)
        self.table = "tsunagi_events" if postgres else "stored_events"

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if isinstance(self.location, PostgresLocation):
            with psycopg.connect(host=self.location.host, port=self.location.port,
                                 user=self.location.user, dbname=self.location.dbname,
                                 autocommit=True) as conn:
                conn.execute(f'SET search_path TO "{self.schema}"')
                cursor = conn.execute(sql.replace("?", "%s").replace(
                    "ROWID", "notification_id"), params)
                return cursor.fetchall() if cursor.description else []
        with sqlite3.connect(self.location.path) as conn:
            return conn.execute(sql.replace("ROWID", "rowid"), params).fetchall()

    def rows(self) -> list[tuple[Any, ...]]:
        return self._execute("SELECT ROWID, originator_id, originator_version, topic, state, "
                             f"chain_hash, log_hash FROM {self.table} ORDER BY ROWID")

    def update(self, position: int, column: str, value: Any) -> None:
        self._execute(f"UPDATE {self.table} SET {column} = ? WHERE ROWID = ?",
                      (value, position))

    def delete(self, position: int) -> None:
        self._execute(f"DELETE FROM {self.table} WHERE ROWID = ?", (position,))


@pytest.fixture
def told(store: Tsunagi) -> Iterator[tuple[Tsunagi, list[Any]]]:
    first, second = 山田製作所の三年間(), 山田製作所の三年間()
    store.save(*first.collect_events())
    store.save(*second.collect_events())
    yield store, [first.id, second.id]


@pytest.fixture
def raw(settings: Settings) -> RawEvents:
    return RawEvents(settings)


def row_of(raw: RawEvents, account: Any, version: int) -> tuple[Any, ...]:
    return next(r for r in raw.rows() if str(r[1]).replace("-", "") == account.hex
                and r[2] == version)


def event_id_of(row: tuple[Any, ...]) -> str:
    from uuid import UUID

    return str(UUID(json.loads(bytes(row[4]))["event_id"]["_data_"]))


def test_an_untouched_store_verifies(told: tuple[Tsunagi, list[Any]]) -> None:
    store, accounts = told
    whole = verify(chained(store.recorder))
    assert whole.ok and whole.first_bad_event_id is None
    assert whole.events_checked == store.recorder.max_notification_id()
    one = verify(chained(store.recorder), account_id=accounts[0])
    assert one.ok and one.events_checked == len(list(store.events.get(accounts[0])))


@pytest.mark.parametrize("alteration", ["state byte", "topic", "timestamp", "swap versions",
                                        "delete"])
def test_an_altered_event_is_found_and_pinpointed(told: tuple[Tsunagi, list[Any]],
                                                  raw: RawEvents, alteration: str) -> None:
    store, (yamada, other) = told
    target = row_of(raw, yamada, 5)
    after = row_of(raw, yamada, 6)
    position, state = target[0], bytes(target[4])
    expected = event_id_of(target)
    if alteration == "state byte":
        raw.update(position, "state", state.replace(b"\"sato\"", b"\"satO\"", 1))
    elif alteration == "topic":
        raw.update(position, "topic", target[3] + "X")
    elif alteration == "timestamp":
        stamp = json.loads(state)["timestamp"]["_data_"]
        raw.update(position, "state", state.replace(stamp.encode(),
                                                    stamp.replace("20", "19", 1).encode()))
    elif alteration == "swap versions":
        raw.update(position, "originator_version", -1)
        raw.update(after[0], "originator_version", 5)
        raw.update(position, "originator_version", 6)
    elif alteration == "delete":
        raw.delete(position)
        expected = event_id_of(after)

    whole = verify(chained(store.recorder))
    assert not whole.ok, alteration
    assert whole.first_bad_event_id == expected, (alteration, whole.first_bad)
    account = verify(chained(store.recorder), account_id=yamada)
    assert not account.ok
    # In version order a swapped pair is met from its other end.
    swapped = event_id_of(after) if alteration == "swap versions" else expected
    assert account.first_bad_event_id == swapped, (alteration, account.first_bad)
    assert verify(chained(store.recorder), account_id=other).ok, "nothing else is flagged"


def test_relinking_one_event_is_caught_at_the_next_link(told: tuple[Tsunagi, list[Any]],
                                                        raw: RawEvents) -> None:
    """The attacker edits an event and recomputes its own hashes, not its successors'."""
    store, (yamada, _) = told
    rows = raw.rows()
    index = next(i for i, r in enumerate(rows)
                 if str(r[1]).replace("-", "") == yamada.hex and r[2] == 5)
    target, previous = rows[index], rows[index - 1]
    state = bytes(target[4]).replace(b"\"sato\"", b"\"satO\"", 1)
    account_previous = row_of(raw, yamada, 4)
    chain = chain_link(bytes(account_previous[5]), event_hash(
        yamada, 5, target[3], state))
    raw.update(target[0], "state", state)
    raw.update(target[0], "chain_hash", chain)
    raw.update(target[0], "log_hash", log_link(bytes(previous[6]), chain))

    result = verify(chained(store.recorder))
    assert not result.ok
    assert result.first_bad_event_id == event_id_of(rows[index + 1])
    assert result.first_bad["reason"] in ("content or account link altered",  # type: ignore[index]
                                          "store-wide log link altered")


def test_a_recomputed_chain_passes_alone_but_not_against_a_published_digest(
        told: tuple[Tsunagi, list[Any]], raw: RawEvents) -> None:
    store, (yamada, _) = told
    published = digest(chained(store.recorder))
    assert published is not None
    assert verify(chained(store.recorder), expected_digest=published).digest_matches is True
    assert Digest.parse(str(published)) == published

    target = row_of(raw, yamada, 5)
    raw.update(target[0], "state", bytes(target[4]).replace(b"\"sato\"", b"\"satO\"", 1))
    heads: dict[str, bytes] = {}
    log = GENESIS
    for position, originator, version, topic, state, _, _ in raw.rows():
        key = str(originator)
        heads[key] = chain_link(heads.get(key, GENESIS),
                                event_hash(store.recorder.convert_originator_id(originator)  # type: ignore[attr-defined]
                                           if isinstance(originator, str) else originator,
                                           version, topic, bytes(state)))
        log = log_link(log, heads[key])
        raw.update(position, "chain_hash", heads[key])
        raw.update(position, "log_hash", log)

    alone = verify(chained(store.recorder))
    assert alone.ok, "a fully recomputed chain is self-consistent"
    against = verify(chained(store.recorder), expected_digest=published)
    assert not against.ok and against.digest_matches is False


def test_export_reads_the_store_in_batches(told: tuple[Tsunagi, list[Any]]) -> None:
    """However large the store, the export holds one batch of rows at a time."""
    from audit.export import stream, timeline

    store, _ = told
    recorder = chained(store.recorder)
    limits: list[int] = []
    select = recorder.select_chained

    def counting(**kwargs: Any) -> Any:
        limits.append(kwargs["limit"])
        return select(**kwargs)

    recorder.select_chained = counting  # type: ignore[method-assign]
    chunks = stream(timeline(recorder, store.mapper), "jsonl", lines_per_chunk=10)
    first = next(chunks)
    assert first.count("\n") == 10
    assert limits == [500], "the first chunk needed one batch of rows, not the store"
    total = first.count("\n") + sum(chunk.count("\n") for chunk in chunks)
    assert total == store.recorder.max_notification_id()


@pytest.fixture
def three(store: Tsunagi) -> Iterator[tuple[Tsunagi, list[Any]]]:
    """Three accounts stored one after the other: one before 山田製作所, one after."""
    before, yamada, after = 山田製作所の三年間(), 山田製作所の三年間(), 山田製作所の三年間()
    for account in (before, yamada, after):
        store.save(*account.collect_events())
    yield store, [before.id, yamada.id, after.id]


def checked(store: Tsunagi, account: Any = None, **kwargs: Any) -> Any:
    return verify(chained(store.recorder), account_id=account, mapper=store.mapper, **kwargs)


@pytest.mark.parametrize(("damage", "why"), [("truncated state", "state does not decode"),
                                             ("unknown topic", "topic names no event class")])
def test_an_unreadable_event_is_named_with_why_by_verify_and_export(
        told: tuple[Tsunagi, list[Any]], raw: RawEvents, damage: str, why: str) -> None:
    from audit.export import timeline

    store, (yamada, other) = told
    target = row_of(raw, yamada, 5)
    if damage == "truncated state":
        raw.update(target[0], "state", bytes(target[4])[:40])
        named = f"{yamada}/5"  # its event id is in the lost part
    else:
        raw.update(target[0], "topic", target[3] + "X")
        named = event_id_of(target)

    for account in (yamada, None):
        result = checked(store, account)
        assert not result.ok and result.problem_count == 1, result.problems
        assert result.first_bad_event_id == named
        bad = result.first_bad
        assert (bad["account_id"], bad["version"], bad["notification_id"]) == (
            str(yamada), 5, target[0])
        assert bad["unreadable"].startswith(why), bad
        assert f"unreadable: {bad['unreadable']}" in bad["reason"]
    assert checked(store, other).ok

    exported = list(timeline(chained(store.recorder), store.mapper, account_id=yamada))
    assert [(line["version"], line["unreadable"]) for line in exported if line["unreadable"]] \
        == [(5, bad["unreadable"])]
    assert len(exported) == len(list(store.events.get(other))), "every row is exported"


def test_deleting_an_accounts_last_event_fails_that_accounts_verify(
        three: tuple[Tsunagi, list[Any]], raw: RawEvents) -> None:
    store, (before, yamada, after) = three
    last = row_of(raw, yamada, max(r[2] for r in raw.rows()
                                   if str(r[1]).replace("-", "") == yamada.hex))
    raw.delete(last[0])

    mine = checked(store, yamada)
    assert not mine.ok and mine.events_checked == last[2] - 1
    assert mine.first_bad_event_id == f"{yamada}/{last[2]}"
    assert mine.first_bad["account_id"] == str(yamada) and mine.first_bad["version"] == last[2]
    assert mine.first_bad["missing_notification_ids"] == [last[0], last[0]]
    assert f"the event after version {last[2] - 1} of this account may be missing" in \
        mine.first_bad["reason"]

    # The store-wide log breaks at the next row, the first event of the account stored next:
    # that account's own events are whole, and it says where the log breaks.
    whole = checked(store)
    assert whole.first_bad_event_id == event_id_of(row_of(raw, after, 1))
    assert f"notification {last[0]} is missing" in whole.first_bad["reason"]
    following = checked(store, after)
    assert following.ok, following.problems
    assert any(f"notification {last[0]} is missing" in note for note in following.notes)
    # An account stored before the hole cannot be cleared: the missing row could have held
    # its next event just as well (nothing in the log says whose event it was).
    earlier = checked(store, before)
    assert not earlier.ok and "may be missing" in earlier.first_bad["reason"]


def test_deleting_a_middle_event_names_its_account_and_clears_the_others(
        three: tuple[Tsunagi, list[Any]], raw: RawEvents) -> None:
    store, (before, yamada, after) = three
    target, following = row_of(raw, yamada, 5), row_of(raw, yamada, 6)
    raw.delete(target[0])

    mine = checked(store, yamada)
    assert not mine.ok and mine.first_bad_event_id == event_id_of(following)
    assert mine.first_bad["reason"].startswith("version 6 follows 4")
    assert f"notification {target[0]} is missing" in mine.first_bad["reason"]
    # 山田製作所's own version gap accounts for the hole, so no one else is suspected.
    for account in (before, after):
        assert checked(store, account).ok, account


def test_an_altered_log_hash_is_pinned_on_its_account(told: tuple[Tsunagi, list[Any]],
                                                      raw: RawEvents) -> None:
    store, (yamada, other) = told
    target = row_of(raw, yamada, 5)
    raw.update(target[0], "log_hash", bytes(32))
    mine = checked(store, yamada)
    assert not mine.ok and mine.problem_count == 1, mine.problems
    assert mine.first_bad_event_id == event_id_of(target)
    assert mine.first_bad["reason"] == "store-wide log hash of this event altered"
    assert checked(store, other).ok


def test_deleting_the_stores_last_event_shows_only_against_a_digest(
        told: tuple[Tsunagi, list[Any]], raw: RawEvents) -> None:
    store, (_, other) = told
    published = digest(chained(store.recorder))
    raw.delete(raw.rows()[-1][0])
    assert checked(store).ok and checked(store, other).ok, "no link is left broken"
    against = checked(store, expected_digest=published)
    assert not against.ok and against.digest_matches is False
