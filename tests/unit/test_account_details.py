"""株式会社山田製作所 moves and becomes 株式会社ヤマダ製作所: the account's details, one event
(Account.DetailsChanged) that records only what changed, and the folds that show it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.account import Account
from domain.errors import InvalidValue, NotPermitted
from domain.values import Actor, Role
from projections import dossier, relationship
from tests.conftest import JST, 人事の管理者, 佐藤さん, 田中課長, 監査の伊藤さん, 鈴木さん

開設日 = datetime(2024, 4, 1, 9, 0, tzinfo=JST)
移転の日 = 開設日 + timedelta(days=400)


def 山田製作所() -> Account:
    return Account.open(田中課長, 開設日, name="株式会社山田製作所", owner_rep_id="sato",
                        visit_cadence_days=14)


def changes(account: Account) -> list[Account.DetailsChanged]:
    return [e for e in account.pending_events if isinstance(e, Account.DetailsChanged)]


def test_the_owner_records_the_move_and_the_new_name_with_provenance() -> None:
    account = 山田製作所()
    account.change_details(佐藤さん, 移転の日, name="株式会社ヤマダ製作所",
                           address="東京都大田区西蒲田1-2-3")
    [changed] = changes(account)
    assert (changed.name, changed.address, changed.phone, changed.area) == (
        "株式会社ヤマダ製作所", "東京都大田区西蒲田1-2-3", None, None)
    assert (changed.recorded_by, changed.occurred_at, changed.source) == ("sato", 移転の日, None)
    assert changed.event_id and changed.originator_version == 2
    assert (account.name, account.address, account.phone, account.area) == (
        "株式会社ヤマダ製作所", "東京都大田区西蒲田1-2-3", "", "")


def test_values_the_account_already_has_are_not_recorded_again() -> None:
    account = 山田製作所()
    account.change_details(佐藤さん, 移転の日, phone="03-1234-5678")
    account.change_details(佐藤さん, 移転の日, phone="03-1234-5678", name="株式会社山田製作所")
    assert len(changes(account)) == 1 and account.version == 2
    account.change_details(佐藤さん, 移転の日, phone="03-1234-5678", area="城南エリア")
    last = changes(account)[-1]
    assert (last.name, last.phone, last.area) == (None, None, "城南エリア")


@pytest.mark.parametrize(("details", "field"), [
    ({}, "name"), ({"name": ""}, "name"), ({"name": " 　"}, "name"),
    ({"address": "東" * 201}, "address"), ({"phone": "0" * 41}, "phone"),
    ({"area": "城南\x07"}, "area"),
])
def test_a_change_that_says_nothing_or_an_empty_name_is_refused(details: dict[str, str],
                                                                field: str) -> None:
    account = 山田製作所()
    with pytest.raises(InvalidValue) as refused:
        account.change_details(佐藤さん, 移転の日, **details)
    assert refused.value.field == field
    assert account.version == 1 and len(account.pending_events) == 1


def test_the_owner_a_manager_or_an_admin_change_details_nobody_else() -> None:
    account = 山田製作所()
    for who in (鈴木さん, 監査の伊藤さん, Actor("takahashi", Role.REP)):
        with pytest.raises(NotPermitted):
            account.change_details(who, 移転の日, area="城南エリア")
    for n, who in enumerate((佐藤さん, 田中課長, 人事の管理者)):
        account.change_details(who, 移転の日, area=f"エリア{n}")
    assert [e.recorded_by for e in changes(account)] == ["sato", "tanaka", "admin"]


def test_a_snapshot_from_before_details_reads_as_having_none_and_a_later_one_keeps_them() -> None:
    account = 山田製作所()
    before = Account.Snapshot.take(account)
    assert not {"address", "phone", "area"} & set(before.state), \
        "an account never given details snapshots as it always did"
    restored = before.mutate(None)
    assert isinstance(restored, Account)
    assert (restored.name, restored.address, restored.phone, restored.area) == (
        "株式会社山田製作所", "", "", "")
    account.change_details(佐藤さん, 移転の日, name="株式会社ヤマダ製作所", phone="03-1234-5678")
    after = Account.Snapshot.take(account).mutate(None)
    assert isinstance(after, Account)
    assert (after.name, after.phone, after.address) == ("株式会社ヤマダ製作所", "03-1234-5678", "")


def test_the_relationship_and_the_dossier_fold_the_change() -> None:
    account = 山田製作所()
    account.change_details(佐藤さん, 移転の日, name="株式会社ヤマダ製作所", area="城南エリア")
    account.change_details(田中課長, 移転の日 + timedelta(days=1), name="ヤマダ工業株式会社")
    events = list(account.collect_events())
    view = relationship.RelationshipView.fold(events)
    assert view is not None
    assert (view["name"], view["area"], view.get("address")) == ("ヤマダ工業株式会社",
                                                                 "城南エリア", None)
    told = dossier.DossierView.fold(events)
    assert told is not None
    assert told["account"]["name"] == "ヤマダ工業株式会社"
    assert [(f["name"], f["author"]) for f in told["account"]["former_names"]] == [
        ("株式会社山田製作所", "sato"), ("株式会社ヤマダ製作所", "tanaka")]
    assert told["account"]["event_ids"] == [str(e.event_id) for e in events]  # type: ignore[attr-defined]
    untouched = relationship.RelationshipView.fold(events[:1])
    assert untouched is not None and "address" not in untouched and "area" not in untouched
