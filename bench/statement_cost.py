"""In-process CPU cost of a join, a dot vote and a tally read, on the API before or after #11.

    python bench/statement_cost.py [N]     # N attendees (500), three dots each

Process CPU time, not wall time, so a busy machine blurs it less. Run it from two
checkouts alternately to compare them (bench/README.md has a before/after table);
it understands the flat layout before issue #11 and the layered one after.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))

from workshop.domain.model import Stage


def build(url: str) -> tuple[Any, Any, Any, Any]:
    """Return (store, attendee use cases, facilitator use cases, reads) for either layout."""
    try:
        from workshop.store.engine import Store
        from workshop.usecases import UseCases
    except ImportError:  # the flat layout before issue #11
        from workshop.services import WorkshopService  # type: ignore[import-not-found]

        from workshop.store import Store  # type: ignore[no-redef]

        store = Store(url)
        service = WorkshopService(store, join_url_for=lambda code: code)
        return store, service, service, service
    store = Store(url)
    usecases = UseCases.build(store, lambda code: code)
    return store, usecases.workshops, usecases.facilitation, usecases.audiences


def main(people_count: int) -> dict[str, float]:
    """Seat, propose, vote and read the tally; return milliseconds of CPU for each."""
    with tempfile.TemporaryDirectory() as folder:
        store, attendees, facilitator, reads = build(f"sqlite:///{folder}/bench.sqlite3")
        code = attendees.create_workshop("Bench", 3, 3, ["A", "B"]).code
        facilitator.change_stage(code, Stage.PROPOSE)
        started = time.process_time()
        people = [
            attendees.join(code, f"device-{i:012d}", None, f"g{i % 2 + 1}")[0].participant_id
            for i in range(people_count)
        ]
        join_ms = (time.process_time() - started) * 1000 / people_count
        ideas = [
            attendees.submit_proposal(code, people[i], f"Idea {i}", f"p{i}").ack["proposal_id"]
            for i in range(10)
        ]
        facilitator.change_stage(code, Stage.VOTE)
        started = time.process_time()
        for i, person in enumerate(people):
            for k in range(3):
                attendees.cast_vote(code, person, ideas[(i + k) % 10], 1, f"v{i}-{k}")
        vote_ms = (time.process_time() - started) * 1000 / (3 * people_count)
        started = time.process_time()
        for _ in range(20):
            reads.tally(code)
        tally_ms = (time.process_time() - started) * 1000 / 20
        store.close()
    return {
        "join_ms": round(join_ms, 3),
        "vote_ms": round(vote_ms, 3),
        "tally_ms": round(tally_ms, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)))
