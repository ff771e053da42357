"""Users (担当者・課長・監査担当・管理者): who may sign in, in which role.

A bearer token is ``<user_id>.<secret>``; only a hash of the secret is ever stored, in the
user's own event stream (so who created which user is auditable like everything else).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.errors import InvalidValue, NotPermitted, UserInactive
from domain.values import MAX_USER_ID, USER_ID, Actor, Role, a_user_id, choice, required_text

# Principals that record without being registered users: the bootstrap admin
# (TSUNAGI_ADMIN_TOKEN) and `tsunagi users add`. A user with their id would make
# recorded_by ambiguous.
RESERVED_USER_IDS = frozenset({"admin", "cli"})
USERS = uuid5(NAMESPACE_URL, "https://tsunagi.example/users")


def user_aggregate_id(user_id: str) -> UUID:
    return uuid5(USERS, user_id)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(user_id: str) -> tuple[str, str]:
    """A fresh bearer token and the hash to keep of it."""
    secret = secrets.token_urlsafe(32)
    return f"{user_id}.{secret}", hash_secret(secret)


def split_token(token: str) -> tuple[str, str] | None:
    user_id, dot, secret = token.rpartition(".")
    if not dot or len(user_id) > MAX_USER_ID or not USER_ID.fullmatch(user_id) or not secret:
        return None
    return user_id, secret


class User(Aggregate):
    class Registered(Aggregate.Created):
        user_id: str
        name: str
        role: str
        token_hash: str
        registered_by: str

    class TokenIssued(Aggregate.Event):
        token_hash: str
        issued_by: str

        def apply(self, user: User) -> None:
            user.token_hash = self.token_hash

    class Deactivated(Aggregate.Event):
        """The user may no longer sign in, nor be given accounts; their history stays."""

        deactivated_by: str

        def apply(self, user: User) -> None:
            user.active = False
            user.deactivated_at = self.timestamp

    def __init__(self, user_id: str, name: str, role: str, token_hash: str,
                 registered_by: str) -> None:
        self.user_id = user_id
        self.name = name
        self.role = role
        self.token_hash = token_hash
        self.active = True
        self.deactivated_at: datetime | None = None

    @classmethod
    def register(cls, by: Actor, *, user_id: str, name: str, role: str,
                 token_hash: str) -> User:
        if by.role is not Role.ADMIN:
            raise NotPermitted("only an admin registers users")
        a_user_id(user_id, "user_id")
        if user_id in RESERVED_USER_IDS:
            raise InvalidValue(f"user_id {user_id!r} is reserved", field="user_id")
        return cls._create(
            cls.Registered,
            id=user_aggregate_id(user_id),
            user_id=user_id,
            name=required_text(name, "name"),
            role=choice(Role, role, "role").value,
            token_hash=token_hash,
            registered_by=by.user_id,
        )

    def issue_token(self, by: Actor, token_hash: str) -> None:
        if by.role is not Role.ADMIN:
            raise NotPermitted("only an admin issues tokens")
        if not self.active:
            raise UserInactive(f"user {self.user_id} is deactivated", field="user_id")
        self.trigger_event(self.TokenIssued, token_hash=token_hash, issued_by=by.user_id)

    def deactivate(self, by: Actor, now: datetime | None = None) -> None:
        """From ``now`` (the application's clock) on the user's token is refused;
        deactivating twice records nothing."""
        if by.role is not Role.ADMIN:
            raise NotPermitted("only an admin deactivates users")
        if self.active:
            self.trigger_event(self.Deactivated, deactivated_by=by.user_id,
                               timestamp=now.astimezone(UTC) if now else None)

    @property
    def is_active_rep(self) -> bool:
        """Whether accounts may be given to this user (a new owner or a successor)."""
        return self.active and self.role == Role.REP.value

    def was_active_rep_at(self, when: datetime) -> bool:
        """Whether this user was a rep not yet deactivated at ``when`` (history: a rep who
        has left owned accounts and made promises before they left)."""
        if self.role != Role.REP.value:
            return False
        return self.active or (self.deactivated_at is not None and when < self.deactivated_at)

    def accepts(self, secret: str) -> bool:
        """Whether this secret signs the user in: theirs, and the user still active."""
        return self.active and hmac.compare_digest(self.token_hash, hash_secret(secret))

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, Role(self.role))
