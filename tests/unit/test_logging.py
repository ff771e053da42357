"""Logs are JSON lines when nobody is watching a terminal, and carry bound context."""

from __future__ import annotations

import json

import pytest
import structlog

from api.logging import configure_logging


def test_json_lines_with_the_bound_context(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_lines=True)
    structlog.contextvars.bind_contextvars(request_id="r-1")
    try:
        structlog.get_logger("tsunagi").info("visit_recorded", account="株式会社山田製作所")
    finally:
        structlog.contextvars.clear_contextvars()
        structlog.reset_defaults()
    line = json.loads(capsys.readouterr().err.strip())
    assert line["event"] == "visit_recorded"
    assert line["account"] == "株式会社山田製作所"
    assert line["request_id"] == "r-1"
    assert line["level"] == "info"
    assert "timestamp" in line
