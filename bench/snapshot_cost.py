"""What themes, the spotlight and run sheets add to a snapshot (every phone's join reads one).

    python bench/snapshot_cost.py [--proposals 20] [--rounds 4]

Builds a workshop on a temporary SQLite file through the use cases, then times a
phone's snapshot (the best of several batches, in microseconds) three ways: as it
is with no theme used (one read of the facilitation settings finds no row), with
those reads replaced by an empty board (what a snapshot cost before issue #19), and
with five themes holding every proposal. Prints one JSON line. The machine is shared,
so compare numbers from one run, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import make_app
from tests.flows import workshop_with_proposals
from workshop.store.themes import Board, Settings, ThemeStatements


def best_of(snapshot: object, batches: int, per_batch: int = 200) -> float:
    """Return the best batch's mean time of one call, in microseconds."""
    best = float("inf")
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(per_batch):
            snapshot()  # type: ignore[operator]
        best = min(best, (time.perf_counter() - started) / per_batch * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    app = make_app(Path(tempfile.mkdtemp()))
    usecases = app.extensions["workshop.usecases"]
    texts = [f"Idea {n}" for n in range(args.proposals)]
    code, _, ids = workshop_with_proposals(usecases, texts, attendees=30)

    def snapshot() -> object:
        return usecases.audiences.snapshot(code, "phone")

    real = ThemeStatements.for_snapshot

    def empty(_self: ThemeStatements, _workshop_id: int) -> Board:
        return Board({}, [], Settings())

    unused, before = [], []
    for _ in range(args.rounds):  # interleaved, so a busy neighbour hits both alike
        ThemeStatements.for_snapshot = real  # type: ignore[method-assign]
        unused.append(best_of(snapshot, 3))
        ThemeStatements.for_snapshot = empty  # type: ignore[method-assign]
        before.append(best_of(snapshot, 3))
    ThemeStatements.for_snapshot = real  # type: ignore[method-assign]
    for n in range(5):
        chunk = ids[n::5]
        usecases.themes.create_theme(code, f"Theme {n}", chunk, f"bench-{n}")
    themed = min(best_of(snapshot, 3) for _ in range(args.rounds))
    app.extensions["workshop.store"].close()
    print(
        json.dumps(
            {
                "proposals": args.proposals,
                "before_us": round(min(before)),
                "no_themes_us": round(min(unused)),
                "five_themes_us": round(themed),
            }
        )
    )


if __name__ == "__main__":
    main()
