"""Held for review: which new proposals wait for the facilitator, and what the queue holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workshop.domain.errors import N_, InvalidInput
from workshop.domain.personal_details import find_personal_details

PRE_MODERATION_REASON = N_("Every idea waits for you before it is shared.")
# What the author's phone says of an idea held or declined: never "rejected".
AUTHOR_SENTENCE = N_("The facilitator will look at this.")


class HeldStatus(StrEnum):
    """Where a held proposal is: waiting in the queue, or declined (kept from everyone)."""

    HELD = "held"
    DECLINED = "declined"


@dataclass(frozen=True)
class Hold:
    """Why a new proposal waits: the kind of detail seen ("" for pre-moderation) and a sentence."""

    kind: str
    reason: str
    start: int = 0  # where the detail is in the text, for the console to mark it
    end: int = 0


@dataclass(frozen=True)
class HeldProposal:
    """A proposal that only the facilitator sees until it is approved."""

    id: int
    text: str
    participant_id: int | None
    status: HeldStatus
    kind: str
    reason: str
    start: int
    end: int
    created_at: int

    def as_dict(self) -> dict[str, object]:
        """Return the entry as the facilitator's snapshot lists it."""
        return {
            "id": self.id,
            "text": self.text,
            "status": self.status.value,
            "kind": self.kind,
            "reason": self.reason,
            "mark": [self.start, self.end] if self.end > self.start else None,
            "created_at": self.created_at,
        }


def hold_for(text: str, pre_moderation: bool, this_year: int) -> Hold | None:
    """Return why a new proposal must wait for the facilitator, or None to share it at once.

    Personal details are named even under pre-moderation: the facilitator should see
    at a glance which waiting ideas need a closer look.
    """
    finding = find_personal_details(text, this_year)
    if finding is not None:
        return Hold(finding.kind, finding.reason, finding.start, finding.end)
    if pre_moderation:
        return Hold("", PRE_MODERATION_REASON)
    return None


PUBLIC_AT_ONCE = N_(
    "{reason} Suggested actions are shown to everyone at once: leave out names, phone "
    "numbers, emails and addresses and send it again, or tell the facilitator privately."
)


def check_shared_at_once(text: str, this_year: int) -> None:
    """Refuse text that is shown to everyone at once if it holds a personal detail.

    An attendee's suggested action goes straight onto the plan, with no queue to hold it
    in, so the person is asked to leave the detail out rather than have it on the wall.
    """
    finding = find_personal_details(text, this_year)
    if finding is not None:
        raise InvalidInput(PUBLIC_AT_ONCE, reason=finding.reason)
