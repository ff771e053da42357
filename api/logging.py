"""structlog, configured once: JSON lines when not on a terminal, pretty console on one.

The core (domain/, projections/) logs through the standard library's `logging` with its
fields in ``extra``; the same renderer turns those records into the same lines, so the
core imports no logging framework."""

from __future__ import annotations

import logging
import sys

import structlog

CORE_LOGGERS = ("domain", "projections")  # stdlib loggers of the core, rendered here


def configure_logging(json_lines: bool | None = None, level: int = logging.INFO) -> None:
    if json_lines is None:
        json_lines = not sys.stderr.isatty()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    ))
    for core in CORE_LOGGERS:
        logger = logging.getLogger(core)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
