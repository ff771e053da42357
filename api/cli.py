"""The `tsunagi` command."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, NoReturn
from uuid import UUID

import structlog
import typer
from eventsourcing.postgres import PostgresApplicationRecorder
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from api.bootstrap import (
    FIRST_ADMIN,
    StartupError,
    build_application,
    build_views,
    first_admin,
    open_credentials,
)
from api.demo import generate, people, register
from api.imports import FORMATS, ImportRefused, run_import
from api.imports.engine import ADMIN_ONLY
from api.logging import configure_logging
from api.sessions import SessionStore
from api.settings import Settings
from audit.chain import chained
from audit.export import stream, timeline
from audit.verify import Digest
from audit.verify import digest as audit_digest
from audit.verify import verify as audit_verify
from domain.application import Tsunagi
from domain.errors import DomainError, StoreUnavailable
from domain.values import Actor, Role
from projections import VIEW_NAMES, quarantine
from projections.listening import LogListener
from projections.people import PeopleView
from projections.runner import Progress, Projector, Views
from projections.status import statuses

cli = typer.Typer(help="Tsunagi つなぎ: account relationships for route sales.",
                  no_args_is_help=True, add_completion=False)
user_cli = typer.Typer(help="Users and their tokens.", no_args_is_help=True)
cli.add_typer(user_cli, name="user")


@cli.callback()
def tsunagi() -> None:
    """Tsunagi つなぎ: account relationships for route sales. Configure with TSUNAGI_* variables."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = "TSUNAGI_" + "_".join(str(part) for part in error["loc"]).upper()
        fail(f"{name}: {error['msg'].removeprefix('Value error, ')}")


