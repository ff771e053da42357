"""Tsunagi's infrastructure factories: eventsourcing's, with hash-chained application
recorders, and PostgreSQL recorders that give up quickly when the database is down.

eventsourcing retries a failed PostgreSQL call ten times; with a pool that waits for a
connection, a request would hang for most of a minute in an outage. Tsunagi retries once
and answers 503 with Retry-After instead (selected by ``PERSISTENCE_MODULE``).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from eventsourcing.utils import retry

from audit.chain import ChainedPostgresApplicationRecorder, ChainedSQLiteApplicationRecorder

FAIL_FAST = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.2)


def fail_fast(method: Any) -> Any:
    """The library's method without its own retries, retried once."""
    return FAIL_FAST(getattr(method, "__wrapped__", method))


class FailFastPostgresAggregateRecorder(PostgresAggregateRecorder):
    select_events = fail_fast(PostgresAggregateRecorder.select_events)
    insert_events = fail_fast(PostgresAggregateRecorder.insert_events)


class TsunagiSQLiteFactory(SQLiteFactory):
    application_recorder_class = ChainedSQLiteApplicationRecorder


class TsunagiPostgresFactory(PostgresFactory):
    aggregate_recorder_class = FailFastPostgresAggregateRecorder
    application_recorder_class = ChainedPostgresApplicationRecorder
