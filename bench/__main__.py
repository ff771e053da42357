"""``python -m bench [--quick] [--backend sqlite|postgres|both]``"""

from __future__ import annotations

import argparse
import random
import time
from functools import partial

from bench.account_list import account_list_figures
from bench.busy_writer import busy_writer_figures
from bench.harness import Figure, an_account_with, p50, report, store, timed
from bench.imports import import_figures
from bench.large import large_figures
from bench.team import team_figures
from bench.throughput import throughput_figures
from domain.application import Tsunagi
from projections import VIEW_NAMES
from projections.asof import as_of
from projections.runner import Projector


def as_of_figures(backend: str, events: int, repeat: int) -> list[Figure]:
    """P5: an account as of a random instant, on a long history, beside reading its view."""
    from api.bootstrap import build_views

    with store(backend) as (app, settings):
        account = an_account_with(events)
        app.save(account)
        projector = Projector(app, build_views(app, settings))
        projector.catch_up()
        instants = [e.timestamp for e in app.events.get(account.id)]  # type: ignore[attr-defined]
        rng = random.Random(1)
        relationship = projector["relationship"]
        samples = timed(lambda: as_of(app, projector.by_name, account.id,
                                      rng.choice(instants)), repeat)
        current = timed(lambda: relationship.document(str(account.id)),  # type: ignore[attr-defined]
                        repeat)
        projector.close()
    value = p50(samples)
    return [Figure(f"P5 as-of p50, {events:,}-event account ({backend})", value, "ms",
                   baseline=p50(current), baseline_name="p50 read of the account's live view",
                   target="p50 < 50 ms", met=value < 50)]


def catch_up_figures(backend: str, accounts: int) -> list[Figure]:
    """P4: every view built from a filled log, beside a raw scan of the same log."""
    from api.bootstrap import build_views
    from api.demo import generate

    with store(backend) as (app, settings):
        events = generate(app, accounts=accounts, seed=7)
        raw = scan_rate(app, decode=False)
        decoded = scan_rate(app, decode=True)
        projector = Projector(app, build_views(app, settings))
        started = time.perf_counter()
        projector.catch_up()
        rate = events / (time.perf_counter() - started)
        projector.close()
    return [Figure(f"P4 catch-up, every view ({len(VIEW_NAMES)}), {events:,} events ({backend})",
                   rate, "/s",
                   baseline=raw, baseline_name="raw scan of the notification log, events/s",
                   target="≥ 5,000/s and ≥ 0.25 × raw scan",
                   met=rate >= 5000 and rate >= 0.25 * raw),
            Figure(f"P4 reference: scan and decode only ({backend})", decoded, "/s",
                   baseline=raw, baseline_name="raw scan of the notification log, events/s",
                   target="what reading events costs before any view, for reference")]


def scan_rate(app: Tsunagi, *, decode: bool) -> float:
    """Events per second reading the whole notification log in batches of 500, as stored
    (``decode=False``) or made into domain events as every projector must."""
    started = time.perf_counter()
    position, scanned = 0, 0
    while batch := app.recorder.select_notifications(start=position, limit=500,
                                                     inclusive_of_start=False):
        if decode:
            for notification in batch:
                app.mapper.to_domain_event(notification)
        scanned += len(batch)
        position = batch[-1].id
    return scanned / (time.perf_counter() - started)


