"""Checkpoints of the account views, for reading an account as it stood at any instant.

Every CHECKPOINT_EVERY versions of an account, this view keeps a copy of the account's
relationship and dossier documents (the dossier holds the health evidence). "As of T"
starts from the last checkpoint recorded by T and folds only the few events after it, so
its cost does not grow with the account's history.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from projections import dossier, relationship
from projections.base import AccountDocumentView, Document
from projections.records import account_key, utc_key
from projections.storage import ViewCursor

CHECKPOINT_EVERY = 100


def evolve(doc: Document | None, event: Any) -> Document | None:
    current = doc or {"relationship": None, "dossier": None, "recorded_utc": ""}
    current["relationship"] = relationship.evolve(current["relationship"], event)
    current["dossier"] = dossier.evolve(current["dossier"], event)
    current["recorded_utc"] = max(current["recorded_utc"], utc_key(event.timestamp))
    return current if current["relationship"] is not None else None


class CheckpointView(AccountDocumentView):
    name: str = "checkpoints"
    table = "checkpoints_current"
    shape = 2  # health evidence: closed promises and complaints counted by day
    tables: ClassVar[dict[str, str]] = {
        "checkpoints": (
            "CREATE TABLE IF NOT EXISTS checkpoints (account_id TEXT NOT NULL, "
            "version INTEGER NOT NULL, recorded_utc TEXT NOT NULL, document TEXT NOT NULL, "
            "PRIMARY KEY (account_id, version))"
        ),
    }
    evolve = staticmethod(evolve)

    def after(self, cursor: ViewCursor, event: Any, document: Document | None) -> None:
        if document is not None and event.originator_version % CHECKPOINT_EVERY == 0:
            cursor.execute(
                "INSERT INTO checkpoints (account_id, version, recorded_utc, document) "
                "VALUES (?, ?, ?, ?)",
                (account_key(event), event.originator_version, document["recorded_utc"],
                 json.dumps(document, ensure_ascii=False, sort_keys=True)),
            )

    def around(self, account_id: str, recorded_utc: str) -> tuple[int, Document | None,
                                                                  int | None]:
        """The last checkpoint whose events were all recorded by that instant (version 0 and
        no document if none), and the version of the checkpoint after it, if there is one."""
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT version, document FROM checkpoints WHERE account_id = ? AND "
                "recorded_utc <= ? ORDER BY version DESC LIMIT 1",
                (account_id, recorded_utc),
            )
            row = cursor.fetchone()
            version, document = (row[0], json.loads(row[1])) if row else (0, None)
            cursor.execute(
                "SELECT MIN(version) FROM checkpoints WHERE account_id = ? AND version > ?",
                (account_id, version),
            )
            following = cursor.fetchone()
        return version, document, following[0] if following else None
