"""The one place that builds the application for either backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import psycopg
import structlog
from eventsourcing.persistence import PersistenceError
from psycopg import sql

from api.credentials import CredentialTable
from api.settings import PostgresLocation, Settings
from audit.chain import chained, seal_unchained
from domain.application import Clock, Tsunagi, utc_now
from domain.errors import StoreUnavailable, UserExists
from domain.values import Actor, Role
from projections import ALL_VIEWS, VIEW_NAMES
from projections.base import View
from projections.runner import Projector, Views
from projections.storage import open_view_datastore, view_recorder


class StartupError(Exception):
    """Tsunagi cannot start; the message is one line a person can act on."""


def build_application(settings: Settings | None = None, clock: Clock = utc_now) -> Tsunagi:
    settings = settings or Settings()
    location = settings.database
    directory = settings.sqlite_directory()
    try:
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        with setting_up(settings):
            application = Tsunagi(env=settings.eventsourcing_env(), clock=clock)
            _seal_older_events(application)
        return application
    except (OSError, psycopg.Error, PersistenceError, StoreUnavailable) as exc:
        raise StartupError(
            f"cannot open the database at {location.describe()}: {_first_line(exc)}"
        ) from exc


SETUP_LOCK = 0x7473756E61676931  # "tsunagi1": one process at a time creates tables


@contextmanager
def setting_up(settings: Settings) -> Iterator[None]:
    """Processes starting together (API workers, the projector) create the schema, tables
    and views one at a time: PostgreSQL's CREATE ... IF NOT EXISTS is not safe to race.
    Connecting here first also reports a wrong host or database as such."""
    location = settings.database
    if not isinstance(location, PostgresLocation):
        yield
        return
    with psycopg.connect(
        host=location.host, port=location.port, dbname=location.dbname,
        user=location.user, password=location.password,
        connect_timeout=settings.connect_timeout_seconds, autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK,))
        try:
            if settings.postgres_schema:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                    sql.Identifier(settings.postgres_schema)))
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))


# What a store that does not answer raises, whichever driver and layer it reaches first.
STORE_DOWN = (PersistenceError, psycopg.Error, OSError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def build_views(application: Tsunagi, settings: Settings | None = None,
                names: Sequence[str] | None = None) -> list[View]:
    """The views of this process, on the application's backend, sharing one connection pool."""
    settings = settings or Settings()
    wanted = set(names or VIEW_NAMES)
    unknown = wanted - set(VIEW_NAMES)
    if unknown:
        raise StartupError(f"unknown views {sorted(unknown)}; known: {', '.join(VIEW_NAMES)}")
    try:
        with setting_up(settings):
            factory = open_view_datastore(settings.eventsourcing_env())
            views = [cls(view_recorder(factory, cls.name)) for cls in ALL_VIEWS
                     if cls.name in wanted]
    except (psycopg.Error, PersistenceError) as exc:
        raise StartupError(f"cannot open the views: {_first_line(exc)}") from exc
    return views


def build_read_side(application: Tsunagi, settings: Settings,
                    names: Sequence[str] | None = None) -> Views:
    """A projector in this process (the embedded default), or views that another process
    keeps up to date (``TSUNAGI_PROJECTOR=external``, the PostgreSQL deployment)."""
    views = build_views(application, settings, names)
    if settings.projector == "external":
        return Views(application, views)
    return Projector(application, views)


CredentialsT = TypeVar("CredentialsT", bound=CredentialTable)


def open_credentials(kind: type[CredentialsT], application: Tsunagi,
                     settings: Settings) -> CredentialsT:
    """A credential table (web sessions, calendar feed keys), in the events' database,
    through the application's pool, made if it is not there yet."""
    try:
        with setting_up(settings):
            table = kind(application.recorder.datastore,  # type: ignore[attr-defined]
                         application.clock)
            table.create_table()
    except (psycopg.Error, PersistenceError, StoreUnavailable) as exc:
        raise StartupError(f"cannot open {kind.what}: {_first_line(exc)}") from exc
    return table


def _seal_older_events(application: Tsunagi) -> None:
    """A store made before the hash chain existed gets its rows linked once, in order."""
    recorder = chained(application.recorder)
    if recorder.has_unchained():
        sealed = seal_unchained(recorder)
        structlog.get_logger("tsunagi").warning("sealed_unchained_events", events=sealed)


FIRST_ADMIN = "kanri"  # 管理者: the first user, on a store nobody has used yet


def first_admin(application: Tsunagi, settings: Settings) -> str | None:
    """On an empty store and with no TSUNAGI_ADMIN_TOKEN, the first admin (``kanri``),
    registered now; its token is returned to be shown once (only its hash is kept), as
    Jupyter and Grafana do. None otherwise — also when another process won the race."""
    if settings.admin_token is not None or application.recorder.max_notification_id():
        return None
    try:
        _, token = application.register_user(Actor("cli", Role.ADMIN), user_id=FIRST_ADMIN,
                                             name="管理者", role="admin")
    except UserExists:
        return None
    return token
