"""``tsunagi-jsonl``: Tsunagi's own audit export (``tsunagi export``, ``GET /v1/audit/export``)
read back into a store — a migration, or a backup restored elsewhere.

A restore must give the same aggregates (the same ids, versions, event ids, times, who
recorded each event), or dossiers, which cite event ids, could not be the same. So this
format does not run commands as ``tsunagi-csv`` does: it replays the exported events
themselves. Each line:

1. reads as JSON (one line, one stored event; a truncated or garbled line is its own error);
2. names a Tsunagi event class by its ``topic`` (an Account, a User or an IdempotentRequest
   event: the store holds nothing else; snapshots live apart and are not exported) — looked
   up among those, so a line never makes Python import anything;
3. carries ``state``, the stored state as the store held it (appended to the export for
   this), which the application's mapper reads back into the event; ``event_id``,
   ``occurred_at``, ``recorded_at``, ``recorded_by``, ``kind``, ``data`` and ``source``, where
   the line has them, must say what that state says (a line edited by hand is reported, not
   half believed); the state must hold every field its event class declares without a
   default; a line the export marked ``unreadable`` is refused;
4. when it has a ``chain_hash``, must link to the previous event of its aggregate (the
   previous line of that aggregate in the file, or the target's stored event at the version
   before, or nothing at version 1) exactly as the exporting store had linked it: a line
   changed consistently in ``state`` and ``data`` still breaks its exported chain;
5. must follow the aggregate's current version in the target store (a version gap is an
   error); a version the target already holds is a duplicate when the same event is stored
   there, and reported when another one is;
6. must be accepted by the aggregate's own mutator on the target's copy (that is the
   invariant check: a promise closed that was never made does not apply).

Lines that pass are saved through the application's normal save path (the mapper writes the
state again — byte for byte the same for events of the current class versions — and the
chained recorder computes ``chain_hash`` and ``log_hash`` as for any write), ``BATCH_LINES``
to a transaction; a batch another writer got in before is taken again line by line. The
store's own rules on new owners are not asked again: the exporting store accepted this
history, and its users are restored from the same file. An empty store given a whole
export ends with the same events, the same chain hashes and the same notification ids.
Events an earlier release stored in an older class version read upcast (as every reader
reads them) and are stored in today's form: the same events, but their bytes — and so
their chain hashes and the digest — differ from the exporting store's; the restored chain
verifies, and the same export imported again is all duplicates.
``notification_id`` and ``log_hash`` of a line are not checked: the target numbers and links
its own log.

Only an admin may restore (over HTTP; ``tsunagi import`` is run by whoever holds the
database): a restore writes users and their token hashes, and history in other people's
names.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from api.imports.rows import BadRow, RowError
from audit.chain import GENESIS, chain_link, chained, event_hash
from audit.export import shown
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountUnreadable, ConcurrencyConflict
from domain.idempotency import IdempotentRequest
from domain.users import User
from projections.records import json_safe

if TYPE_CHECKING:
    from api.imports.engine import ImportReport

NAME = "tsunagi-jsonl"
BATCH_LINES = 500  # events saved in one transaction by a real run
AGGREGATES: tuple[type[Aggregate], ...] = (Account, User, IdempotentRequest)
CHECKED = ("event_id", "kind", "occurred_at", "recorded_at", "recorded_by", "data", "source")
DEEP = "state の入れ子が深すぎます"
WHAT = {Account: "取引先", User: "利用者", IdempotentRequest: "重複防止の記録"}


def _event_classes(aggregate: type[Aggregate]) -> Iterator[type[Any]]:
    for value in vars(aggregate).values():
        if (isinstance(value, type) and issubclass(value, Aggregate.Event)
                and value.__qualname__.startswith(f"{aggregate.__qualname__}.")
                and value.__name__ not in ("Event", "Created")):
            yield value


EVENT_CLASSES = {get_topic(cls): (cls, aggregate) for aggregate in AGGREGATES
                 for cls in _event_classes(aggregate)}


def _required(cls: type[Any]) -> frozenset[str]:
    """The fields every event of this class has: those it declares with no default."""
    return frozenset(name for klass in cls.__mro__
                     for name, kind in vars(klass).get("__annotations__", {}).items()
                     if "ClassVar" not in str(kind) and not hasattr(cls, name))


REQUIRED = {cls: _required(cls) for cls, _ in EVENT_CLASSES.values()}


@dataclass(frozen=True)
class Line:
    """One exported event, read and checked on its own."""

    row: int
    event: Any
    stored: StoredEvent
    aggregate: type[Aggregate]
    chain_hash: bytes | None

    @property
    def aggregate_id(self) -> UUID:
        return UUID(str(self.stored.originator_id))

    @property
    def version(self) -> int:
        return self.stored.originator_version


Read = Line | BadRow


class Refused(Exception):
    def __init__(self, column: str | None, msg: str) -> None:
        super().__init__(msg)
        self.error = RowError(column, msg)


def numbered_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each non-blank line and its number (the first line is 1); a BOM is no part of it."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    number = 0
    while start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        number += 1
        line = data[start:end].rstrip(b"\r")
        if line.strip():
            yield number, line
        start = end + 1


def read(row: int, raw: bytes, mapper: Mapper[Any]) -> Read:
    """The line as the event it exports, or why it is not one (field and message)."""
    try:
        return _read(row, raw, mapper)
    except Refused as exc:
        return BadRow(row, (exc.error,))
    except RecursionError:  # a state nested too deep to compare
        return BadRow(row, (RowError("state", DEEP),))


def _read(row: int, raw: bytes, mapper: Mapper[Any]) -> Line:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise Refused(None, f"UTF-8 として読めません（{exc.start + 1} バイト目）") from None
    except json.JSONDecodeError as exc:
        raise Refused(None, f"JSON として読めません（{exc.colno} 文字目: {exc.msg}）。"
                            "途中で切れた行か、書き換えられた行です") from None
    except (ValueError, RecursionError):  # a number of thousands of digits, nesting too deep
        raise Refused(None, "JSON として読めません（桁の多すぎる数か、深すぎる入れ子）") from None
    if not isinstance(value, dict):
        raise Refused(None, "1 行が 1 つの JSON オブジェクト（{…}）になっていません")
    if value.get("unreadable"):
        raise Refused("unreadable", "書き出し元で記録として読めなかった行です（"
                                    f"{str(value['unreadable'])[:200]}）。元のストアで "
                                    "tsunagi verify を確かめてください")
    try:
        aggregate_id = UUID(str(value.get("account_id")))
    except ValueError:
        raise Refused("account_id", "account_id が UUID ではありません") from None
    version = value.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Refused("version", "version は 1 以上の整数にしてください")
    topic = value.get("topic")
    if not isinstance(topic, str) or topic not in EVENT_CLASSES:
        raise Refused("topic", f"topic「{str(topic)[:200]}」は Tsunagi の記録の種類ではありません")
    cls, aggregate = EVENT_CLASSES[topic]
    state = value.get("state")
    if not isinstance(state, str):
        raise Refused("state", "state がありません（この版の tsunagi export で書き出したファイルを"
                               "使ってください）")
    chain_hash = _hash(value.get("chain_hash"))
    stored = StoredEvent(aggregate_id, version, topic, state.encode("utf-8"))
    try:
        event = mapper.to_domain_event(stored)
    except Exception as exc:  # any state that does not read is the line's fault
        raise Refused("state", f"state を記録として読めません（{type(exc).__name__}）") from None
    if not isinstance(event, cls):
        raise Refused("state", "state が topic の記録として読めません")
    if getattr(event, "originator_topic", get_topic(aggregate)) != get_topic(aggregate):
        raise Refused("state", "state の originator_topic が topic の集約と合いません")
    missing = sorted(REQUIRED[cls] - set(vars(event)))
    if missing:
        raise Refused("state", f"state に {'、'.join(missing)} がありません")
    said = _json(shown(event))
    for name in CHECKED:
        if name in value and value[name] != said[name]:
            raise Refused(name, f"{name} が state の内容と合いません（書き換えられた行です）")
    return Line(row, event, stored, aggregate, chain_hash)


def _hash(value: Any) -> bytes | None:
    if value is None:
        return None
    try:
        found = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        found = b""
    if len(found) != 32:
        raise Refused("chain_hash", "chain_hash が 64 桁の16進数ではありません")
    return found


def _json(value: Any) -> Any:
    """As the value reads back from a JSON line."""
    return json.loads(json.dumps(json_safe(value), ensure_ascii=False))


def replay(app: Tsunagi, data: bytes, report: ImportReport,
           progress: Callable[[int, int], None] | None = None) -> None:
    """Replay every line of the export into ``app`` (or, ``report.dry_run``, into copies),
    counting into ``report``."""
    total = sum(1 for _ in numbered_lines(data))
    replaying = Replay(app, report)
    for done, (number, raw) in enumerate(numbered_lines(data), start=1):
        report.rows += 1
        replaying.take(read(number, raw, app.mapper))
        if replaying.full:
            replaying.flush()
        if progress is not None:
            progress(done, total)
    replaying.flush()


class Replay:
    """Takes lines one after another against the target store and the batch so far."""

    def __init__(self, app: Tsunagi, report: ImportReport) -> None:
        self.app = app
        self.report = report
        self.dry_run = report.dry_run
        self.one_by_one = False
        self.aggregates: dict[UUID, Aggregate | None] = {}  # as the lines so far leave them
        self.events: list[Any] = []  # the batch's, in order
        self.pending: dict[tuple[UUID, int], Any] = {}  # the batch's (dry run: every) event
        self.heads: dict[UUID, tuple[int, bytes]] = {}  # the exported chain, as far as read
        self.batch: list[Read] = []
        self.counted = self.report.counts()

    @property
    def full(self) -> bool:
        return not self.dry_run and len(self.events) >= BATCH_LINES

    def take(self, item: Read) -> None:
        self.batch.append(item)
        if isinstance(item, BadRow):
            self.report.rejected.append(item)
            return
        try:
            self._take(item)
        except Refused as exc:
            self.report.rejected.append(BadRow(item.row, (exc.error,)))
        except RecursionError:
            self.report.rejected.append(BadRow(item.row, (RowError("state", DEEP),)))

    def flush(self) -> None:
        """Save the batch in one transaction; one another writer got in before is taken
        again line by line, each line judged on the store as it now stands."""
        batch, self.batch = self.batch, []
        if self.dry_run:
            return
        try:
            if self.events:
                self.app.save_restored(self._touched(), self.events)
        except ConcurrencyConflict:
            self._forget()
            self.report.restore(self.counted)
            self.one_by_one = True
            try:
                for item in batch:
                    self.take(item)
            finally:
                self.one_by_one = False
                self.batch = []
        self._forget()
        self.counted = self.report.counts()

    def _take(self, line: Line) -> None:
        aggregate = self._aggregate(line)
        current = 0 if aggregate is None else aggregate.version
        self._check_chain(line)
        if line.version <= current:
            self._known(line)
            return
        if line.version > current + 1:
            missing = f"{current + 1}" + ("" if line.version == current + 2
                                          else f"〜{line.version - 1}")
            raise Refused("version", f"{self._what(line)}の版 {missing} がありません"
                                     "（書き出しの途中の行が抜けています）")
        try:
            changed = line.event.mutate(copy.deepcopy(aggregate))
        except Exception as exc:  # the aggregate's own rules refuse the line
            raise Refused("data", f"この記録は{self._what(line)}の状態に適用できません"
                                  f"（{type(exc).__name__}: {str(exc)[:200]}）") from None
        if self.one_by_one:
            try:
                self.app.save_restored([changed], [line.event])
            except ConcurrencyConflict:
                self.aggregates.pop(line.aggregate_id, None)
                raise Refused("version", "取り込みの最中に同じ版が別に書き込まれました。もう一度"
                                         "取り込んでください（同じ記録は重複として数えます）"
                              ) from None
        else:
            self.events.append(line.event)
            self.pending[(line.aggregate_id, line.version)] = line.event
        self.aggregates[line.aggregate_id] = changed
        self._linked(line)
        self.report.accepted += 1
        self.report.events_appended += 1
        self.report.accounts_created += isinstance(line.event, Account.Opened)

    def _known(self, line: Line) -> None:
        """A version the target holds: a duplicate if it holds this very event."""
        stored = self.pending.get((line.aggregate_id, line.version))
        if stored is None:
            try:
                stored = self.app.stored_event(line.aggregate_id, line.version)
            except AccountUnreadable:
                stored = None
        if stored is None or type(stored) is not type(line.event) \
                or vars(stored) != vars(line.event):
            raise Refused("version", f"{self._what(line)}の版 {line.version} には別の内容の記録が"
                                     "すでにあります（書き換えられた行か、別のストアの書き出し"
                                     "です）")
        self._linked(line)
        self.report.duplicates += 1

    def _aggregate(self, line: Line) -> Aggregate | None:
        if line.aggregate_id not in self.aggregates:
            try:
                found = self.app.stored_aggregate(line.aggregate_id)
            except AccountUnreadable:
                raise Refused(None, f"取り込み先のこの{self._what(line)}に読めない記録があります"
                                    "（tsunagi verify で確かめてください）") from None
            if found is not None and not isinstance(found, line.aggregate):
                raise Refused("account_id", f"取り込み先ではこの id は{self._what(line)}では"
                                            "ありません")
            self.aggregates[line.aggregate_id] = found
        return self.aggregates[line.aggregate_id]

    def _check_chain(self, line: Line) -> None:
        """The line links to the previous event of its aggregate as the export says."""
        if line.chain_hash is None:
            return
        previous = self._previous_link(line)
        if previous is None:
            return  # nothing to link to: the version gap is reported
        content = event_hash(line.aggregate_id, line.version, line.stored.topic,
                             line.stored.state)
        if chain_link(previous, content) != line.chain_hash:
            raise Refused("chain_hash", "chain_hash が記録の内容と合いません（書き換えられた行か、"
                                        "この記録より前の行が変わっています）")

    def _previous_link(self, line: Line) -> bytes | None:
        if line.version == 1:
            return GENESIS
        head = self.heads.get(line.aggregate_id)
        if head is not None and head[0] == line.version - 1:
            return head[1]
        rows = chained(self.app.recorder).select_chained(
            originator_id=line.aggregate_id, after=line.version - 2, limit=1)
        if rows and rows[0].originator_version == line.version - 1:
            return rows[0].chain_hash
        return None

    def _linked(self, line: Line) -> None:
        if line.chain_hash is not None:
            self.heads[line.aggregate_id] = (line.version, line.chain_hash)
        else:
            self.heads.pop(line.aggregate_id, None)

    def _touched(self) -> list[Aggregate]:
        ids = dict.fromkeys(event.originator_id for event in self.events)
        return [a for i in ids if (a := self.aggregates.get(i)) is not None]

    def _forget(self) -> None:
        """After a batch: the store holds it now (memory stays flat however long the file)."""
        self.aggregates.clear()
        self.events.clear()
        self.pending.clear()
        self.heads.clear()

    @staticmethod
    def _what(line: Line) -> str:
        return WHAT.get(line.aggregate, "記録")

