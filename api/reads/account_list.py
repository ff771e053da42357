"""The accounts list: a page of the account_list view, filtered, sorted and paged by an
opaque cursor; the JSON route and the web page read it alike."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from fastapi.exceptions import RequestValidationError

from api.reads.common import wait_for_views
from api.reads.models import AccountListItemPublic, AccountListPublic
from api.reads.people import People, UserDirectory
from api.reads.warnings import named_warnings
from api.settings import Settings
from domain.values import Actor, Role
from projections.account_list import SORT_KEYS, AccountListView, ListQuery, ListRow
from projections.runner import Views

MAX_PAGE = 200
DEFAULT_PAGE = 50
SORTS = tuple(SORT_KEYS)


@dataclass(frozen=True)
class ListAsk:
    """What a person asks of the list, as the query string says it (checked already)."""

    q: str = ""
    owner_rep_id: str | None = None
    cooling: bool | None = None
    contract_ends_before: date | None = None
    sort: str = "name"
    limit: int = DEFAULT_PAGE
    cursor: str | None = None


class RememberedPeople(People):
    """People whose registered names this process remembers across requests: a page names
    up to 50 owners, and a user's name, once registered, does not change (an id that names
    nobody is asked again, so a user registered later is named)."""

    def __init__(self, directory: UserDirectory, remembered: dict[str, str]) -> None:
        super().__init__(directory)
        self.remembered = remembered

    def name(self, user_id: str | None) -> str | None:
        if user_id and user_id in self.remembered:
            return self.remembered[user_id]
        found = super().name(user_id)
        if user_id and found is not None and len(self.remembered) < NAMES_REMEMBERED:
            self.remembered[user_id] = found
        return found


NAMES_REMEMBERED = 10_000
_REMEMBERED: WeakKeyDictionary[Any, dict[str, str]] = WeakKeyDictionary()


def people_of(directory: UserDirectory) -> People:
    """The people of this application, their names remembered for the process's lifetime."""
    return RememberedPeople(directory, _REMEMBERED.setdefault(directory, {}))


def encode_cursor(sort: str, last: ListRow) -> str:
    raw = orjson.dumps([sort, last.sort_key, last.account_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """The (sort key, account_id) a page ended on; 422 naming ``cursor`` for anything that
    is not a cursor this list gave for this order."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        given_sort, key, account_id = orjson.loads(raw)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise _refused("cursor", "not a cursor this list gave (pass next_cursor as it is)"
                       ) from None
    if given_sort != sort or not isinstance(account_id, str) \
            or not isinstance(key, int | str) or isinstance(key, bool):
        raise _refused("cursor", "this cursor was given for another order: "
                       "keep the sort it was given with")
    return key, account_id


def _refused(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", field), "type": "value_error",
                                    "msg": message}])


def list_page(views: Views, settings: Settings, actor: Actor,
              ask: ListAsk) -> tuple[list[ListRow], str | None]:
    """A page of the accounts this actor may read (a rep: their own and those being handed
    to them), and the cursor of the next page (None on the last)."""
    query = ListQuery(
        reader=actor.user_id if actor.role is Role.REP else None, q=ask.q,
        owner_rep_id=ask.owner_rep_id, cooling=ask.cooling,
        contract_ends_before=(ask.contract_ends_before.isoformat()
                              if ask.contract_ends_before else None),
        sort=ask.sort, limit=ask.limit + 1,
        after=decode_cursor(ask.cursor, ask.sort) if ask.cursor else None)
    wait_for_views(views, settings, "account_list")
    view: AccountListView = views["account_list"]  # type: ignore[assignment]
    rows = view.page(query)
    more = len(rows) > ask.limit
    rows = rows[:ask.limit]
    return rows, encode_cursor(ask.sort, rows[-1]) if more else None


def list_item(found: ListRow, now: datetime, settings: Settings,
              people: People) -> AccountListItemPublic:
    status = found.status(now, settings.ramp_up_days)
    return AccountListItemPublic.model_validate({
        **{name: value for name, value in found.summary.items() if name != "comparison"},
        "account_id": found.account_id, "name": found.name,
        "owner_rep_id": found.owner_rep_id, "owner_name": people.name(found.owner_rep_id),
        "version": found.version, "next_visit_due": found.next_visit_due,
        "contract_end": found.contract_end,
        "health": {"status": status,
                   "score": found.health_score if status in ("active", "thin_records")
                   else None,
                   "as_of": found.health_as_of,
                   "comparison": found.summary.get("comparison") if status in (
                       "active", "thin_records") else None},
        "warnings": named_warnings(found.warnings(now), people),
        "cooling": found.cooling,
    })


def account_list(views: Views, settings: Settings, actor: Actor, people: People,
                 now: datetime, ask: ListAsk) -> AccountListPublic:
    rows, next_cursor = list_page(views, settings, actor, ask)
    return AccountListPublic(items=[list_item(found, now, settings, people) for found in rows],
                             next_cursor=next_cursor)
