"""TSUNAGI_DATABASE_URL says where the events live."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.settings import PostgresLocation, Settings, SqliteLocation, parse_database_url


def test_the_default_is_an_embedded_sqlite_file_under_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TSUNAGI_DATABASE_URL", raising=False)
    settings = Settings()
    assert settings.database == SqliteLocation("./data/tsunagi.db")
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "audit.factories:TsunagiSQLiteFactory"
    assert settings.sqlite_directory() is not None
    assert settings.sqlite_directory().name == "data"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///tsunagi.db", SqliteLocation("tsunagi.db")),
        ("sqlite:////var/lib/tsunagi/events.db", SqliteLocation("/var/lib/tsunagi/events.db")),
        ("sqlite:///:memory:", SqliteLocation(":memory:")),
        ("postgresql://app:s%40cret@db.internal:6543/tsunagi",
         PostgresLocation("db.internal", 6543, "tsunagi", "app", "s@cret")),
        ("postgres://postgres@127.0.0.1/test",
         PostgresLocation("127.0.0.1", 5432, "test", "postgres", "")),
    ],
)
def test_database_urls_are_understood(url: str, expected: object) -> None:
    assert parse_database_url(url) == expected


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/test", "unsupported database URL scheme 'mysql'"),
        ("sqlite://relative.db", "three slashes"),
        ("sqlite:///", "needs a file"),
        ("postgresql://localhost", "names host and database"),
        ("postgresql://u@host:port/db", "port"),
        ("not a url", "unsupported"),
    ],
)
def test_a_malformed_url_is_refused_with_a_reason(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_database_url(url)
    with pytest.raises(ValidationError):
        Settings(database_url=url)


def test_postgres_env_never_carries_the_password_into_descriptions() -> None:
    settings = Settings(database_url="postgresql://app:hunter2@db:5432/tsunagi",
                        postgres_schema="tenant_a")
    env = settings.eventsourcing_env()
    assert env["POSTGRES_PASSWORD"] == "hunter2"
    assert env["POSTGRES_SCHEMA"] == "tenant_a"
    assert "hunter2" not in settings.database.describe()
