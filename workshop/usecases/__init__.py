"""Use cases, one module per feature; `UseCases.build` wires them from a store and a clock.

Every feature is a small object that receives what it needs (the Core, and the
Audiences for those that answer with an attendee's own view): no mixins, no borrowed
attributes. The edges (live/, web/) and the command line take a UseCases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workshop.store.engine import Store
from workshop.usecases.audiences import Audiences
from workshop.usecases.core import Core, now_ms
from workshop.usecases.documents import Documents
from workshop.usecases.facilitation import Facilitation
from workshop.usecases.plans import Plans
from workshop.usecases.privacy import Privacy
from workshop.usecases.rounds import VoteRounds
from workshop.usecases.workshops import Workshops


@dataclass(frozen=True)
class UseCases:
    """Every feature's use cases over one store."""

    core: Core
    audiences: Audiences
    workshops: Workshops
    facilitation: Facilitation
    rounds: VoteRounds
    plans: Plans
    documents: Documents
    privacy: Privacy

    @classmethod
    def build(
        cls,
        store: Store,
        join_url_for: Callable[[str], str],
        exports_dir: Path = Path("exports"),
        clock: Callable[[], int] = now_ms,
        today: Callable[[], date] = date.today,
    ) -> UseCases:
        """Wire every feature to one Core."""
        core = Core(store, join_url_for, clock, today)
        audiences = Audiences(core)
        return cls(
            core=core,
            audiences=audiences,
            workshops=Workshops(core, audiences),
            facilitation=Facilitation(core),
            rounds=VoteRounds(core, audiences),
            plans=Plans(core),
            documents=Documents(core),
            privacy=Privacy(core, exports_dir),
        )
