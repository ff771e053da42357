"""How to change a stored event, worked through: eventsourcing's class_version and upcasters.

The example classes live here, not in the domain. The story: a visit was first recorded with
``summary`` only (version 1); then the channel was added (version 2: old visits were in
person); then ``summary`` was renamed ``notes`` (version 3). Stores written by each version
must still read, through the very mapper Tsunagi reads with. The Account snapshot is
upcast the same way, by the aggregate's own class_version.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar
from uuid import uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, register_topic

from domain.application import Tsunagi


class Customer(Aggregate):
    """取引先 as it would look after two changes to its visit event."""

    class_version: ClassVar[int] = 2  # snapshots of version 1 had no ``channels``

    class VisitRecorded(Aggregate.Event):
        class_version: ClassVar[int] = 3
        purpose: str
        notes: str
        channel: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["channel"] = "in_person"  # every visit before v2 was in person

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["notes"] = state.pop("summary")

        def apply(self, customer: Customer) -> None:
            customer.channels[self.channel] = customer.channels.get(self.channel, 0) + 1

    def __init__(self, name: str) -> None:
        self.name = name
        self.channels: dict[str, int] = {}

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["channels"] = {}


def mapper() -> Any:
    return Tsunagi(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


def stored(event_topic: str, version: int, **state: Any) -> StoredEvent:
    state = {"timestamp": {"_type_": "datetime_iso", "_data_": "2025-06-02T09:00:00+09:00"},
             "originator_topic": get_topic(Customer), **state}
    return StoredEvent(uuid4(), version, event_topic, json.dumps(state).encode())


def test_a_visit_stored_as_version_1_reads_as_today_s_visit() -> None:
    old = stored(get_topic(Customer.VisitRecorded), 2, purpose="定期訪問",
                 summary="納期の相談")  # no class_version in the state: version 1
    visit = mapper().to_domain_event(old)
    assert isinstance(visit, Customer.VisitRecorded)
    assert (visit.purpose, visit.notes, visit.channel) == ("定期訪問", "納期の相談", "in_person")


def test_a_visit_stored_as_version_2_is_upcast_only_the_rest_of_the_way() -> None:
    old = stored(get_topic(Customer.VisitRecorded), 2, class_version=2, purpose="定期訪問",
                 summary="電話で確認", channel="phone")
    visit = mapper().to_domain_event(old)
    assert (visit.notes, visit.channel) == ("電話で確認", "phone")


def test_today_s_visit_is_stored_with_its_class_version_and_reads_back_unchanged() -> None:
    customer = Customer(name="株式会社山田製作所")
    customer.trigger_event(Customer.VisitRecorded, purpose="定期訪問", notes="特になし",
                           channel="online")
    [_, event] = customer.collect_events()  # created, then the visit
    state = json.loads(mapper().to_stored_event(event).state)
    assert state["class_version"] == 3
    assert "summary" not in state
    assert mapper().to_domain_event(mapper().to_stored_event(event)) == event


def test_a_snapshot_of_version_1_is_upcast_by_the_aggregate_class() -> None:
    old = stored(get_topic(Customer.Snapshot), 5, topic=get_topic(Customer),
                 state={"name": "株式会社山田製作所",
                        "_created_on": {"_type_": "datetime_iso",
                                        "_data_": "2025-06-02T09:00:00+09:00"},
                        "_modified_on": {"_type_": "datetime_iso",
                                         "_data_": "2025-06-02T09:00:00+09:00"}})
    customer = mapper().to_domain_event(old).mutate(None)
    assert isinstance(customer, Customer)
    assert (customer.name, customer.channels, customer.version) == ("株式会社山田製作所", {}, 5)


def test_a_class_that_moved_still_reads_under_its_old_topic() -> None:
    register_topic("domain.account:Customer.VisitRecorded", Customer.VisitRecorded)
    old = stored("domain.account:Customer.VisitRecorded", 2, purpose="定期訪問",
                 summary="移転前の記録")
    assert mapper().to_domain_event(old).notes == "移転前の記録"