def http_figures(backend: str, events: int, repeat: int,
                 projector: str = "inprocess") -> list[Figure]:
    """P2 and P3 over loopback: a long account beside a short one, same server, same run;
    views kept in the server's process (the embedded default) or by a process of their own
    (as docker compose deploys it). Appends ``repeat`` times on each account; reads five
    times as often, so that p99 is the tenth-slowest of 1,000, not the second of 200."""
    import httpx

    from bench.harness import percentile, serving, timed_side_by_side

    with store(backend) as (app, settings):
        long_, short = an_account_with(events), an_account_with(10, seed=1)
        app.save(long_)
        app.save(short)
        with serving(settings, admin_token="bench-admin", projector=projector) as url:
            admin = {"Authorization": "Bearer bench-admin"}
            token = httpx.post(f"{url}/v1/users", headers=admin, timeout=30, json={
                "user_id": "sato", "name": "佐藤 健", "role": "rep"}).json()["token"]
            rep = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=url, headers=rep, timeout=60) as client:
                ids = {"long": long_.id, "short": short.id}
                deadline = time.monotonic() + 300
                for account_id in ids.values():  # warm: views caught up, aggregate cached
                    while client.get(f"/v1/accounts/{account_id}").status_code == 503:
                        if time.monotonic() > deadline:
                            raise RuntimeError("the server's views did not catch up in 300 s")

                def visit(account_id: object) -> None:
                    client.post(f"/v1/accounts/{account_id}/visits", json={
                        "occurred_at": "2026-11-20T09:00:00+09:00",
                        "purpose": "定期訪問"}).raise_for_status()

                def read(path: str) -> None:
                    client.get(path).raise_for_status()

                append = timed_side_by_side({k: partial(visit, i) for k, i in ids.items()},
                                            repeat)
                for account_id in ids.values():  # read-your-writes: the views catch up first
                    read(f"/v1/accounts/{account_id}")
                    read(f"/v1/accounts/{account_id}/dossier")
                view = timed_side_by_side(
                    {k: partial(read, f"/v1/accounts/{i}") for k, i in ids.items()}, 5 * repeat)
                dossier = timed_side_by_side(
                    {k: partial(read, f"/v1/accounts/{i}/dossier") for k, i in ids.items()},
                    5 * repeat)
    p2 = p50(append["long"])
    shape = backend if projector == "inprocess" else f"{backend}, projector process"
    figures = [Figure(f"P2 append p50, {events:,}-event account ({shape})", p2, "ms",
                      baseline=p50(append["short"]),
                      baseline_name="the same on a 10-event account",
                      target="ratio ≤ 1.3", met=p2 / p50(append["short"]) <= 1.3)]
    for name, samples in (("GET view", view), ("GET dossier", dossier)):
        p99 = percentile(samples["long"], 99)
        base = percentile(samples["short"], 99)
        figures.append(Figure(f"P3 {name} p99, {events:,}-event account ({shape})", p99, "ms",
                              baseline=base, baseline_name="the same on a 10-event account "
                              f"(p50 {p50(samples['long']):.1f} / {p50(samples['short']):.1f} ms"
                              f", max {max(samples['long']):.1f} / "
                              f"{max(samples['short']):.1f} ms)",
                              target="ratio ≤ 1.5 and p99 < 20 ms",
                              met=p99 / base <= 1.5 and p99 < 20))
    return figures


FIGURES = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", action="append", choices=FIGURES,
                        help="only these figures (repeatable); P2 with P3, P6 with P7")
    parser.add_argument("--seconds", type=int, default=10, help="P1: seconds of load")
    args = parser.parse_args()
    only = set(args.only or FIGURES)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    events, repeat = (300, 5) if args.quick else (10_000, 200)
    figures: list[Figure] = []
    if "P1" in only and "postgres" in backends:
        figures += throughput_figures(*((1, (2,)) if args.quick else (args.seconds, (1, 2, 4))))
    for backend in backends:
        if "P4" in only:
            figures += catch_up_figures(backend, 20 if args.quick else 300)
        if "P5" in only:
            figures += as_of_figures(backend, events, repeat)
        if only & {"P2", "P3"}:
            figures += http_figures(backend, events, repeat)
            if backend == "postgres":
                figures += http_figures(backend, events, repeat, projector="external")
        if "P9" in only:
            figures += account_list_figures(backend, *((300, 50, 40) if args.quick
                                                       else (10_000, 500, 1_000)))
            figures += team_figures(backend, *((60, 6, 5) if args.quick else (10_000, 300, 200)))
    if "P10" in only:
        for backend in backends:
            figures += import_figures(backend, 200 if args.quick else 20_000)
    if "P8" in only and "sqlite" in backends:
        figures += busy_writer_figures(3 if args.quick else 15)
    if only & {"P6", "P7"} and "postgres" in backends:
        figures += large_figures(*((10, 200, 5) if args.quick else (10_000, 100_000, 2_000)))
    print(report(figures))


if __name__ == "__main__":
    main()
