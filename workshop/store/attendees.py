"""Statements about attendees: seats, optional names and groups, head counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from workshop.domain.model import Participant
from workshop.store.head_counts import HeadCountStatements
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.schema import participants
from workshop.store.tallies import TallyStatements

_SEAT = select(
    participants.c.id,
    participants.c.device_id,
    participants.c.name,
    participants.c.group_key,
    participants.c.removed_at.is_not(None).label("removed"),
)
_ON_DEVICE = (
    participants.c.workshop_id == bindparam("workshop_id"),
    participants.c.device_id == bindparam("device_id"),
)
BY_DEVICE = Prepared(_SEAT.where(*_ON_DEVICE))
BY_DEVICE_FOR_UPDATE = Prepared(_SEAT.where(*_ON_DEVICE).with_for_update())
BY_ID = Prepared(_SEAT.where(participants.c.id == bindparam("id")))
BY_ID_FOR_UPDATE = Prepared(_SEAT.where(participants.c.id == bindparam("id")).with_for_update())
INSERT = inserting(participants, "workshop_id", "device_id", "name", "group_key", "joined_at")
UPDATE = updating(participants, "id", "name", "group_key")


def _participant(row: Any) -> Participant:
    return Participant(row.id, row.device_id, row.name, row.group_key, bool(row.removed))


class AttendeeStatements:
    """Reads and writes of the participants table."""

    def __init__(self, run: Runner, sums: TallyStatements, heads: HeadCountStatements) -> None:
        self.run = run
        self.sums = sums  # an attendee's dots follow their group and their removal
        self.heads = heads  # and so does the room's head count

    def find_participant(
        self, workshop_id: int, device_id: str, for_update: bool = False
    ) -> Participant | None:
        """Return the attendee with this device in this workshop, or None."""
        query = BY_DEVICE_FOR_UPDATE if for_update else BY_DEVICE
        row = self.run.first(query, workshop_id=workshop_id, device_id=device_id)
        return _participant(row) if row else None

    def get_participant(self, participant_id: int) -> Participant:
        """Load an attendee by id."""
        return _participant(self.run.one(BY_ID, id=participant_id))

    def lock_participant(self, participant_id: int) -> Participant:
        """Load an attendee and hold their row until commit, serialising their votes."""
        return _participant(self.run.one(BY_ID_FOR_UPDATE, id=participant_id))

    def insert_participant(
        self, workshop_id: int, device_id: str, name: str | None, group: str | None, now_ms: int
    ) -> int:
        """Insert an attendee and return the id."""
        self.heads.seated(workshop_id, group)
        return self.run.insert(
            INSERT,
            workshop_id=workshop_id,
            device_id=device_id,
            name=name,
            group_key=group,
            joined_at=now_ms,
        )

    def update_participant(self, participant_id: int, name: str | None, group: str | None) -> None:
        """Replace an attendee's optional name and group; their dots follow them to the group."""
        old = self.sums.person_key(participant_id)
        seat = self.heads.seat(participant_id)
        self.run.change(UPDATE, key_id=participant_id, set_name=name, set_group_key=group)
        self.sums.move_person(participant_id, old, self.sums.person_key(participant_id))
        self.heads.moved(seat, seat._replace(key=group or ""))

    def count_participants(self, workshop_id: int) -> int:
        """Return how many attendees joined, those taken out since included (the cap's count)."""
        counts = self.heads.counts(workshop_id).values()
        return sum(present + removed for present, removed in counts)

    def attendance(self, workshop_id: int) -> dict[str, int]:
        """Return how many attendees are in the room, per group key ('' for none)."""
        counts = self.heads.counts(workshop_id)
        return {key: present for key, (present, _removed) in counts.items() if present}

    def first_names(self, participant_ids: set[int]) -> dict[int, str | None]:
        """Return the optional names of these attendees."""
        if not participant_ids:
            return {}
        rows = self.run.core(
            select(participants.c.id, participants.c.name).where(
                participants.c.id.in_(sorted(participant_ids))
            )
        )
        return {int(row.id): row.name for row in rows}
