"""eventsourcing's own conformance cases, run against what Tsunagi configures or subclasses.

- the transcoder: Tsunagi registers transcodings (dates, the aggregate's state objects) on
  the library's JSONTranscoder; TranscoderTestCase must still pass with them registered;
- the view recorders: Tsunagi subclasses the SQLite and PostgreSQL tracking recorders (a
  tracking table per view, view rows in the same transaction); TrackingRecorderTestCase
  must pass on both backends;
- the hash-chained application recorders (audit.chain) subclass the SQLite and PostgreSQL
  application recorders; ApplicationRecorderTestCase and
  NonInterleavingNotificationIDsBaseCase must pass on both backends.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import date
from typing import Any
from unittest import skip

import psycopg
import pytest
from eventsourcing.persistence import JSONTranscoder, TrackingRecorder, Transcoder
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    CustomType1AsDict,
    CustomType2AsDict,
    NonInterleavingNotificationIDsBaseCase,
    TrackingRecorderTestCase,
    TranscoderTestCase,
)

from audit.chain import ChainedPostgresApplicationRecorder, ChainedSQLiteApplicationRecorder
from domain.account import ComplaintState, HandoverState, PromiseState
from domain.application import Tsunagi
from projections.storage import PostgresViewRecorder, SQLiteViewRecorder
from tests.conftest import JST


def tsunagi_transcoder() -> JSONTranscoder:
    app = Tsunagi(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, JSONTranscoder)
    return transcoder


class TestTsunagiTranscoder(TranscoderTestCase):
    """Skips exactly the six cases eventsourcing skips for its own JSONTranscoder: JSON has
    no tuples and no subclasses of dict, list, str or int. Events and state avoid them."""

    def construct_transcoder(self) -> Transcoder:
        transcoder = tsunagi_transcoder()
        transcoder.register(CustomType1AsDict())
        transcoder.register(CustomType2AsDict())
        return transcoder

    @skip("JSONTranscoder converts tuples to lists (skipped by eventsourcing too)")
    def test_tuple(self) -> None: ...

    @skip("JSONTranscoder converts tuples to lists (skipped by eventsourcing too)")
    def test_mixed(self) -> None: ...

    @skip("JSONTranscoder converts dict subclasses to dict (skipped by eventsourcing too)")
    def test_dict_subclass(self) -> None: ...

    @skip("JSONTranscoder converts list subclasses to list (skipped by eventsourcing too)")
    def test_list_subclass(self) -> None: ...

    @skip("JSONTranscoder converts str subclasses to str (skipped by eventsourcing too)")
    def test_str_subclass(self) -> None: ...

    @skip("JSONTranscoder converts int subclasses to int (skipped by eventsourcing too)")
    def test_int_subclass(self) -> None: ...


@pytest.fixture
def unittest_postgres(request: pytest.FixtureRequest, postgres_database: str) -> None:
    request.cls.database = postgres_database


class TestSQLiteViewRecorder(TrackingRecorderTestCase):
    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self) -> None:
        self.directory.cleanup()

    def create_recorder(self) -> TrackingRecorder:
        datastore = SQLiteDatastore(f"{self.directory.name}/views.db")
        return view_recorder_on(datastore)


@pytest.mark.postgres
@pytest.mark.usefixtures("unittest_postgres")
class TestPostgresViewRecorder(TrackingRecorderTestCase):
    database: str

    def create_recorder(self) -> TrackingRecorder:
        return view_recorder_on(postgres_datastore(self, self.database))


def postgres_datastore(test: Any, database: str, pool_size: int = 1) -> PostgresDatastore:
    """A datastore on a fresh schema of this run's database, closed after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=database,
                         autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    datastore = PostgresDatastore(database, "127.0.0.1", "5432", "postgres", "",
                                  schema=schema, pool_size=pool_size, max_overflow=10)
    test.addCleanup(datastore.close)
    return datastore


class TestChainedSQLiteRecorder(ApplicationRecorderTestCase[ChainedSQLiteApplicationRecorder]):
    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self) -> None:
        self.directory.cleanup()

    def create_recorder(self) -> ChainedSQLiteApplicationRecorder:
        datastore = SQLiteDatastore(f"{self.directory.name}/events.db", lock_timeout=30)
        recorder = ChainedSQLiteApplicationRecorder(datastore)
        recorder.create_table()
        return recorder


class TestChainedSQLiteNonInterleaving(NonInterleavingNotificationIDsBaseCase):
    def setUp(self) -> None:
        self.directory = tempfile.TemporaryDirectory()

    def tearDown(self) -> None:
        self.directory.cleanup()

    def create_recorder(self) -> ChainedSQLiteApplicationRecorder:
        recorder = ChainedSQLiteApplicationRecorder(
            SQLiteDatastore(f"{self.directory.name}/events.db", lock_timeout=30))
        recorder.create_table()
        return recorder


@pytest.mark.postgres
@pytest.mark.usefixtures("unittest_postgres")
class TestChainedPostgresRecorder(
        ApplicationRecorderTestCase[ChainedPostgresApplicationRecorder]):
    database: str

    def create_recorder(self) -> ChainedPostgresApplicationRecorder:
        recorder = ChainedPostgresApplicationRecorder(
            postgres_datastore(self, self.database, pool_size=4))
        recorder.create_table()
        return recorder

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


@pytest.mark.postgres
@pytest.mark.usefixtures("unittest_postgres")
class TestChainedPostgresNonInterleaving(NonInterleavingNotificationIDsBaseCase):
    database: str

    def create_recorder(self) -> ChainedPostgresApplicationRecorder:
        recorder = ChainedPostgresApplicationRecorder(
            postgres_datastore(self, self.database, pool_size=2))
        recorder.create_table()
        return recorder


def view_recorder_on(datastore: SQLiteDatastore | PostgresDatastore) -> TrackingRecorder:
    recorder: TrackingRecorder
    if isinstance(datastore, PostgresDatastore):
        recorder = PostgresViewRecorder(datastore, tracking_table_name="conformance_tracking")
    else:
        recorder = SQLiteViewRecorder(datastore, tracking_table_name="conformance_tracking")
    recorder.create_table()  # type: ignore[attr-defined]
    return recorder


# collect the subclasses only
del TranscoderTestCase, TrackingRecorderTestCase, ApplicationRecorderTestCase
del NonInterleavingNotificationIDsBaseCase


def test_dates_and_state_objects_round_trip() -> None:
    from datetime import datetime

    transcoder = tsunagi_transcoder()
    state = {
        "promises": {"p1": PromiseState(due_date=date(2026, 12, 1), made_at_version=3)},
        "complaints": {"c1": ComplaintState(received_at=datetime(2026, 11, 1, 9, tzinfo=JST))},
        "handovers": {"h1": HandoverState(from_rep_id="sato", to_rep_id="suzuki")},
        "renewal": date(2027, 3, 31),
    }
    assert transcoder.decode(transcoder.encode(state)) == state
