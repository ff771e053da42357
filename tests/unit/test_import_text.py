"""How a 日報 from Excel reads: its encoding, and dates as people in Japan type them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.imports.sheet import lines
from api.imports.text import Unreadable, calendar_day, decoded, instant
from tests.conftest import JST

日報 = "取引先コード,取引先名\nC001,株式会社山田製作所\n"


@pytest.mark.parametrize(("written", "meant"), [
    ("2024/4/1", datetime(2024, 4, 1, tzinfo=JST)),
    ("2024/04/01", datetime(2024, 4, 1, tzinfo=JST)),
    ("2024-04-01 10:30", datetime(2024, 4, 1, 10, 30, tzinfo=JST)),
    ("2024/4/1 9:05", datetime(2024, 4, 1, 9, 5, tzinfo=JST)),
    ("２０２４/４/１ １０:３０", datetime(2024, 4, 1, 10, 30, tzinfo=JST)),
    ("2024年4月1日", datetime(2024, 4, 1, tzinfo=JST)),
    ("2024-04-01T10:30:15+09:00", datetime(2024, 4, 1, 10, 30, 15, tzinfo=JST)),
    ("2024-04-01 01:30Z", datetime(2024, 4, 1, 1, 30, tzinfo=UTC)),
    ("2024-04-01 10:30 -05:00", datetime(2024, 4, 1, 10, 30,
                                         tzinfo=timezone(timedelta(hours=-5)))),
])
def test_dates_read_as_written_in_jst_unless_an_offset_is_given(written: str,
                                                                meant: datetime) -> None:
    assert instant(written) == meant
    assert instant(written).utcoffset() == meant.utcoffset()


@pytest.mark.parametrize("written", ["4/1/2024", "2024/13/1", "2024/2/30", "2024/4/1 25:00",
                                     "昨日", "0001/01/01", "2201/1/1"])
def test_what_is_no_date_is_refused_in_japanese(written: str) -> None:
    with pytest.raises(Unreadable):
        instant(written)


def test_a_due_day_ignores_a_time() -> None:
    assert calendar_day("２０２４/４/８ 10:00") == date(2024, 4, 8)


@pytest.mark.parametrize(("data", "encoding"), [
    (日報.encode("utf-8"), "utf-8"),
    (日報.encode("utf-8-sig"), "utf-8-sig"),
    (日報.encode("cp932"), "cp932"),
])
def test_the_encoding_is_detected(data: bytes, encoding: str) -> None:
    assert decoded(data) == (日報, encoding)


def test_a_named_charset_is_used_and_shift_jis_reads_as_cp932() -> None:
    assert decoded("①髙橋".encode("cp932"), "Shift_JIS") == ("①髙橋", "cp932")
    with pytest.raises(Unreadable, match="utf-8 として読めません"):
        decoded(日報.encode("cp932"), "utf-8")
    with pytest.raises(Unreadable, match="扱えません"):
        decoded(b"", "ebcdic-x")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='a日,"\r\n ', max_size=60))
def test_一行ずつ読んでもファイルとして読んだのと同じ行になる(text: str) -> None:
    """The import reads a large CSV line by line (api.imports.sheet.lines) instead of through
    a second copy of it: the csv module must see exactly what a file opened with
    newline="" gives it, quoted line breaks and lone \\r included."""
    def read(source: Any) -> list[list[str]] | str:
        try:
            return list(csv.reader(source, strict=True))
        except csv.Error as exc:
            return f"csv.Error: {exc}"

    assert read(lines(text)) == read(io.StringIO(text, newline=""))
