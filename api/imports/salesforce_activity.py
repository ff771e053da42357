"""``salesforce-activity``: Tasks and Events exported by Data Loader (Id, WhatId, WhoId,
Subject, ActivityDate, StartDateTime, Status, Type, OwnerId, Description; headers in any
case and order, other columns ignored). Sample: samples/salesforce-activity.csv with the
two mappings it needs, samples/salesforce-activity.users.csv (``Id,user_id``: the owner's
Salesforce user Id → Tsunagi user id) and samples/salesforce-activity.accounts.csv
(``Id,取引先コード,取引先名``: the Salesforce Account Id → the account's code and name).

What each activity becomes:
- an Event (Id 00U…, or a row with StartDateTime and no Status): a visit at StartDateTime
  (UTC, as Data Loader writes it; else ActivityDate, a JST day) — by phone for Type Call,
  by e-mail for Email, online for Web/Online, else in person (Meeting, 訪問 …);
- a Task whose Status is Completed (完了; or IsClosed true): a contact — a visit by phone
  (Call), e-mail (Email) or in person (Meeting, 訪問) by its Type or TaskSubtype; a
  completed Task of no such type is a note (メモ), never counted as a visit;
- an open Task (any other Status): a promise (約束) due on its ActivityDate (required),
  made at CreatedDate when the export has it, else when it is imported.
Identity: the format and the activity's Id, whose 15- and 18-character forms are the same
Id (the 18-character form, its case restored from its suffix, is kept as external_id).
WhoId (a Contact's Id) names no person Tsunagi knows and is not imported. An OwnerId or
WhatId the mappings do not name refuses the row, naming the column; a WhatId may name any
record (an Opportunity too) that the accounts mapping gives an account for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TypeVar

from api.imports.mappings import Context, header_key, keyed, mapping, user_id_in
from api.imports.rows import (
    BadRow,
    Entry,
    ImportRefused,
    Kind,
    NotThisFormat,
    Parsed,
    RowError,
    fingerprint,
)
from api.imports.sheet import Cells, Record, records
from api.imports.text import JST, Unreadable, calendar_day, half_width, instant
from domain.values import Channel

NAME = "salesforce-activity"
COLUMNS = ("Id", "WhatId", "WhoId", "Subject", "ActivityDate", "StartDateTime", "Status",
           "Type", "TaskSubtype", "OwnerId", "Description", "CreatedDate", "IsClosed")
REQUIRED = ("Id", "WhatId", "OwnerId")
COMPLETED = frozenset({"completed", "完了", "完了済み"})
EVENT_PREFIX = "00U"
CHANNELS = {"call": Channel.PHONE, "電話": Channel.PHONE, "email": Channel.EMAIL,
            "メール": Channel.EMAIL, "web": Channel.ONLINE, "online": Channel.ONLINE,
            "オンライン": Channel.ONLINE, "meeting": Channel.IN_PERSON, "訪問": Channel.IN_PERSON,
            "商談": Channel.IN_PERSON}
FRACTION = re.compile(r"(?<=:\d\d)\.\d+")
OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?")
USERS_EXAMPLE = "Id,user_id の見出しと 0055j000001AbCd,sato のような行"
ACCOUNTS_EXAMPLE = ("Id,取引先コード,取引先名 の見出しと 0015j000002XyZa,C001,株式会社山田製作所 "
                    "のような行")
T = TypeVar("T")


def parse(text: str, context: Context) -> Iterator[Parsed]:
    """Each activity as a visit, a promise or a note, with its owner and account mapped."""
    users, accounts = _mappings(context)
    for record in records(text, _header):
        yield (record if isinstance(record, BadRow)
               else activity(record, users, accounts, context.now))


def _header(names: list[str]) -> list[str | None]:
    by_key = {header_key(name): name for name in COLUMNS}
    header = [by_key.get(header_key(name)) for name in names]
    missing = [name for name in REQUIRED if name not in header]
    if missing or ("ActivityDate" not in header and "StartDateTime" not in header):
        missing += [] if missing else ["ActivityDate か StartDateTime"]
        raise NotThisFormat(f"見出しに {'、'.join(missing)} がありません（Data Loader で "
                            f"Task・Event を書き出したファイル: {'、'.join(COLUMNS[:10])}）")
    return header


def _mappings(context: Context) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Salesforce user Id → user id; Salesforce Id → (account code, name); keys as 18
    characters. Both mappings are needed (one missing refuses the import, naming it)."""
    users = mapping(context, "users", {"id": "Id", "ownerid": "Id", "salesforceid": "Id",
                                       "userid": "user_id"},
                    needed=True, example=USERS_EXAMPLE)
    accounts = mapping(context, "accounts", {"id": "Id", "accountid": "Id", "whatid": "Id",
                                             "取引先コード": "取引先コード", "code": "取引先コード",
                                             "取引先名": "取引先名", "name": "取引先名"},
                       needed=True, example=ACCOUNTS_EXAMPLE)
    assert users is not None and accounts is not None  # needed=True: given, or refused
    return ({key: user_id_in("users", row, values["user_id"])
             for key, (row, values) in keyed("users", users, "Id",
                                             _mapped_id("users")).items()},
            {key: (half_width(values["取引先コード"]), values["取引先名"])
             for key, (_, values) in keyed("accounts", accounts, "Id",
                                           _mapped_id("accounts")).items()})


