"""The `tsunagi` command."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import structlog
import typer
import uvicorn
from pydantic import ValidationError

from api.bootstrap import StartupError, build_application
from api.logging import configure_logging
from api.main import create_app
from api.settings import Settings

cli = typer.Typer(help="Tsunagi つなぎ: account relationships for route sales.",
                  no_args_is_help=True, add_completion=False)


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
    """Serve the HTTP API on the configured database."""
    settings = load_settings()
    configure_logging(settings.log_json)
    try:
        application = build_application(settings)
    except StartupError as exc:
        fail(str(exc))
    host, port = host or settings.host, port or settings.port
    structlog.get_logger("tsunagi").info(
        "serving", url=f"http://{host}:{port}", database=settings.database.describe()
    )
    uvicorn.run(
        create_app(settings, application),
        host=host,
        port=port,
        timeout_keep_alive=5,
        log_config=None,
    )


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
