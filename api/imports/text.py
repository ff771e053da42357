"""Reading what Japanese offices export: encodings Excel writes, dates as people type them."""

from __future__ import annotations

import codecs
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from domain.values import EARLIEST_DAY, LATEST_DAY

JST = timezone(timedelta(hours=9))  # Japan keeps no summer time: +09:00 all year
BOM = codecs.BOM_UTF8
CP932_NAMES = frozenset({"shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "ms932",
                         "windows-31j", "ms_kanji"})


class Unreadable(ValueError):
    """A value or a file that does not read; the message is for people, in Japanese."""


def decoded(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read with: the named ``charset`` (Shift_JIS read
    as its superset CP932, as Excel writes it), else UTF-8 (with or without BOM), else
    CP932."""
    if charset:
        encoding = _encoding_named(charset)
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise Unreadable(f"ファイルを {charset} として読めません"
                             f"（{exc.start} バイト目）。文字コードを確かめてください。") from None
    if data.startswith(BOM):
        return data.decode("utf-8-sig", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise Unreadable("文字コードを判別できません。UTF-8 または Shift_JIS（CP932）で保存して"
                     "ください。")


def _encoding_named(charset: str) -> str:
    name = charset.strip().strip('"').lower()
    if name in CP932_NAMES:
        return "cp932"
    if name in ("utf-8", "utf8"):
        return "utf-8-sig"  # a BOM is no part of the text
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise Unreadable(f"文字コード {charset} は扱えません（UTF-8 か Shift_JIS）。") from None


def half_width(value: str) -> str:
    """Full-width digits, letters and signs as their half-width equal (NFKC)."""
    return unicodedata.normalize("NFKC", value).strip()


_WHEN = re.compile(
    r"(?P<y>\d{4})[/\-.年](?P<m>\d{1,2})[/\-.月](?P<d>\d{1,2})日?"
    r"(?:[ T]+(?P<H>\d{1,2})[:時](?P<M>\d{2})分?(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?")


def instant(value: str) -> datetime:
    """``2024/4/1``, ``2024-04-01 10:30``, ``２０２４/４/１ １０:３０``, ``2024年4月1日``,
    with an offset (``+09:00``, ``Z``) or JST; a day alone is its first instant."""
    found = _WHEN.fullmatch(half_width(value))
    if found is None:
        raise Unreadable(f"日時「{value}」を読めません（例: 2024/4/1、2024-04-01 10:30）")
    day = _day(found)
    hour, minute, second = (int(found[part] or 0) for part in ("H", "M", "S"))
    if hour > 23 or minute > 59 or second > 59:
        raise Unreadable(f"時刻「{value}」がありえない時刻です")
    return datetime(day.year, day.month, day.day, hour, minute, second,
                    tzinfo=_offset(found["tz"]))


def calendar_day(value: str) -> date:
    """A day as in ``instant``; a time given with it is ignored."""
    found = _WHEN.fullmatch(half_width(value))
    if found is None:
        raise Unreadable(f"日付「{value}」を読めません（例: 2024/4/1）")
    return _day(found)


def _day(found: re.Match[str]) -> date:
    try:
        day = date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        raise Unreadable(f"「{found[0]}」はありえない日付です") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise Unreadable("1900年1月1日から2200年12月31日までの日付にしてください"
                         f"（{found[0]}）")
    return day


def _offset(text: str | None) -> timezone:
    if text is None:
        return JST
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise Unreadable(f"時差「{text}」を読めません")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
