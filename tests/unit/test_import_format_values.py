"""The small readings the other systems' exports need: Salesforce Ids in their 15- and
18-character forms, Data Loader's UTC times, Cybozu's 会社 cells and people's names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.imports.cybozu_report import _companies
from api.imports.mappings import person_key
from api.imports.salesforce_activity import salesforce_id, utc_instant
from api.imports.text import Unreadable


def test_a_salesforce_id_reads_as_its_18_character_form_whatever_its_length_or_case() -> None:
    assert salesforce_id("001A0000006Vm9r") == "001A0000006Vm9rIAC"  # Salesforce's own example
    assert salesforce_id("001A0000006Vm9rIAC") == "001A0000006Vm9rIAC"
    assert salesforce_id("001A0000006VM9RIAC") == "001A0000006Vm9rIAC"  # upper-cased by Excel
    assert salesforce_id("００１A0000006Vm9r") == "001A0000006Vm9rIAC"  # full-width digits
    for bad in ("001A0000006Vm9", "001A0000006Vm9rIA", "001A0000006Vm9r-AC"):
        with pytest.raises(Unreadable, match="Salesforce の ID"):
            salesforce_id(bad)


def test_data_loader_times_are_utc() -> None:
    assert utc_instant("2024-04-01T01:30:00.000Z") == datetime(2024, 4, 1, 1, 30, tzinfo=UTC)
    assert utc_instant("2024-04-01T01:30:00") == datetime(2024, 4, 1, 1, 30, tzinfo=UTC)
    assert utc_instant("2024-04-01T10:30:00.000+09:00") == datetime(2024, 4, 1, 1, 30,
                                                                     tzinfo=UTC)


def test_a_cybozu_company_cell_names_each_company_once() -> None:
    assert _companies("C001/株式会社山田製作所;C002/有限会社川口商店；C001/株式会社山田製作所") == [
        ("C001", "株式会社山田製作所"), ("C002", "有限会社川口商店")]
    assert _companies("Ｃ００３／大阪物産株式会社") == [("C003", "大阪物産株式会社")]
    assert _companies("株式会社東和電機") == [("株式会社東和電機", "株式会社東和電機")]
    with pytest.raises(Unreadable, match="「/株式会社南商事」を読めません"):
        _companies("/株式会社南商事")


def test_a_name_is_the_same_however_it_is_spaced() -> None:
    assert person_key("佐藤 健") == person_key("佐藤健") == person_key("佐藤　健") == "佐藤健"
    assert person_key("ｻﾄｳ ｹﾝ") == person_key("サトウケン")