def fail(message: str) -> NoReturn:
    typer.echo(f"tsunagi: error: {message}", err=True)
    raise typer.Exit(code=2)


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the HTTP API on the configured database. On an empty store with no
    TSUNAGI_ADMIN_TOKEN, first registers an admin and prints its token, once."""
    # imported here, not at the top: the web app and the server are ~1 CPU-second of imports
    # that every other command (`tsunagi project`, `tsunagi user …`) would pay at each start
    import uvicorn

    from api.main import create_app
    from api.protocol import guarded

    settings, application = _started()
    host, port = host or settings.host, port or settings.port
    token = first_admin(application, settings)
    if token:
        typer.echo(f"\n最初の管理者（{FIRST_ADMIN}）を登録しました。トークンは今回だけ表示します。"
                   f"\nFirst admin registered; its token is shown this once:\n\n    {token}\n\n"
                   f"  export TSUNAGI_TOKEN={token}\n"
                   f"  curl -H \"Authorization: Bearer $TSUNAGI_TOKEN\" "
                   f"http://{host}:{port}/v1/users/me\n", err=False)
    structlog.get_logger("tsunagi").info(
        "serving", url=f"http://{host}:{port}", database=settings.database.describe()
    )
    protocol = guarded(settings.header_timeout_seconds, settings.max_connections_per_client)
    serving = {"host": host, "port": port, "http": protocol,
               "limit_concurrency": settings.max_connections, "timeout_keep_alive": 5,
               "log_config": None}
    if settings.workers == 1:
        uvicorn.run(create_app(settings, application), **serving)  # type: ignore[arg-type]
        return
    application.close()  # each worker process opens its own store
    uvicorn.run("api.main:worker_app", factory=True, workers=settings.workers,
                **serving)  # type: ignore[arg-type]


ViewOption = Annotated[
    list[str] | None,
    typer.Option("--view", help=f"Only this view (repeatable): {', '.join(VIEW_NAMES)}."),
]


def _projector(views: list[str] | None) -> Projector:
    settings, application = _started()
    try:
        return Projector(application, build_views(application, settings, views),
                         idle_seconds=0.05)
    except StartupError as exc:
        fail(str(exc))


def _with_progress(work: Callable[[Progress], int], title: str) -> int:
    with RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(name: str, position: int, head: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"{title} {name}", total=head)
            bar.update(tasks[name], completed=position, total=head)

        return work(progress)


@cli.command()
def project(view: ViewOption = None) -> None:
    """Run the projector alone: catch up with the log, then follow it until stopped.

    On PostgreSQL it wakes on the NOTIFY of each append and polls once a second besides;
    on SQLite it polls every 50 ms. A view another projector already runs is left to it:
    this one waits as a hot standby and takes the view over when that one stops."""
    stopping = threading.Event()  # asked to stop (docker stop, Ctrl-C) even while catching up
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    projector = _projector(view)
    log = structlog.get_logger("tsunagi")
    led = projector.claim()
    applied = _with_progress(lambda p: projector.catch_up(led, progress=p),
                             "catching up") if led else 0
    log.info("caught_up", views=led, events_applied=applied)
    recorder = projector.app.recorder
    listener = None
    if not stopping.is_set():
        if isinstance(recorder, PostgresApplicationRecorder):
            projector.idle_seconds = 1.0
            listener = LogListener(recorder, projector.wake).start()
        projector.start()
        stopping.wait()
    if listener is not None:
        listener.stop()
    projector.stop()
    projector.close()
    projector.app.close()
    log.info("stopped")


@cli.command()
def rebuild(view: ViewOption = None) -> None:
    """Empty the views and build them again from the whole log. A view that another
    projector leads is not touched: stop that projector first (its standby, if any, too)."""
    projector = _projector(view)
    led = projector.claim()
    elsewhere = {name: holder for name, holder in projector.leadership()["standby"].items()
                 if name not in led}
    if elsewhere:
        projector.close()
        projector.app.close()
        fail("another projector leads " + "; ".join(
            f"{name} ({holder or 'just released'})" for name, holder in elsewhere.items())
            + ": stop it, then rebuild")
    applied = _with_progress(lambda p: projector.rebuild(progress=p), "rebuilding")
    typer.echo(f"rebuilt {', '.join(projector.by_name)} from {projector.head()} events "
               f"({applied} applications)")
    held = quarantine.listing(next(iter(projector.by_name.values())).view,
                              tuple(projector.by_name))
    typer.echo(f"quarantined {len(held)} events")
    if held:
        _print_quarantine(held)
    projector.close()
    projector.app.close()


@cli.command()
def status(view: ViewOption = None) -> None:
    """Each view's position against the head of the log, its lag in events and seconds,
    its quarantined events and which projector applies it; exit 1 when a view lags more
    than 60 s."""
    settings, application = _started()
    try:
        views = Views(application, build_views(application, settings, view))
    except StartupError as exc:
        fail(str(exc))
    found = statuses(views)
    leaders = views.leadership()["standby"]
    table = Table("view", "position", "head", "behind", "lag (s)", "quarantined", "state",
                  "applied by")
    for s in found:
        table.add_row(s.view, str(s.position), str(s.head), str(s.behind),
                      f"{s.lag_seconds:.1f}", str(s.quarantined),
                      "lagging" if s.lagging else "ok", leaders.get(s.view) or "no projector")
    Console().print(table)
    views.close()
    application.close()
    raise typer.Exit(code=0 if all(s.healthy for s in found) else 1)


@cli.command("quarantine")
def list_quarantine(
    view: ViewOption = None,
    account: Annotated[str | None, typer.Option(help="Only this account's events")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line")] = False,
) -> None:
    """List the events views could not apply and keep aside, with the error of each."""
    settings, application = _started()
    try:
        views = build_views(application, settings, view)
    except StartupError as exc:
        fail(str(exc))
    names = tuple(v.name for v in views)
    held = (quarantine.for_account(views[0].view, account, names) if account
            else quarantine.listing(views[0].view, names))
    if as_json:
        for entry in held:
            typer.echo(json.dumps(entry, ensure_ascii=False))
    else:
        _print_quarantine(held)
        typer.echo(f"{len(held)} quarantined events")
    Views(application, views).close()
    application.close()


def _print_quarantine(held: list[dict[str, object]]) -> None:
    table = Table("view", "notification", "account", "event", "kind", "error")
    for entry in held:
        table.add_row(*(str(entry[key] or "—") for key in (
            "view", "notification_id", "account_id", "event_id", "kind", "error")))
    Console().print(table)


CLI_ADMIN = Actor("cli", Role.ADMIN)  # who `tsunagi user …` records as


@user_cli.command("add")
def user_add(
    user_id: Annotated[str, typer.Argument(help="Sign-in id, e.g. sato")],
    name: Annotated[str, typer.Option(help="Display name, e.g. 佐藤 健")],
    role: Annotated[str, typer.Option(help="rep, manager, auditor or admin")] = "rep",
) -> None:
    """Register a user and print their bearer token (shown once)."""
    with _user_command() as application:
        _, token = application.register_user(CLI_ADMIN, user_id=user_id, name=name, role=role)
        typer.echo(token)


@user_cli.command("list")
def user_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line")] = False,
) -> None:
    """Every registered user: id, name, role, and whether still active."""
    settings, application = _started()
    try:
        views = Projector(application, build_views(application, settings, ["people"]))
    except StartupError as exc:
        fail(str(exc))
    led = views.claim()  # a running projector that leads the view keeps it up to date
    if led:
        views.catch_up(led)
    view: PeopleView = views["people"]  # type: ignore[assignment]
    people = view.people()
    if as_json:
        for person in people:
            typer.echo(json.dumps(asdict(person), ensure_ascii=False))
    else:
        table = Table("user_id", "name", "role", "active")
        for person in people:
            table.add_row(person.user_id, person.name, person.role,
                          "yes" if person.active else "no (deactivated)")
        Console().print(table)
    views.close()
    application.close()


@user_cli.command("deactivate")
def user_deactivate(
    user_id: Annotated[str, typer.Argument(help="Sign-in id, e.g. sato")],
) -> None:
    """Deactivate a user: their token is refused (within seconds in running servers) and
    their web sessions end; their accounts and history stay."""
    settings, application = _started()
    try:
        application.deactivate_user(CLI_ADMIN, user_id)
        open_credentials(SessionStore, application, settings).end_all_of(user_id)
    except (DomainError, StartupError) as exc:
        application.close()
        fail(_said(exc))
    typer.echo(f"deactivated {user_id}")
    application.close()


@user_cli.command("token")
def user_token(
    user_id: Annotated[str, typer.Argument(help="Sign-in id, e.g. sato")],
) -> None:
    """Issue a user a new bearer token and print it (the old one, and the web sessions
    started with it, stop working)."""
    with _user_command() as application:
        typer.echo(application.issue_token(CLI_ADMIN, user_id))


@contextlib.contextmanager
def _user_command() -> Iterator[Tsunagi]:
    """The application for one user command; a refusal is one line and exit 2."""
    _, application = _started()
    try:
        yield application
    except DomainError as exc:
        application.close()
        fail(_said(exc))
    application.close()


def _said(exc: Exception) -> str:
    field = getattr(exc, "field", None)
    return f"{field + ': ' if field else ''}{exc}"


@cli.command()
def demo(
    accounts: Annotated[int, typer.Option(min=1, help="How many accounts")] = 30,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same story")] = 1,
    reps: Annotated[int | None, typer.Option(help="How many reps (default accounts/33)")] = None,
) -> None:
    """Fill the store with three years of Japanese route-sales life, for trying Tsunagi."""
    settings, application = _started()
    cast = people(reps or max(3, accounts // 33))
    tokens = register(application, cast)
    with RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn()) as bar:
        task = bar.add_task("accounts", total=accounts)
        recorded = generate(application, accounts=accounts, seed=seed, reps=len(cast.reps),
                            calendar=settings.business_calendar,
                            progress=lambda done: bar.update(task, completed=done))
    typer.echo(f"recorded {recorded} events on {accounts} accounts for {len(cast.reps)} reps")
    for user_id in ("tanaka", "sato", "ito"):
        if user_id in tokens:
            typer.echo(f"token for {user_id}: {tokens[user_id]}")
    application.close()


@cli.command()
def verify(
    account: Annotated[str | None, typer.Option(help="Only this account's chain")] = None,
    digest: Annotated[str | None, typer.Option(
        "--digest", help="Compare with a head published earlier: <hex>@<notification id>")] = None,
) -> None:
    """Recompute the hash chains; exit 1 and name the first altered event if any."""
    _, application = _started()
    try:
        expected = Digest.parse(digest) if digest else None
        account_id = UUID(account) if account else None
    except ValueError as exc:
        fail(str(exc))
    result = audit_verify(chained(application.recorder), account_id=account_id,
                          expected_digest=expected, mapper=application.mapper)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
    application.close()
    raise typer.Exit(code=0 if result.ok else 1)


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="The file to import", exists=True,
                                         dir_okay=False, readable=True)],
    format: Annotated[str, typer.Option(help=f"One of: {', '.join(FORMATS)}")] = "tsunagi-csv",
    dry_run: Annotated[bool, typer.Option(help="Check every row; append nothing")] = False,
    charset: Annotated[str | None, typer.Option(
        help="The file's encoding (default: detected; UTF-8, UTF-8 with BOM or CP932)")] = None,
    users: Annotated[Path | None, typer.Option(
        help="Users mapping (CSV): cybozu-report 名前,user_id (optional); salesforce-activity "
             "Id,user_id (required)", exists=True, dir_okay=False, readable=True)] = None,
    accounts: Annotated[Path | None, typer.Option(
        help="Accounts mapping (CSV), salesforce-activity: Id,取引先コード,取引先名",
        exists=True, dir_okay=False, readable=True)] = None,
) -> None:
    """Import past records (Excel 日報, サイボウズ Office 報告書, Salesforce activities)
    through the same module as POST /v1/imports; print each bad row and a summary; exit 1
    when a row was rejected, 2 when the file or a mapping cannot be imported at all."""
    _, application = _started()
    with RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn()) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        try:
            importer = CLI_RESTORER if format in ADMIN_ONLY else CLI_IMPORTER
            report = run_import(application, importer, file.read_bytes(), format=format,
                                charset=charset, dry_run=dry_run,
                                users=users.read_bytes() if users else None,
                                accounts=accounts.read_bytes() if accounts else None,
                                progress=lambda done, total: bar.update(task, completed=done,
                                                                        total=total))
        except ImportRefused as exc:
            application.close()
            fail(str(exc))
        except StoreUnavailable as exc:
            application.close()
            fail(f"{exc}; the rows saved so far are kept: run the same import again and "
                 "each row is appended once")
    application.close()
    _print_import(report.public())
    raise typer.Exit(code=1 if report.rejected else 0)


CLI_IMPORTER = Actor("cli", Role.MANAGER)  # recorded as who opened accounts and handovers
CLI_RESTORER = Actor("cli", Role.ADMIN)  # whoever holds the database may restore an export


def _print_import(summary: dict[str, Any]) -> None:
    console = Console()
    if summary["rejected"]:
        rejected = Table("row", "column", "error", title="rejected rows")
        for bad in summary["rejected"]:
            for error in bad["errors"]:
                rejected.add_row(str(bad["row"]), error["column"] or "—", error["msg"])
        console.print(rejected)
    table = Table("", "", title="dry run: nothing appended" if summary["dry_run"] else "import")
    appended = ("would_create_accounts", "would_append") if summary["dry_run"] else (
        "accounts_created", "events_appended")
    for key in ("format", "encoding", "file_sha256", "rows", "accepted", *appended,
                "duplicates"):
        table.add_row(key, str(summary[key]))
    table.add_row("rejected", str(len(summary["rejected"])))
    console.print(table)


@cli.command("digest")
def print_digest() -> None:
    """Print the head of the store-wide chain, to keep somewhere Tsunagi cannot write."""
    _, application = _started()
    head = audit_digest(chained(application.recorder))
    typer.echo(str(head) if head else "empty store")
    application.close()


@cli.command()
def export(
    account: Annotated[str | None, typer.Option(help="Only this account")] = None,
    format: Annotated[str, typer.Option(help="jsonl or csv")] = "jsonl",
    bom: Annotated[bool, typer.Option(help="Start with a UTF-8 BOM, for Excel")] = False,
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout)")] = None,
) -> None:
    """Stream the timeline of an account or of the whole store."""
    if format not in ("jsonl", "csv"):
        fail("format must be jsonl or csv")
    _, application = _started()
    try:
        account_id = UUID(account) if account else None
    except ValueError as exc:
        fail(f"account: {exc}")
    lines = timeline(chained(application.recorder), application.mapper, account_id=account_id)
    with (output.open("w", encoding="utf-8", newline="") if output else
          contextlib.nullcontext(sys.stdout)) as sink:
        for chunk in stream(lines, format, bom=bom):  # type: ignore[arg-type]
            sink.write(chunk)
    application.close()


def _started() -> tuple[Settings, Tsunagi]:
    """Settings read, logging configured, the application built — or one line and exit 2."""
    settings = load_settings()
    configure_logging(settings.log_json)
    try:
        return settings, build_application(settings)
    except StartupError as exc:
        fail(str(exc))


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
