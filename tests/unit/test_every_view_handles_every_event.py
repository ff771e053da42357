"""Every view says, for every kind of account event, what it does with it.

Views key their handlers by the event class itself (``Account.VisitRecorded``), never by its
name: a new event, or one a view forgets, fails here instead of silently doing nothing.
The history view is not listed: it writes every event as a row (its one special case,
``Account.RecordCorrected``, is an isinstance check).
"""

from __future__ import annotations

from types import ModuleType

import pytest

from domain.account import Account
from projections import account_list, dossier, health, relationship, route, team
from projections.records import EVENT_CLASSES

# the opening makes their document (base.dispatch)
FOLDS = (relationship, dossier, health, account_list)
VIEWS = (*FOLDS, route, team)


def handled(view: ModuleType) -> set[type[Account.Event]]:
    return {*view.HANDLERS, *([Account.Opened] if view in FOLDS else [])}


def test_the_account_events_are_the_nested_classes_stored_under_domain_account() -> None:
    assert Account.VisitRecorded in EVENT_CLASSES
    assert Account.Opened in EVENT_CLASSES
    for cls in EVENT_CLASSES:
        assert cls.__qualname__ == f"Account.{cls.__name__}"
        assert cls.__module__ == "domain.account"


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_a_view_handles_or_explicitly_ignores_every_account_event(view: ModuleType) -> None:
    unaccounted = set(EVENT_CLASSES) - handled(view) - view.IGNORED
    assert not unaccounted, (
        f"{view.__name__} neither handles nor ignores "
        f"{sorted(c.__name__ for c in unaccounted)}: add it to HANDLERS or IGNORED")


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_a_view_never_both_handles_and_ignores_an_event(view: ModuleType) -> None:
    assert not handled(view) & view.IGNORED


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_a_view_keys_its_handlers_by_the_stored_event_classes_only(view: ModuleType) -> None:
    strays = (set(view.HANDLERS) | view.IGNORED) - set(EVENT_CLASSES)
    assert not strays, f"{view.__name__} keys handlers by {strays}, not account events"

