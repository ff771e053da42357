"""Idempotency keys: a repeated request returns the first result and records nothing new.

The key's record is saved in the same transaction as the events it guards (eventsourcing
writes all events of one save atomically), so a key is used once or not at all, even when
two copies of a request race.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import DomainError

KEYS = uuid5(NAMESPACE_URL, "https://tsunagi.example/idempotency-keys")
MAX_KEY_LENGTH = 200


class IdempotencyKeyReused(DomainError):
    """The same key came with a different request."""


@dataclass(frozen=True)
class Idempotency:
    """A caller's key and a fingerprint of the request it names."""

    principal: str
    key: str
    fingerprint: str

    @property
    def record_id(self) -> UUID:
        return uuid5(KEYS, f"{self.principal}\n{self.key}")


class IdempotentRequest(Aggregate):
    class Recorded(Aggregate.Created):
        principal: str
        key: str
        fingerprint: str
        result: dict[str, Any]

    def __init__(self, principal: str, key: str, fingerprint: str,
                 result: dict[str, Any]) -> None:
        self.principal = principal
        self.key = key
        self.fingerprint = fingerprint
        self.result = result

    @classmethod
    def record(cls, claim: Idempotency, result: dict[str, Any]) -> IdempotentRequest:
        return cls._create(cls.Recorded, id=claim.record_id, principal=claim.principal,
                           key=claim.key, fingerprint=claim.fingerprint, result=result)

    def replay(self, claim: Idempotency) -> dict[str, Any]:
        if claim.fingerprint != self.fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was used with a different request", field="Idempotency-Key"
            )
        return self.result
