"""What an auditor reads of one account: the account, even when its rows no longer read."""

from __future__ import annotations

from uuid import UUID

from audit.chain import chained
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountNotFound, StoreUnavailable

EXPORT_MEDIA = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}


def audited_account(app: Tsunagi, account_id: UUID) -> Account | None:
    """The account; None when it is stored but its rows no longer read as its events (an
    audit is for exactly that: verify and export say which rows and why); 404 when nothing
    is stored under the id."""
    try:
        return app.read_account(account_id)
    except (AccountNotFound, StoreUnavailable):
        raise
    except Exception:  # a truncated or undecodable row
        if not chained(app.recorder).select_chained(originator_id=account_id, limit=1):
            raise AccountNotFound(f"no account {account_id}") from None
        return None