def _mapped_id(part: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        try:
            return salesforce_id(value)
        except Unreadable as exc:
            raise ImportRefused(f"対応表 {part}: {exc}", part) from None
    return read


def salesforce_id(value: str) -> str:
    """The 18-character form of a Salesforce Id given in its 15-character (case-sensitive)
    or 18-character form; the 18's suffix says which letters of the 15 are upper case, so
    an 18 whose case was lost (upper-cased by a spreadsheet) still reads as itself."""
    text = half_width(value)
    if not SALESFORCE_ID.fullmatch(text):
        raise Unreadable(f"「{value}」は Salesforce の ID（15 文字か 18 文字の英数字）では"
                         "ありません")
    if len(text) == 15:
        return text + _suffix(text)
    suffix = text[15:].upper()
    letters = []
    for chunk in range(3):
        bits = SUFFIX_ALPHABET.index(suffix[chunk])
        for place, char in enumerate(text[chunk * 5:chunk * 5 + 5]):
            letters.append(char.upper() if bits >> place & 1 else char.lower())
    return "".join(letters) + suffix


def utc_instant(value: str) -> datetime:
    """A Data Loader date-time: ``2024-04-01T01:30:00.000Z``, UTC when no offset is given
    (milliseconds dropped)."""
    text = FRACTION.sub("", half_width(value))
    return instant(text if OFFSET.search(text) else f"{text}Z")


def _suffix(id15: str) -> str:
    return "".join(
        SUFFIX_ALPHABET[sum(1 << place for place, char in enumerate(id15[chunk * 5:chunk * 5 + 5])
                            if "A" <= char <= "Z")]
        for chunk in range(3))


def activity(record: Record, users: dict[str, str], accounts: dict[str, tuple[str, str]],
             now: datetime) -> Parsed:
    """The activity in the domain's terms, or every error found in it."""
    row, values = record
    cells = Cells(values)
    read, errors = cells.read, cells.errors

    def mapped(table: dict[str, T], part: str) -> Callable[[str], T]:
        def find(value: str) -> T:
            found = table.get(salesforce_id(value))
            if found is None:
                raise Unreadable(f"{value} は対応表 {part} にありません")
            return found
        return find

    source_id = read("Id", salesforce_id, required=True)
    rep_id = read("OwnerId", mapped(users, "users"), required=True)
    account = read("WhatId", mapped(accounts, "accounts"), required=True)
    started = read("StartDateTime", utc_instant)
    day = read("ActivityDate", calendar_day)
    created = read("CreatedDate", utc_instant)
    is_event = (source_id or "").startswith(EVENT_PREFIX) or (
        bool(values.get("StartDateTime")) and not values.get("Status"))
    completed = (values.get("Status", "").strip().lower() in COMPLETED
                 or values.get("IsClosed", "").strip().lower() in ("true", "1"))
    kind, channel = _kind(values, is_event=is_event, completed=completed)
    if kind is Kind.PROMISE and day is None and "ActivityDate" not in {e.column for e in errors}:
        errors.append(RowError("ActivityDate", "未完了の ToDo（約束）には期日の ActivityDate が"
                                               "必要です"))
    when, when_column = _when(kind, started, day, created, now)
    if when is None and not errors:
        errors.append(RowError("ActivityDate", "ActivityDate も StartDateTime も空です"))
    if errors or source_id is None or rep_id is None or account is None or when is None:
        return BadRow(row, tuple(errors))
    code, name = account
    subject = values.get("Subject", "")
    return Entry(
        row=row, external_id=source_id,
        fingerprint=fingerprint({k: v for k, v in values.items() if k != "Id"}
                                | {"Id": source_id}),
        account_code=code, account_name=name, when=when, kind=kind, rep_id=rep_id,
        subject=subject,
        body=values.get("Description", "") if kind is not Kind.NOTE else "\n".join(
            text for text in (subject, values.get("Description", "")) if text),
        due=day if kind is Kind.PROMISE else None, channel=channel.value if channel else "",
        columns=(("日時", when_column), ("期日", "ActivityDate"), ("担当者", "OwnerId"),
                 ("取引先名", "WhatId"), ("取引先コード", "WhatId"), ("件名", "Subject"),
                 ("内容", "Description"), ("相手", "WhoId"), ("元ID", "Id")),
    )


def _kind(values: dict[str, str], *, is_event: bool,
          completed: bool) -> tuple[Kind, Channel | None]:
    types = (values.get("Type", ""), values.get("TaskSubtype", ""))
    named = next((CHANNELS[t.strip().lower()] for t in types if t.strip().lower() in CHANNELS),
                 None)
    if is_event:
        return Kind.VISIT, named or Channel.IN_PERSON
    if not completed:
        return Kind.PROMISE, None
    return (Kind.VISIT, named) if named else (Kind.NOTE, None)


def _when(kind: Kind, started: datetime | None, day: date | None, created: datetime | None,
          now: datetime) -> tuple[datetime | None, str]:
    """When the activity happened (a visit, a note) or the promise was made (CreatedDate,
    else the import's now), and the column it came from."""
    if kind is Kind.PROMISE:
        return (created, "CreatedDate") if created else (now, "ActivityDate")
    if started is not None:
        return started, "StartDateTime"
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=JST), "ActivityDate"
    return None, "ActivityDate"
