"""``python -m bench [--quick] [--backend sqlite|postgres|both]``"""

from __future__ import annotations

import argparse
import random

from bench.harness import Figure, an_account_with, p50, report, store, timed
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
        checkpoints = projector["checkpoints"]
        relationship = projector["relationship"]
        samples = timed(lambda: as_of(app, checkpoints, account.id,  # type: ignore[arg-type]
                                      rng.choice(instants)), repeat)
        current = timed(lambda: relationship.document(str(account.id)),  # type: ignore[attr-defined]
                        repeat)
        projector.close()
    value = p50(samples)
    return [Figure(f"P5 as-of p50, {events:,}-event account ({backend})", value, "ms",
                   baseline=p50(current), baseline_name="p50 read of the account's live view",
                   target="p50 < 50 ms", met=value < 50)]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check the harness")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    events, repeat = (300, 5) if args.quick else (10_000, 200)
    figures: list[Figure] = []
    for backend in backends:
        figures += as_of_figures(backend, events, repeat)
    print(report(figures))


if __name__ == "__main__":
    main()
