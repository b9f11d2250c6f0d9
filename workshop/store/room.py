"""Statements of a room's controls: the lock, the expected head count, joins and removals."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select

from workshop.store.head_counts import HeadCountStatements
from workshop.store.prepared import Prepared, Runner, updating
from workshop.store.schema import participants, proposals, room_settings
from workshop.store.tallies import TallyStatements


@dataclass(frozen=True)
class RoomSettings:
    """What the facilitator set for the room."""

    locked: bool = False
    expected: int | None = None


SETTINGS = Prepared(
    select(room_settings.c.locked, room_settings.c.expected).where(
        room_settings.c.workshop_id == bindparam("workshop_id")
    )
)
INSERT_SETTINGS = Prepared(  # keyed by workshop: no id of its own to give back
    insert(room_settings).values(
        workshop_id=bindparam("workshop_id"),
        locked=bindparam("locked"),
        expected=bindparam("expected"),
    )
)
UPDATE_SETTINGS = updating(room_settings, "workshop_id", "locked", "expected")
JOINED_SINCE = Prepared(
    select(func.count().label("n")).where(
        participants.c.workshop_id == bindparam("workshop_id"),
        participants.c.joined_at >= bindparam("since"),
    )
)
AUTHORED = Prepared(
    select(proposals.c.id, proposals.c.hidden).where(
        proposals.c.participant_id == bindparam("participant_id")
    )
)
MARK_REMOVED = updating(participants, "id", "removed_at", "removal_hid_json")
REMOVAL = Prepared(
    select(
        participants.c.workshop_id, participants.c.removed_at, participants.c.removal_hid_json
    ).where(participants.c.id == bindparam("id"))
)
REMOVED = Prepared(
    select(participants.c.id, participants.c.group_key)
    .where(
        participants.c.workshop_id == bindparam("workshop_id"),
        participants.c.removed_at.is_not(None),
    )
    .order_by(participants.c.removed_at)
)
NEWEST = Prepared(
    select(participants.c.id, participants.c.group_key, participants.c.joined_at)
    .where(
        participants.c.workshop_id == bindparam("workshop_id"),
        participants.c.removed_at.is_(None),
    )
    .order_by(participants.c.id.desc())
    .limit(bindparam("most"))
)


@dataclass(frozen=True)
class Removal:
    """An attendee's seat: their workshop and, if removed, the proposals the removal hid."""

    workshop_id: int
    removed: bool
    hid: list[int]


class RoomStatements:
    """Reads and writes of the room's settings and of removals."""

    def __init__(self, run: Runner, sums: TallyStatements, heads: HeadCountStatements) -> None:
        self.run = run
        self.sums = sums  # an attendee's dots follow their group and their removal
        self.heads = heads  # and so does the room's head count

    def settings_of(self, workshop_id: int) -> RoomSettings:
        """Return the room's settings (unlocked, no head count, until the facilitator sets them)."""
        row = self.run.first(SETTINGS, workshop_id=workshop_id)
        return RoomSettings(bool(row.locked), row.expected) if row else RoomSettings()

    def save_settings(self, workshop_id: int, settings: RoomSettings) -> None:
        """Store the room's settings."""
        values = {"locked": settings.locked, "expected": settings.expected}
        changed = self.run.change(
            UPDATE_SETTINGS,
            key_workshop_id=workshop_id,
            **{f"set_{k}": v for k, v in values.items()},
        )
        if changed == 0:
            self.run.change(INSERT_SETTINGS, workshop_id=workshop_id, **values)

    def joined_since(self, workshop_id: int, since_ms: int) -> int:
        """Return how many attendees joined at or after since_ms."""
        return int(self.run.value(JOINED_SINCE, workshop_id=workshop_id, since=since_ms))

    def authored_by(self, participant_id: int) -> list[tuple[int, bool]]:
        """Return (id, hidden) of every proposal an attendee wrote."""
        rows = self.run.rows(AUTHORED, participant_id=participant_id)
        return [(int(row.id), bool(row.hidden)) for row in rows]

    def mark_removed(self, participant_id: int, removed_at: int | None, hid: list[int]) -> None:
        """Record (or with None, clear) an attendee's removal and the proposals it hid.

        A removed attendee's dots leave the running sums, and come back with them.
        """
        old = self.sums.person_key(participant_id)
        seat = self.heads.seat(participant_id)
        self.run.change(
            MARK_REMOVED,
            key_id=participant_id,
            set_removed_at=removed_at,
            set_removal_hid_json=json.dumps(hid) if removed_at is not None else None,
        )
        self.sums.move_person(participant_id, old, self.sums.person_key(participant_id))
        self.heads.moved(seat, seat._replace(removed=removed_at is not None))

    def removal_of(self, participant_id: int) -> Removal | None:
        """Return the attendee's workshop and removal, or None if there is no such attendee."""
        row = self.run.first(REMOVAL, id=participant_id)
        if row is None:
            return None
        hid = json.loads(row.removal_hid_json or "[]") if row.removed_at is not None else []
        return Removal(int(row.workshop_id), row.removed_at is not None, [int(p) for p in hid])

    def removed_people(self, workshop_id: int) -> list[dict[str, object]]:
        """Return the removed attendees, for the console's undo list (never names: the
        console is often mirrored on the wall)."""
        rows = self.run.rows(REMOVED, workshop_id=workshop_id)
        return [{"participant_id": row.id, "group": row.group_key or ""} for row in rows]

    def newest_people(self, workshop_id: int, most: int) -> list[dict[str, object]]:
        """Return the attendees who joined last, newest first, for the console."""
        rows = self.run.rows(NEWEST, workshop_id=workshop_id, most=most)
        return [
            {"participant_id": row.id, "group": row.group_key or "", "joined_at": row.joined_at}
            for row in rows
        ]
