"""What routes receive: the application, the views, the signed-in actor, parsed bodies.

Authentication and role checks are dependencies that run before the body is read, so a
refused request gets 401/403 whatever its body is, and a refused request appends nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from itertools import accumulate
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from api.settings import Settings
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountNotFound, InvalidValue
from domain.idempotency import MAX_KEY_LENGTH, Idempotency
from domain.values import YEARS_WITHIN_BOUNDS, Actor, Role, a_date, aware
from projections.runner import Views

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
BODY_MODELS: list[type[BaseModel]] = []
ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


async def get_app(request: Request) -> Tsunagi:
    return request.app.state.tsunagi  # type: ignore[no-any-return]


async def get_views(request: Request) -> Views:
    return request.app.state.views  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


AppDep = Annotated[Tsunagi, Depends(get_app)]
ViewsDep = Annotated[Views, Depends(get_views)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def current_actor(request: Request,
                        authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The bearer token's user; 401 when missing or unknown. Tokens are never logged.

    A token accepted a moment ago is answered on the event loop; only a lookup in the store
    goes to a worker thread. (The app and settings come from the request, not from
    dependencies: FastAPI solves a dependency's own dependencies again wherever it is used,
    and this one is used by every other.)"""
    app: Tsunagi = request.app.state.tsunagi
    settings: Settings = request.app.state.settings
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    actor = admin(settings, token) or app.remembered(token)
    if actor is None:
        actor = await run_in_threadpool(app.authenticate, token)
    if actor is None:
        raise HTTPException(401, "unknown or revoked token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.actor = actor  # the access log reads it (see middleware.RequestLog)
    return actor


def admin(settings: Settings, token: str) -> Actor | None:
    """The bootstrap admin, for TSUNAGI_ADMIN_TOKEN."""
    secret = settings.admin_token.get_secret_value() if settings.admin_token else None
    if secret and hmac.compare_digest(token.encode(), secret.encode()):
        return Actor("admin", Role.ADMIN)
    return None


ActorDep = Annotated[Actor, Depends(current_actor)]


def allow(*roles: Role) -> Any:
    """A route dependency: 403 unless the signed-in actor has one of these roles."""

    async def check(actor: ActorDep) -> Actor:
        if actor.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise HTTPException(403, f"this route is for: {allowed}")
        return actor

    return Depends(check)


async def account_gate(request: Request, actor: ActorDep) -> None:
    """For routes under /v1/accounts/{account_id}: 404 unless this actor may see the
    account, decided before the body is read.

    A write may pass on the account as this process last wrote it (no store round trip):
    the command itself, access included, is decided on the stored account (see
    Tsunagi.change), so a copy another process made stale answers 404 there, never 403 and
    never a write. Reads, and anything that copy refuses, are decided on the stored account."""
    raw = request.path_params.get("account_id")
    if raw is None:
        return
    try:
        account_id = UUID(str(raw))
    except ValueError:
        return  # FastAPI answers 422 for the malformed path parameter
    app: Tsunagi = request.app.state.tsunagi
    if request.method not in READS:
        written = app.last_written(account_id)
        if written is not None and written.may_read(actor):
            return
    await run_in_threadpool(readable_account, app, actor, account_id)


READS = frozenset({"GET", "HEAD", "OPTIONS"})
AccountGate = Depends(account_gate)


def json_body(model: type[M]) -> Any:
    """Parse the body only after authentication and access; errors name the field (422).
    (A write on an account takes ``api.writes.write_body``.)"""
    BODY_MODELS.append(model)

    async def parse(request: Request, _: ActorDep, __: Annotated[None, AccountGate]) -> M:
        return await parsed_body(request, model)

    return Depends(parse)


MAX_JSON_DEPTH = 64  # far beyond any body the API takes; far below the recursion limit
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]+")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text nests arrays and objects deeper than ``limit``, found in one
    linear pass without parsing (brackets inside strings, escaped quotes included, do not
    count), so a deep body is refused before any recursive parser meets it."""
    brackets = _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", body))
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


async def parsed_body(request: Request, model: type[M]) -> M:
    """The body as ``model``, or 422 naming the field; remembers its fingerprint for the
    Idempotency-Key."""
    raw = await request.body()
    if json_nesting_exceeds(raw):  # before any recursive parser meets it
        raise RequestValidationError([{
            "loc": ("body",), "type": "json_too_deep",
            "msg": f"JSON nested deeper than {MAX_JSON_DEPTH} levels"}])
    try:
        data = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"malformed JSON: {exc}", "type": "json_invalid"}]
        ) from None
    if data is None:
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "a JSON object is required", "type": "missing"}]
        )
    try:
        parsed = model.model_validate_json(raw)  # JSON mode: types as JSON has them
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    request.state.fingerprint = _fingerprint(request, data)
    return parsed


def _fingerprint(request: Request, data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(
        f"{request.method} {request.url.path}\n{canonical}".encode()
    ).hexdigest()


IfMatch = Annotated[str | None, Header(
    pattern=ETAG.pattern, description='An ETag this API gave out, e.g. "12"')]
IdempotencyKey = Annotated[str | None, Header(
    min_length=1, max_length=MAX_KEY_LENGTH,
    description="Repeat a write safely: same key and body, same answer")]


def version_of(if_match: str | None) -> int | None:
    """If-Match: "<version>" (an ETag this API gave out), or absent. A malformed one is 422
    (its header named); a well-formed one the account has moved past is 412."""
    if if_match is None:
        return None
    found = ETAG.match(if_match)
    assert found is not None  # the pattern above was checked by FastAPI
    return int(found.group(1))


async def idempotency(request: Request, actor: ActorDep,
                      idempotency_key: IdempotencyKey = None) -> Idempotency | None:
    return idempotency_of(request, actor, checked_key(idempotency_key))


def checked_key(key: str | None) -> str | None:
    """An Idempotency-Key as sent, or 422 naming the header."""
    if key is not None and (not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable()):
        raise RequestValidationError([{"loc": ("header", "Idempotency-Key"),
                                       "msg": f"1 to {MAX_KEY_LENGTH} printable characters",
                                       "type": "value_error"}])
    return key


def idempotency_of(request: Request, actor: Actor, key: str | None) -> Idempotency | None:
    """The key with the request it guards (its body's fingerprint, once parsed)."""
    if key is None:
        return None
    fingerprint = getattr(request.state, "fingerprint", f"{request.method} {request.url.path}")
    return Idempotency(actor.user_id, key, fingerprint)


IdempotencyDep = Annotated[Idempotency | None, Depends(idempotency)]


def readable_account(app: Tsunagi, actor: Actor, account_id: UUID) -> Account:
    """The account, if this actor may see it; otherwise 404, so nothing leaks. It is the
    cached account itself: look at it, never change it."""
    account = app.read_account(account_id)
    if not account.may_read(actor):
        raise AccountNotFound(f"no account {account_id}")
    return account


def wait_for_views(views: Views, settings: Settings, *names: str) -> None:
    """Read-your-writes: the views have applied every write acknowledged before now."""
    if not views.caught_up(names, timeout=settings.read_timeout_seconds):
        raise HTTPException(503, "the views are catching up with recent writes; retry shortly",
                            headers={"Retry-After": "1"})


def body_schemas() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Add the request body models to an OpenAPI document's components."""

    def add(schema: dict[str, Any]) -> dict[str, Any]:
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in BODY_MODELS:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in found.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components.setdefault(model.__name__, found)
        return schema

    return add


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """openapi_extra for a route whose body is parsed by ``json_body``."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


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
