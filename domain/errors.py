"""Named domain errors. The HTTP edge translates them; the domain never speaks HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused; nothing was recorded."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidValue(DomainError):
    """A value is malformed: empty, too long, naive datetime, unknown choice."""


class OccursInFuture(InvalidValue):
    """Something that already happened was dated in the future."""


class OutOfOrder(InvalidValue):
    """A step was dated before the thing it follows (resolved before received)."""


class OutOfRange(InvalidValue):
    """A date or time lies outside 1900-01-01 … 2200-12-31, where no view could hold it."""


class ForbiddenCharacter(InvalidValue):
    """Text holds a control character (other than tab, newline and CRLF)."""


class NotAUserId(InvalidValue):
    """Not of the shape every user id has: 1-64 of a-z, 0-9, '_', '.', '-'."""


class NotPermitted(DomainError):
    """The actor may not record this on this account."""


class AccountNotFound(DomainError):
    """No account with that id."""


class ItemNotFound(DomainError):
    """No promise, complaint, request, proposal, stakeholder or handover with that id."""


class PromiseAlreadyClosed(DomainError):
    """A promise is kept, broken or cancelled once."""


class ComplaintAlreadyResolved(DomainError):
    """A resolved complaint takes no further steps."""


class RequestAlreadyAnswered(DomainError):
    """A customer request is answered once."""


class StakeholderAlreadyLeft(DomainError):
    """A stakeholder who left cannot change or leave again."""


class HandoverInProgress(DomainError):
    """An account mid-handover has exactly one successor."""


class HandoverNotOpen(DomainError):
    """The handover was completed or cancelled already, or is not the open one."""


class NoCheckpointPending(DomainError):
    """A handover's review is recorded as held only while a checkpoint of it awaits one."""


class NotCorrectable(DomainError):
    """The record named by a correction does not exist or cannot be corrected so."""


class ConcurrencyConflict(DomainError):
    """Another writer saved this account first; reload and try again."""


class VersionMismatch(DomainError):
    """The caller expected another version of the account (If-Match)."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected version {expected}, account is at {actual}")
        self.expected = expected
        self.actual = actual


class AccountUnreadable(DomainError):
    """A stored event of the account no longer reads (damaged, or of a class this release
    does not know): nothing is recorded on it until an operator repairs the store."""


class StoreUnavailable(DomainError):
    """The event store did not answer; nothing was recorded. Try again later."""


class UserExists(DomainError):
    """A user with that id is already registered."""


class UserNotFound(DomainError):
    """No user with that id."""


class UserInactive(DomainError):
    """The user was deactivated: no new token, no sign-in."""


class NotAnActiveRep(InvalidValue):
    """An account is given (a new owner, a successor) only to a registered, active rep."""
