"""What the account page's forms send, checked exactly as the JSON API checks it.

A form's fields become the JSON body the API would get (local JST times become RFC 3339
with +09:00), the same pydantic model validates it, and the same application command
records it. What is wrong comes back in Japanese, next to the field it concerns.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from api import schemas
from api.errors import problem_of
from api.messages import invalid_ja, refused_ja
from domain import errors as domain
from domain.account import Account
from domain.application import AccountCommand
from domain.idempotency import Idempotency
from domain.values import Actor, Role

Convert = Callable[[str], Any]
LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
JST_OFFSET = "+09:00"


def text(value: str) -> str:
    return value


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def checkbox(value: str) -> bool:
    return value in ("on", "true", "1")


def local_time(value: str) -> str:
    """2026-11-20T14:30 (an <input type=datetime-local> in Japan) → …T14:30:00+09:00"""
    value = value.strip()
    return f"{value}:00{JST_OFFSET}" if LOCAL_MINUTE.match(value) else value


def day(value: str) -> str:
    return value.strip()


def optional(convert: Convert) -> Convert:
    """Blank means "not given": the model's default applies."""

    def given(value: str) -> Any:
        return convert(value) if value.strip() else None

    return given


@dataclass(frozen=True)
class FormSpec:
    """One form: its fields, the model that checks them and the command that records them."""

    name: str
    model: type[BaseModel]
    command: AccountCommand
    fields: dict[str, Convert]
    done: str
    roles: tuple[Role, ...] = (Role.REP, Role.MANAGER)

    def body(self, form: dict[str, str]) -> dict[str, Any]:
        converted = {name: convert(form.get(name, "")) for name, convert in self.fields.items()}
        return {name: value for name, value in converted.items() if value is not None}


@dataclass
class FormState:
    """A form sent back to its author: what they typed and what is wrong with it."""

    name: str
    target: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None

    def is_for(self, name: str, target: str | None = None) -> bool:
        return self.name == name and self.target == target


VISIT = FormSpec("visit", schemas.VisitCreate, Account.record_visit, {
    "occurred_at": local_time, "purpose": text, "summary": text, "attendees": lines,
    "small_talk": checkbox, "planned_at": optional(local_time), "next_action": text,
    "channel": text,
}, "訪問を記録しました。")
PROMISE = FormSpec("promise", schemas.PromiseCreate, Account.make_promise, {
    "description": text, "due_date": day, "made_to": text,
}, "約束を記録しました。")
PROMISE_CLOSE = FormSpec("promise_close", schemas.PromiseClose, Account.close_promise, {
    "outcome": text, "note": text,
}, "約束の結果を記録しました。")
COMPLAINT = FormSpec("complaint", schemas.ComplaintCreate, Account.receive_complaint, {
    "received_at": local_time, "subject": text, "detail": text, "severity": text,
}, "クレームを記録しました。")
COMPLAINT_RESOLVE = FormSpec(
    "complaint_resolve", schemas.ComplaintResolve, Account.resolve_complaint, {
    "resolved_at": local_time, "resolution": text, "concession": text,
}, "クレームの解決を記録しました。")
REQUEST = FormSpec("request", schemas.RequestCreate, Account.receive_request, {
    "kind": text, "detail": text,
}, "要望を記録しました。")
REQUEST_ANSWER = FormSpec("request_answer", schemas.RequestAnswer, Account.answer_request, {
    "answer": text, "concession": text, "note": text,
}, "要望への回答と譲歩を記録しました。")
HANDOVER = FormSpec("handover", schemas.HandoverCreate, Account.initiate_handover, {
    "to_rep_id": text, "reason": text, "effective_at": local_time,
}, "引き継ぎを開始しました。", roles=(Role.MANAGER,))
CHECKPOINT_HELD = FormSpec(
    "checkpoint_held", schemas.CheckpointHeld, Account.record_checkpoint_held, {
    "occurred_at": optional(local_time), "note": text,
}, "振り返りの実施を記録しました。引き継ぎの振り返りの警告は消えます。")
SPECS = {spec.name: spec for spec in (VISIT, PROMISE, PROMISE_CLOSE, COMPLAINT,
                                      COMPLAINT_RESOLVE, REQUEST, REQUEST_ANSWER, HANDOVER,
                                      CHECKPOINT_HELD)}


def validate(spec: FormSpec, form: dict[str, str]) -> tuple[BaseModel | None, dict[str, str]]:
    """The checked model, or what is wrong, field by field, in Japanese."""
    try:
        return spec.model.model_validate_json(json.dumps(spec.body(form))), {}
    except ValidationError as exc:
        found: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else "form"
            blank = not form.get(name, "").strip()
            found.setdefault(name, "入力してください。" if blank and name in spec.fields
                             else invalid_ja(error, codes=False))
        return None, found


def refusal(spec: FormSpec, exc: domain.DomainError) -> tuple[int, dict[str, str], str | None]:
    """(status, field errors, message for the whole form) for a command the domain refused:
    the status and the message come from the one domain→HTTP table (api/errors.py), a few
    fields have a more precise hint. Refusals that are not about the form propagate."""
    rule = problem_of(exc)
    if rule.status not in (409, 412, 422) and rule.error is not domain.ItemNotFound:
        raise exc
    field_name = (exc.field or "").split("[")[0].split(".")[0]
    message = refused_ja(rule.error, field_name, rule.ja)
    if rule.error is domain.InvalidValue and message == rule.ja:
        message = f"入力内容を確認してください（{exc}）。"
    if field_name in spec.fields:
        return rule.status, {field_name: message}, None
    return rule.status, {}, message


def idempotency(actor: Actor, form_id: str, path: str, body: dict[str, Any]
                ) -> Idempotency | None:
    """A form sent twice (a double click, a reload) records once: its id is the key."""
    if not re.fullmatch(r"[0-9a-f]{32}", form_id):
        return None
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    fingerprint = hashlib.sha256(f"POST {path}\n{canonical}".encode()).hexdigest()
    return Idempotency(actor.user_id, f"web:{form_id}", fingerprint)
