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
