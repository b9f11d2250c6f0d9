"""A counted round as plain data: its result plus the entries the facilitator typed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workshop.domain.rounds import Round
from workshop.domain.tallies import RoundResult

PAPER_SOURCES = {"wall_chart": "Paper wall chart", "hands": "Show of hands"}
ASSISTED_LABEL = "Assisted ballot"


@dataclass
class Counted:
    """A round with its result and the entries the facilitator made by hand."""

    round: Round
    result: RoundResult
    paper: list[dict[str, Any]] = field(default_factory=list)
    assisted: list[dict[str, Any]] = field(default_factory=list)
    # The result as published: groups under the minimum size folded into "other groups"
    # (domain.small_groups); None when every group was big enough to show on its own.
    public: RoundResult | None = None
    folded: dict[str, str] = field(default_factory=dict)  # group key -> OTHER_GROUPS

    @property
    def published(self) -> RoundResult:
        """Return the result anyone but the facilitator may see."""
        return self.public or self.result

    def published_entries(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return paper or assisted entries as published: folded groups renamed, no notes."""
        return [
            {**entry, "group": self.folded.get(entry["group"], entry["group"]), "note": ""}
            for entry in entries
        ]
