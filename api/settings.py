"""All configuration in one place, read from TSUNAGI_* environment variables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.business_days import DEFAULT_COMPANY_HOLIDAYS, BusinessCalendar
from domain.errors import InvalidValue
from projections.health_warnings import REQUEST_UNANSWERED_DAYS, Limits

DEFAULT_DATABASE_URL = "sqlite:///./data/tsunagi.db"


@dataclass(frozen=True)
class SqliteLocation:
    path: str  # a file path, or ":memory:"

    def describe(self) -> str:
        return f"sqlite:///{self.path}"


@dataclass(frozen=True)
class PostgresLocation:
    host: str
    port: int
    dbname: str
    user: str
    password: str

    def describe(self) -> str:
        """The URL without its password, safe to print and log."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"


DatabaseLocation = SqliteLocation | PostgresLocation


def parse_database_url(url: str) -> DatabaseLocation:
    """sqlite:///relative/or/absolute.db, sqlite:///:memory:, postgresql://user:pw@host:port/db."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        if parts.netloc:
            raise ValueError("a sqlite URL has three slashes: sqlite:///path/to/file.db")
        path = unquote(parts.path)
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise ValueError("a sqlite URL needs a file: sqlite:///path/to/file.db")
        return SqliteLocation(path)
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dbname = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not dbname:
            raise ValueError("a postgresql URL names host and database: "
                             "postgresql://user:pass@host:5432/dbname")
        try:
            port = parts.port or 5432
        except ValueError:
            raise ValueError("the port in the postgresql URL is not a number") from None
        return PostgresLocation(
            host=parts.hostname,
            port=port,
            dbname=dbname,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )
    raise ValueError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgresql://")


@lru_cache(maxsize=8)
def business_calendar(company_holidays: str) -> BusinessCalendar:
    return BusinessCalendar(company_holidays)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TSUNAGI_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    postgres_schema: str = ""
    postgres_pool_size: int = 10
    connect_timeout_seconds: int = 2
    # SQLite: how long a write waits for the file's write lock, which the app and every view
    # take in turn (eight views since 0.3.0; under a busy 2-core CI 2 s was seen to run out).
    sqlite_lock_timeout_seconds: int = Field(default=5, gt=0)
    admin_token: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_json: bool | None = None  # None: JSON lines unless stderr is a terminal
    projector: Literal["inprocess", "external"] = "inprocess"
    read_timeout_seconds: float = 5.0  # how long a read waits for the views to catch up
    header_timeout_seconds: float = 10.0  # a request's headers must arrive within this
    body_timeout_seconds: float = 15.0  # and its whole body within this (total)
    max_connections: int = 256  # more at once are answered 503, except /health
    # one client address at a time (0: no cap); more are answered 429 and closed at once
    max_connections_per_client: int = Field(default=64, ge=0)
    ramp_up_days: int = 90  # a successor's first period, shown as ramp-up, not scored alike
    # a customer's request unanswered for longer than this raises a warning
    request_unanswered_days: int = Field(default=REQUEST_UNANSWERED_DAYS, ge=1)
    # days the company is closed besides weekends and public holidays: MM-DD, MM-DD..MM-DD
    # (every year, may cross the new year) or YYYY-MM-DD, comma-separated
    company_holidays: str = DEFAULT_COMPANY_HOLIDAYS
    cookie_secure: bool | None = None  # web sign-in cookie; None: Secure when served over https
    workers: int = Field(default=1, ge=1, le=64)  # `tsunagi serve` processes

    @field_validator("workers")
    @classmethod
    def _workers_share_one_projector(cls, value: int, info: ValidationInfo) -> int:
        if value > 1 and info.data.get("projector") != "external":
            raise ValueError("several workers need TSUNAGI_PROJECTOR=external and one "
                             "`tsunagi project` process keeping the views")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        parse_database_url(value)
        return value

    @field_validator("company_holidays")
    @classmethod
    def _company_holidays_read(cls, value: str) -> str:
        try:
            business_calendar(value)
        except InvalidValue as exc:
            raise ValueError(str(exc)) from None
        return value

    @property
    def business_calendar(self) -> BusinessCalendar:
        """Business days: no weekend, Japanese public holiday or company holiday."""
        return business_calendar(self.company_holidays)

    @property
    def warning_limits(self) -> Limits:
        """The warnings' thresholds this deployment sets."""
        return Limits(request_unanswered_days=self.request_unanswered_days)

    @property
    def database(self) -> DatabaseLocation:
        return parse_database_url(self.database_url)

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing's infrastructure factory reads."""
        location = self.database
        if isinstance(location, SqliteLocation):
            return {
                "PERSISTENCE_MODULE": "audit.factories:TsunagiSQLiteFactory",
                "SQLITE_DBNAME": location.path,
                "SQLITE_LOCK_TIMEOUT": str(self.sqlite_lock_timeout_seconds),
            }
        return {
            "PERSISTENCE_MODULE": "audit.factories:TsunagiPostgresFactory",
            "POSTGRES_DBNAME": location.dbname,
            "POSTGRES_HOST": location.host,
            "POSTGRES_PORT": str(location.port),
            "POSTGRES_USER": location.user,
            "POSTGRES_PASSWORD": location.password,
            "POSTGRES_SCHEMA": self.postgres_schema,
            "POSTGRES_CONNECT_TIMEOUT": str(self.connect_timeout_seconds),
            "POSTGRES_POOL_SIZE": str(self.postgres_pool_size),
            # No ping before each use of a pooled connection: it was a round trip on every
            # store call (12% of the API's CPU under load). A connection broken by a
            # database restart fails once and is retried on a fresh one (see the outage test).
            "POSTGRES_PRE_PING": "n",
        }

    def sqlite_directory(self) -> Path | None:
        location = self.database
        if isinstance(location, SqliteLocation) and location.path != ":memory:":
            return Path(location.path).expanduser().resolve().parent
        return None
