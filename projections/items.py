"""Item rows kept per account (the route's and the team board's tables): one row per thing,
keyed by (account id, item id), with its kind, the rep it belongs to, a day and a payload.

A batch reads the rows of the accounts it touches once, changes them in memory and writes
them back once: a batch costs a few statements, not a few per event.
"""

from __future__ import annotations

from typing import Any, ClassVar

from projections.records import from_json, to_json
from projections.storage import ViewCursor

Row = tuple[str, str, str, dict[str, Any]]  # kind, rep id, day, payload


class ItemRows:
    """The rows of ``table`` for the accounts a batch touches.

    ``day_column`` names the table's day column; ``copied`` maps each further column to the
    payload key it is copied from ("" when the payload has none), so SQL can count by it."""

    table: ClassVar[str]
    day_column: ClassVar[str]
    copied: ClassVar[dict[str, str]] = {}

    def __init__(self, cursor: ViewCursor, account_ids: list[str]) -> None:
        self.cursor = cursor
        self.rows: dict[tuple[str, str], Row] = {}
        self.changed: set[tuple[str, str]] = set()
        self.deleted: set[tuple[str, str]] = set()
        for account_id, item_id, kind, rep_id, day, payload in cursor.rows_for_accounts(
                f"SELECT account_id, item_id, kind, rep_id, {self.day_column}, payload "
                f"FROM {self.table}", account_ids):
            self.rows[account_id, item_id] = (kind, rep_id, day, from_json(payload))

    def get(self, account_id: str, item_id: str) -> Row | None:
        return self.rows.get((account_id, item_id))

    def of_kind(self, account_id: str, kind: str) -> list[tuple[str, Row]]:
        """(item id, row) of each of the account's rows of this kind."""
        return [(item_id, row) for (account, item_id), row in list(self.rows.items())
                if account == account_id and row[0] == kind]

    def rename(self, account_id: str, name: str) -> None:
        """Every row of the account that names it (``name`` in its payload) names it so."""
        for (account, item_id), (kind, rep_id, day, payload) in list(self.rows.items()):
            if account == account_id and "name" in payload and payload["name"] != name:
                self.put(account, item_id, kind, rep_id, day, {**payload, "name": name})

    def put(self, account_id: str, item_id: str, kind: str, rep_id: str, day: str,
            payload: dict[str, Any]) -> None:
        key = (account_id, item_id)
        self.rows[key] = (kind, rep_id, day, payload)
        self.changed.add(key)
        self.deleted.discard(key)

    def delete(self, account_id: str, item_id: str) -> None:
        key = (account_id, item_id)
        if self.rows.pop(key, None) is not None:
            self.changed.discard(key)
            self.deleted.add(key)

    def save(self) -> None:
        self.cursor.executemany(
            f"DELETE FROM {self.table} WHERE account_id = ? AND item_id = ?",
            sorted(self.deleted))
        columns = ["account_id", "item_id", "kind", "rep_id", self.day_column,
                   *self.copied, "payload"]
        updates = ", ".join(f"{column} = excluded.{column}" for column in columns[2:])
        self.cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) "
            f"ON CONFLICT (account_id, item_id) DO UPDATE SET {updates}",
            [(*key, kind, rep_id, day, *(str(payload.get(name) or "")
                                         for name in self.copied.values()), to_json(payload))
             for key in sorted(self.changed)
             for kind, rep_id, day, payload in [self.rows[key]]],
        )
