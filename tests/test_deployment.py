"""docker-compose.yml and the Dockerfile, checked statically: no Docker engine runs here.

The file must name the services the design needs, wire them to the same database, start
them in the right order, check their health, and use only commands and settings that the
code really has.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import cli
from api.settings import Settings, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def env_of(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in service.get("environment", {}).items()}


def test_the_three_services_exist_with_restart_policies(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "api", "projector"} <= set(services)
    for name in ("postgres", "api", "projector"):
        assert services[name].get("restart") in ("unless-stopped", "always", "on-failure")


def test_postgres_keeps_its_data_and_says_when_it_is_ready(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    env = env_of(postgres)
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(env)


def test_api_and_projector_share_the_database_and_wait_for_it(compose: dict[str, Any]) -> None:
    services = compose["services"]
    postgres = env_of(services["postgres"])
    urls = set()
    for name in ("api", "projector"):
        service = services[name]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service.get("build") == "."
        url = env_of(service)["TSUNAGI_DATABASE_URL"]
        location = parse_database_url(url)
        assert (location.host, location.user, location.password, location.dbname) == (  # type: ignore[union-attr]
            "postgres", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"],
            postgres["POSTGRES_DB"])
        urls.add(url)
        assert service["healthcheck"]["test"]
    assert len(urls) == 1
    assert env_of(services["api"])["TSUNAGI_PROJECTOR"] == "external", \
        "the API must not run a second projector beside the projector service"


def test_commands_and_settings_exist_in_the_code(compose: dict[str, Any]) -> None:
    runner = CliRunner()
    known = {f"TSUNAGI_{name.upper()}" for name in Settings.model_fields}
    for name in ("api", "projector"):
        service = compose["services"][name]
        command = service["command"]
        assert command[0] == "tsunagi"
        result = runner.invoke(cli, [*command[1:2], "--help"])
        assert result.exit_code == 0, f"tsunagi {command[1]} is not a command"
        for option in (a for a in command[2:] if a.startswith("--")):
            assert option in result.output, f"{option} is not an option of {command[1]}"
        for variable in env_of(service):
            assert variable in known, f"{variable} is not a setting"
    api = env_of(compose["services"]["api"])
    Settings(**{k.removeprefix("TSUNAGI_").lower(): v for k, v in api.items()
                if not v.startswith("${")})


def test_the_dockerfile_is_multi_stage_non_root_and_copies_the_packages() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) >= 2
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    copied = set(re.findall(r"^COPY (\w+) \./\1", dockerfile, re.MULTILINE))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packaged = set(re.findall(r'"(\w+)\*"', pyproject))
    assert packaged <= copied, f"packages not copied into the image: {packaged - copied}"
    assert all((ROOT / name).is_dir() for name in copied)
    assert 'CMD ["tsunagi", "serve"' in dockerfile
    assert "HEALTHCHECK" in dockerfile
