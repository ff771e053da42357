"""The cheap guard: a stored event changes only with a class_version bump and an upcaster.

tests/compat/event_manifest.json lists every stored topic with its class_version and
fields (and what an Account snapshot holds). Change an event's fields without bumping its
class_version, move or remove a class, or bump without the upcaster, and this fails saying
what to do.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from eventsourcing.utils import resolve_topic

from domain.account import Account
from tests.compat.catalogue import MANIFEST, manifest

ROOT = Path(__file__).parents[2]
HOW = ("to change a stored event: bump its class_version, add the static method "
       "upcast_v{old}_v{new}(state) that turns an old stored state into the new one, add a "
       "fixture of this release beside the old ones (python -m tests.compat.make_fixture), "
       "then write the manifest again (python -m tests.compat.catalogue); see "
       "tests/unit/test_upcasting.py")


def committed() -> dict[str, Any]:
    return json.loads((ROOT / MANIFEST).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def upcasting_class(entry: str) -> Any:
    """The class whose upcasters turn this entry's old stored states into today's."""
    if entry.endswith(("(snapshot state)", "(in Account snapshots)")):
        return Account  # a snapshot's state is upcast by its aggregate's class
    return resolve_topic(entry)


def manifest_problems(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What changed in the stored classes that the rule does not allow, or not yet."""
    problems = []
    for entry, was in before.items():
        if entry not in now:
            problems.append(
                f"{entry} is gone, but stores hold it forever: keep the class, or when it "
                "moves register its old topic (eventsourcing.utils.register_topic)")
            continue
        then, today = was["class_version"], now[entry]["class_version"]
        if today < then:
            problems.append(f"{entry}: class_version went back from {then} to {today}")
        elif today == then and now[entry]["fields"] != was["fields"]:
            problems.append(f"{entry} changed its fields {_difference(was, now[entry])} "
                            f"without a class_version bump ({then}): {HOW}")
        elif today > then:
            cls = upcasting_class(entry)
            missing = [f"upcast_v{v}_v{v + 1}" for v in range(1, today)
                       if not callable(getattr(cls, f"upcast_v{v}_v{v + 1}", None))]
            if missing:
                problems.append(f"{entry} is at class_version {today} but "
                                f"{cls.__qualname__} has no {', '.join(missing)}: {HOW}")
            else:
                problems.append(f"{entry} is now class_version {today} with its upcasters: "
                                "write the manifest again (python -m tests.compat.catalogue)")
    for entry in now.keys() - before.keys():
        problems.append(f"{entry} is new: give a fixture of this release every new kind "
                        "(python -m tests.compat.make_fixture) and write the manifest again "
                        "(python -m tests.compat.catalogue)")
    return problems


def _difference(was: dict[str, Any], now: dict[str, Any]) -> str:
    before, after = was["fields"], now["fields"]
    changes = [f"+{n}" for n in after if n not in before]
    changes += [f"-{n}" for n in before if n not in after]
    changes += [f"{n}: {before[n]} → {after[n]}" for n in before
                if n in after and before[n] != after[n]]
    return f"({', '.join(changes)})"


def test_every_stored_class_is_as_the_manifest_says() -> None:
    problems = manifest_problems(committed(), manifest())
    assert not problems, "\n".join(problems)


def test_the_manifest_covers_every_account_event_and_the_account_snapshot() -> None:
    entries = committed()
    for name, cls in vars(Account).items():
        if isinstance(cls, type) and name not in ("Event", "Created"):
            assert f"domain.account:Account.{name}" in entries
    assert "domain.account:Account (snapshot state)" in entries
    assert "eventsourcing.domain:Snapshot" in entries
    assert all(entry["class_version"] >= 1 for entry in entries.values())


def test_a_field_added_without_a_version_bump_is_refused_with_what_to_do() -> None:
    today = manifest()
    before = copy.deepcopy(today)
    del before["domain.account:Account.VisitRecorded"]["fields"]["channel"]
    [problem] = manifest_problems(before, today)
    assert "Account.VisitRecorded changed its fields (+channel)" in problem
    assert "bump its class_version, add the static method upcast_v{old}_v{new}" in problem


def test_a_snapshot_state_change_without_a_version_bump_is_refused() -> None:
    today = manifest()
    before = copy.deepcopy(today)
    before["domain.account:PromiseState (in Account snapshots)"]["fields"]["due_date"] = "str"
    [problem] = manifest_problems(before, today)
    assert "due_date: str → date" in problem


def test_a_bump_without_its_upcaster_is_refused() -> None:
    today = manifest()
    before = copy.deepcopy(today)
    today["domain.account:Account.NoteAdded"]["class_version"] = 3
    [problem] = manifest_problems(before, today)
    assert "has no upcast_v2_v3" in problem


def test_a_topic_that_disappears_is_refused() -> None:
    today = manifest()
    before = copy.deepcopy(today)
    before["domain.account:Account.VisitRescheduled"] = {"class_version": 1, "fields": {}}
    [problem] = manifest_problems(before, today)
    assert "register its old topic" in problem
