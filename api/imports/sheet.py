"""The rows of an exported CSV file, numbered as a spreadsheet numbers them (the header is
row 1), each as its known columns' values — the loop every format's parser shares."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

from api.imports.rows import BadRow, NotThisFormat, RowError
from api.imports.text import Unreadable

# The header's names → each position's column as the format knows it (None: not one it
# reads); raises NotThisFormat when a column it needs is missing.
Header = Callable[[list[str]], list[str | None]]
Record = tuple[int, dict[str, str]]


T = TypeVar("T")


class Cells:
    """One row's values read column by column, each with its reader; every error is kept
    with its column (``errors``), so a row reports all that is wrong with it at once."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.errors: list[RowError] = []

    def read(self, column: str, reader: Callable[[str], T], required: bool = False) -> T | None:
        value = self.values.get(column, "")
        if not value:
            if required:
                space = " " if column.isascii() else ""  # WhatId が空です / 日時が空です
                self.errors.append(RowError(column, f"{column}{space}が空です"))
            return None
        try:
            return reader(value)
        except Unreadable as exc:
            self.errors.append(RowError(column, str(exc)))
            return None


LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines(text: str) -> Iterator[str]:
    """The text's lines with their endings (\\r\\n, \\r or \\n, as a file opened with
    ``newline=""`` gives them to the csv module), one at a time: no second copy of a large
    file is made."""
    return (found.group() for found in LINE.finditer(text))


def records(text: str, header: Header) -> Iterator[Record | BadRow]:
    """Each data row with its values by known column (blank rows left out), or the row's
    error when it does not read as CSV or has another number of cells than the header."""
    rows = csv.reader(lines(text), strict=True)
    try:
        names = next(rows)
    except StopIteration:
        raise NotThisFormat("ファイルが空です（見出しの行がありません）") from None
    except csv.Error as exc:
        raise NotThisFormat(f"見出しの行を CSV として読めません: {exc}") from None
    columns = header(names)
    row = 1
    while True:
        row += 1
        try:
            record = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadRow(row, (RowError(None, f"CSV として読めません（引用符の対応など）: {exc}"),))
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(columns):
            yield BadRow(row, (RowError(None, "列の数が見出しと違います（見出し "
                                              f"{len(columns)} 列、この行 {len(record)} 列）"),))
            continue
        yield row, {name: cell.strip() for name, cell in zip(columns, record, strict=True)
                    if name is not None}
