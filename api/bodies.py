"""Request bodies: parsed after authentication and access, only as ``application/json``
(else 415), JSON depth bounded, numbers and dates sent in full-width digits read as their
half-width equal (text as sent), fingerprinted for the Idempotency-Key, and registered for
/openapi.json."""

from __future__ import annotations

import hashlib
import json
import re
import types
import unicodedata
from collections.abc import Callable
from datetime import date
from itertools import accumulate
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, ValidationError

from api.access import AccountGate
from api.deps import ActorDep

M = TypeVar("M", bound=BaseModel)
BODY_MODELS: list[type[BaseModel]] = []


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


JSON_MEDIA_TYPE = "application/json"


def require_json(request: Request) -> None:
    """A body is read as JSON only when it says it is (``application/json``, any charset):
    anything else is 415, unread."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        raise HTTPException(415, f"the body must be {JSON_MEDIA_TYPE} "
                                 f"(Content-Type: {JSON_MEDIA_TYPE})")


_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")  # longer stays text, refused as no number
_DATES = (date, AwareDatetime)  # datetime is a date


def _field_types(annotation: Any) -> tuple[Any, ...]:
    """The types a field takes, ``int | None`` → (int, NoneType)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return (annotation,)


def normalised(model: type[BaseModel], data: Any) -> Any:
    """The body with each number or date field sent as a string in full-width digits
    (「１４」, 「２０２６-１２-１０」) read as its half-width equal (NFKC); a string of digits
    for a number field is that number. Every other value, free text above all, is as sent."""
    if not isinstance(data, dict):
        return data
    found = dict(data)
    for name, field in model.model_fields.items():
        value = found.get(field.alias or name)
        if not isinstance(value, str):
            continue
        kinds = _field_types(field.annotation)
        plain = unicodedata.normalize("NFKC", value)
        if int in kinds and _INTEGER.fullmatch(plain):
            found[field.alias or name] = int(plain)
        elif any(isinstance(kind, type) and issubclass(kind, _DATES) for kind in kinds):
            found[field.alias or name] = plain
    return found


async def parsed_body(request: Request, model: type[M]) -> M:
    """The body as ``model``, or 422 naming the field (415 when it is not JSON); remembers
    its fingerprint for the Idempotency-Key."""
    raw = await request.body()
    if raw.strip():  # an empty body is missing (422), whatever it says it is
        require_json(request)
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
    read = normalised(model, data)
    if read != data:
        data, raw = read, json.dumps(read, ensure_ascii=False).encode()
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


def request_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """openapi_extra for a route whose body is parsed by ``json_body`` (or, not required,
    by ``api.writes.optional_write_body``)."""
    return {"requestBody": {"required": required, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}
