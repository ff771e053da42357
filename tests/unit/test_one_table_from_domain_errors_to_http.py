"""Every refusal the domain can make is named in the one table that turns it into HTTP: its
status, its problem type and what a person is told in Japanese on the web."""

from __future__ import annotations

import inspect

import pytest

from api.errors import DOMAIN_PROBLEMS, problem_of
from api.web import forms
from domain import errors as domain
from domain.idempotency import IdempotencyKeyReused

DOMAIN_ERRORS = [cls for _, cls in inspect.getmembers(domain, inspect.isclass)
                 if issubclass(cls, domain.DomainError)] + [IdempotencyKeyReused]


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda cls: cls.__name__)
def test_every_domain_error_has_its_own_row(error: type[domain.DomainError]) -> None:
    rule = problem_of(error.__new__(error))
    assert rule.error is error, f"{error.__name__} falls through to {rule.error.__name__}"
    assert rule.ja and not rule.ja.isascii()


def test_a_class_never_hides_behind_its_parent() -> None:
    for earlier, rule in enumerate(DOMAIN_PROBLEMS):
        for later in DOMAIN_PROBLEMS[earlier + 1:]:
            assert not issubclass(later.error, rule.error), (
                f"{later.error.__name__} comes after {rule.error.__name__} and is never reached")


def test_a_form_refused_by_the_domain_gets_the_tables_status_and_words() -> None:
    already = domain.PromiseAlreadyClosed("promise p-1 is already closed", field="promise_id")
    assert forms.refusal(forms.PROMISE_CLOSE, already) == (
        409, {}, "この約束はすでに結果が記録されています。")
    too_early = domain.OutOfRange("occurred_at out of range", field="occurred_at")
    assert forms.refusal(forms.VISIT, too_early) == (
        422, {"occurred_at": "1900年1月1日から2200年12月31日までの日付にしてください。"}, None)
    same_rep = domain.InvalidValue("successor must differ", field="to_rep_id")
    assert forms.refusal(forms.HANDOVER, same_rep)[1] == {
        "to_rep_id": "後任者は今の担当者とは別の人にしてください。"}


def test_a_refusal_that_is_not_about_the_form_is_left_to_the_error_page() -> None:
    with pytest.raises(domain.NotPermitted):
        forms.refusal(forms.VISIT, domain.NotPermitted("not the owner"))
