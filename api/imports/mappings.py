"""Mapping files (対応表): who a source system's person or account is in Tsunagi.

A mapping is a small CSV file (UTF-8, UTF-8 with BOM or CP932, detected) with a header row;
its columns are named as each format documents (samples/*.users.csv, *.accounts.csv). A
mapping that does not read, lacks a column or maps one key twice refuses the import whole,
naming the part (``users``, ``accounts``): nothing is appended.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from api.imports.rows import ImportRefused, NotThisFormat
from api.imports.sheet import records
from api.imports.text import Unreadable, decoded
from domain.values import MAX_USER_ID, USER_ID

PARTS = ("users", "accounts")


@dataclass(frozen=True)
class Mappings:
    """The mapping files given with an import, as uploaded (bytes), by part name."""

    users: bytes | None = None
    accounts: bytes | None = None

    def of(self, part: str) -> bytes | None:
        return self.users if part == "users" else self.accounts


@dataclass(frozen=True)
class Context:
    """What a parser may need beyond the file: the mappings, the registered users (user id,
    name; read only when asked) and the import's now."""

    mappings: Mappings
    registered: Callable[[], Sequence[tuple[str, str]]]
    now: datetime


def header_key(name: str) -> str:
    """A column name as compared: NFKC, lower case, without spaces or underscores."""
    return "".join(unicodedata.normalize("NFKC", name).lower().split()).replace("_", "")


def mapping(context: Context, part: str, columns: Mapping[str, str], *, needed: bool,
            example: str) -> Iterator[tuple[int, dict[str, str]]] | None:
    """The rows of the mapping ``part`` by column (``columns``: a header's key → the
    column's name here; each value names a column the mapping must have), or None when it
    was not given and is not ``needed``."""
    data = context.mappings.of(part)
    if data is None:
        if needed:
            raise ImportRefused(f"対応表 {part} がありません（{example}。HTTP では "
                                f"multipart/form-data の {part}、CLI では --{part}）", part)
        return None
    try:
        text, _ = decoded(data)
    except Unreadable as exc:
        raise ImportRefused(f"対応表 {part}: {exc}", part) from None
    wanted = list(dict.fromkeys(columns.values()))

    def header(names: list[str]) -> list[str | None]:
        found = [columns.get(header_key(name)) for name in names]
        missing = [name for name in wanted if name not in found]
        if missing:
            raise NotThisFormat(f"見出しに {'、'.join(missing)} がありません（{example}）")
        return found

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for record in records(text, header):
                if not isinstance(record, tuple):
                    raise ImportRefused(f"対応表 {part} の {record.row} 行目: "
                                        f"{record.errors[0].msg}", part)
                row, values = record
                empty = [name for name in wanted if not values.get(name)]
                if empty:
                    raise ImportRefused(f"対応表 {part} の {row} 行目: {'、'.join(empty)} が"
                                        "空です", part)
                yield row, values
        except NotThisFormat as exc:
            raise ImportRefused(f"対応表 {part}: {exc}", part) from None

    return rows()


def keyed(part: str, rows: Iterator[tuple[int, dict[str, str]]], key: str,
          normalised: Callable[[str], str]) -> dict[str, tuple[int, dict[str, str]]]:
    """The rows by their normalised ``key``; a key mapped twice to other values refuses
    the mapping (the same line twice is harmless)."""
    found: dict[str, tuple[int, dict[str, str]]] = {}
    for row, values in rows:
        name = normalised(values[key])
        earlier = found.get(name)
        if earlier is not None and earlier[1] != values:
            raise ImportRefused(f"対応表 {part} の {row} 行目: {values[key]} は {earlier[0]} "
                                "行目にも別の対応であります", part)
        found.setdefault(name, (row, values))
    return found


def user_id_in(part: str, row: int, value: str) -> str:
    """A mapping's user id as Tsunagi spells it, or the mapping is refused."""
    user_id = unicodedata.normalize("NFKC", value).strip()
    if len(user_id) > MAX_USER_ID or not USER_ID.fullmatch(user_id):
        raise ImportRefused(f"対応表 {part} の {row} 行目: user_id「{value}」は利用者 ID の形"
                            "ではありません（英小文字・数字・. _ - の 64 文字まで）", part)
    return user_id


def person_key(name: str) -> str:
    """A person's name as compared: NFKC, every space (half- or full-width) left out, so
    「佐藤 健」, 「佐藤　健」 and 「佐藤健」 are one name."""
    return "".join(unicodedata.normalize("NFKC", name).split())
