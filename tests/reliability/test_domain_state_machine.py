"""Random sequences of commands on an account keep every invariant, and views kept up event
by event equal a replay of the whole history."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.account import Account
from domain.errors import DomainError, PromiseAlreadyClosed
from domain.values import Actor, Role
from projections import dossier, health, relationship

MANAGER = Actor("tanaka", Role.MANAGER)
REPS = {"sato": Actor("sato", Role.REP), "suzuki": Actor("suzuki", Role.REP)}
FOLDS = {"relationship": relationship.evolve, "dossier": dossier.evolve,
         "health": health.evolve}


def canonical(document: Any) -> Any:
    return json.loads(json.dumps(document, ensure_ascii=False, sort_keys=True))


class AnAccountsLife(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = datetime(2026, 1, 5, 9, tzinfo=UTC)
        self.account = Account.open(MANAGER, self.now, name="株式会社山田製作所",
                                    owner_rep_id="sato", visit_cadence_days=14)
        self.events: list[Any] = []
        self.documents: dict[str, Any] = dict.fromkeys(FOLDS)
        self.closed: set[str] = set()
        self.collect()

    def collect(self) -> None:
        for event in self.account.collect_events():
            self.events.append(event)
            for name, evolve in FOLDS.items():
                self.documents[name] = evolve(self.documents[name], event)

    @property
    def owner(self) -> Actor:
        return REPS[self.account.owner_rep_id]

    def attempt(self, command: Any, **kwargs: Any) -> None:
        version = self.account.version
        try:
            command(**kwargs)
        except DomainError:
            assert self.account.version == version
            assert self.account.pending_events == [], "a refused command records nothing"
        self.collect()

    @rule(hours=st.integers(1, 400))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(days_ago=st.integers(-1, 30), small_talk=st.booleans(), late=st.integers(0, 60),
          as_owner=st.booleans())
    def visit(self, days_ago: int, small_talk: bool, late: int, as_owner: bool) -> None:
        actor = self.owner if as_owner else REPS["suzuki" if self.owner.user_id == "sato"
                                                   else "sato"]
        self.attempt(self.account.record_visit, actor=actor, now=self.now,
                     occurred_at=self.now - timedelta(days=days_ago), purpose="定期訪問",
                     summary="", small_talk=small_talk, minutes_late=late)

    @rule(days=st.integers(-5, 30))
    def promise(self, days: int) -> None:
        self.attempt(self.account.make_promise, actor=self.owner, now=self.now,
                     description="見積りを送る", made_to="山田部長",
                     due_date=(self.now + timedelta(days=days)).date())

    @rule(data=st.data(), outcome=st.sampled_from(["kept", "broken", "cancelled"]))
    def close_a_promise(self, data: st.DataObject, outcome: str) -> None:
        if not self.account.promises:
            return
        promise_id = data.draw(st.sampled_from(sorted(self.account.promises)))
        was_closed = promise_id in self.closed
        try:
            self.account.close_promise(self.owner, self.now, promise_id=promise_id,
                                       outcome=outcome)
        except PromiseAlreadyClosed:
            assert was_closed
        else:
            assert not was_closed, "a promise closes once"
            self.closed.add(promise_id)
        self.collect()

    @rule(hours_ago=st.integers(0, 48))
    def complaint(self, hours_ago: int) -> None:
        self.attempt(self.account.receive_complaint, actor=self.owner, now=self.now,
                     received_at=self.now - timedelta(hours=hours_ago), subject="納品遅延")

    @rule(data=st.data(), hours_back=st.integers(-2, 72))
    def resolve_a_complaint(self, data: st.DataObject, hours_back: int) -> None:
        if not self.account.complaints:
            return
        complaint_id = data.draw(st.sampled_from(sorted(self.account.complaints)))
        self.attempt(self.account.resolve_complaint, actor=self.owner, now=self.now,
                     complaint_id=complaint_id,
                     resolved_at=self.now - timedelta(hours=hours_back), resolution="対応済み")

    @rule(complete=st.booleans())
    def handover(self, complete: bool) -> None:
        successor = "suzuki" if self.account.owner_rep_id == "sato" else "sato"
        if self.account.open_handover_id is None:
            self.attempt(self.account.initiate_handover, actor=MANAGER, now=self.now,
                         to_rep_id=successor, reason="担当替え", effective_at=self.now)
        elif complete:
            self.attempt(self.account.complete_handover, actor=REPS[successor], now=self.now,
                         handover_id=self.account.open_handover_id)
        else:
            self.attempt(self.account.cancel_handover, actor=MANAGER, now=self.now,
                         handover_id=self.account.open_handover_id, reason="延期")

    @invariant()
    def versions_count_the_events(self) -> None:
        assert self.account.version == len(self.events)
        assert [e.originator_version for e in self.events] == list(range(1, len(self.events) + 1))

    @invariant()
    def a_replay_rebuilds_the_account(self) -> None:
        replayed = None
        for event in self.events:
            replayed = event.mutate(replayed)
        assert replayed == self.account

    @invariant()
    def views_kept_up_equal_a_replay(self) -> None:
        for name, evolve in FOLDS.items():
            replayed = None
            for event in copy.deepcopy(self.events):
                replayed = evolve(replayed, event)
            assert canonical(self.documents[name]) == canonical(replayed), name

    @invariant()
    def one_successor_at_most_and_the_owner_is_a_rep(self) -> None:
        open_handovers = [h for h in self.account.handovers.values() if h.status == "open"]
        assert len(open_handovers) <= 1
        assert self.account.owner_rep_id in REPS


AnAccountsLife.TestCase.settings = settings(max_examples=60, stateful_step_count=40,
                                           deadline=None)
TestAnAccountsLife = AnAccountsLife.TestCase
