"""The things a workshop is made of, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    """The stages a workshop moves through, in their usual order."""

    LOBBY = "lobby"
    PROPOSE = "propose"
    GROUP = "group"
    VOTE = "vote"
    RESULTS = "results"
    PLAN = "plan"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Return the stage's name as a person reads it."""
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.LOBBY: "Welcome",
    Stage.PROPOSE: "Share your ideas",
    Stage.GROUP: "Grouping ideas",
    Stage.VOTE: "Voting",
    Stage.RESULTS: "Results",
    Stage.PLAN: "Action planning",
    Stage.CLOSED: "Closed",
}


@dataclass(frozen=True)
class Group:
    """A stakeholder group an attendee may say they belong to."""

    key: str
    label: str


@dataclass(frozen=True)
class Timer:
    """A countdown shown on the wall and the phones; times in epoch milliseconds."""

    status: str = "idle"  # idle | running | paused
    duration_ms: int = 0
    ends_at: int | None = None
    remaining_ms: int | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the timer as the snapshot carries it."""
        return {
            "status": self.status,
            "duration_ms": self.duration_ms,
            "ends_at": self.ends_at,
            "remaining_ms": self.remaining_ms,
        }


@dataclass
class Workshop:
    """One live workshop, found by its short code."""

    id: int
    code: str
    title: str
    stage: Stage
    dots: int
    max_per_proposal: int
    groups: list[Group] = field(default_factory=list)
    proposals_revealed: bool = False
    results_revealed: bool = False
    timer: Timer = field(default_factory=Timer)
    version: int = 1
    place: str = ""
    held_on: date | None = None
    series_root_id: int | None = None
    follows_id: int | None = None
    plan_public: bool = False
    current_round_id: int | None = None
    results_view: str = "overall"  # what the wall shows of results: overall | groups | balanced
    pre_moderation: bool = False  # every new proposal waits for the facilitator
    wall_paused: bool = False  # the wall shows "We'll be back in a moment"
    language: str = "en"  # the wall's, the published plan's and the exports' language
    wall_language2: str | None = None  # a bilingual event's second wall language

    def group_keys(self) -> set[str]:
        """Return the keys attendees may pick."""
        return {group.key for group in self.groups}


@dataclass
class Proposal:
    """An idea put forward by an attendee or the facilitator."""

    id: int
    text: str
    participant_id: int | None = None
    hidden: bool = False
    merged_into: int | None = None
    priority_rank: int | None = None
    carried_points: int | None = None
    origin_id: int | None = None
    theme_id: int | None = None  # the theme it is grouped under (see domain/themes.py)


@dataclass
class Participant:
    """An attendee, known only by a random device id and an optional nickname."""

    id: int
    device_id: str
    name: str | None = None
    group: str | None = None
    removed: bool = False  # the facilitator removed them: refused, their votes not counted
