"""Query and path parameters: RFC 3339 instants and days, checked by the domain's rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from fastapi.exceptions import RequestValidationError

from domain.errors import InvalidValue
from domain.values import YEARS_WITHIN_BOUNDS, a_date, aware

T = TypeVar("T")


INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                     r"([Zz]|[+-]\d{2}:\d{2})$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# As /openapi.json states them: the years within the domain's bounds (the domain checks).
SCHEMA_INSTANT = INSTANT.pattern.replace(r"^\d{4}", f"^{YEARS_WITHIN_BOUNDS}", 1)
SCHEMA_DAY = DAY.pattern.replace(r"^\d{4}", f"^{YEARS_WITHIN_BOUNDS}", 1)


def parse_instant(value: str | None, where: str) -> datetime | None:
    """An RFC 3339 date-time with offset from a query string, within the domain's bounds
    (``domain.values.aware``), else 422 naming it."""
    if value is None:
        return None
    try:
        if not INSTANT.match(value):
            raise ValueError(value)
        instant = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise RequestValidationError([{"loc": ("query", where), "type": "value_error",
                                       "msg": "an RFC 3339 date-time with offset, e.g. "
                                              "2026-11-20T10:00:00+09:00"}]) from None
    return domain_checked(aware, instant, ("query", where))


def parse_day(value: str | None, where: str) -> date | None:
    """A YYYY-MM-DD day from a query string, within the domain's bounds
    (``domain.values.a_date``), else 422 naming it."""
    if value is None:
        return None
    try:
        if not DAY.match(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise RequestValidationError([{"loc": ("query", where), "type": "value_error",
                                       "msg": "a date, YYYY-MM-DD"}]) from None
    return domain_checked(a_date, day, ("query", where))


def domain_checked(check: Callable[[T, str], T], value: T, loc: tuple[str, str]) -> T:
    """A query or path parameter checked by the domain's own value rule, else 422 naming it
    (e.g. ``domain_checked(a_date, day, ("query", "date"))``)."""
    try:
        return check(value, loc[-1])
    except InvalidValue as refused:
        raise RequestValidationError([{"loc": loc, "type": "value_error",
                                       "msg": str(refused)}]) from None
