"""Queries of a room's controls: the lock, the expected head count, joins and removals."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from .schema import participants, proposals, room_settings


@dataclass(frozen=True)
class RoomSettings:
    """What the facilitator set for the room."""

    locked: bool = False
    expected: int | None = None


def settings_of(conn: Connection, workshop_id: int) -> RoomSettings:
    """Return the room's settings (unlocked, no head count, until the facilitator sets them)."""
    row = conn.execute(
        select(room_settings.c.locked, room_settings.c.expected).where(
            room_settings.c.workshop_id == workshop_id
        )
    ).first()
    return RoomSettings(bool(row[0]), row[1]) if row else RoomSettings()


def save_settings(conn: Connection, workshop_id: int, settings: RoomSettings) -> None:
    """Store the room's settings."""
    values = {"locked": settings.locked, "expected": settings.expected}
    changed = conn.execute(
        update(room_settings).where(room_settings.c.workshop_id == workshop_id).values(**values)
    )
    if changed.rowcount == 0:
        conn.execute(room_settings.insert().values(workshop_id=workshop_id, **values))


def joined_since(conn: Connection, workshop_id: int, since_ms: int) -> int:
    """Return how many attendees joined at or after since_ms."""
    query = select(func.count()).where(
        participants.c.workshop_id == workshop_id, participants.c.joined_at >= since_ms
    )
    return int(conn.execute(query).scalar_one())


def authored_by(conn: Connection, participant_id: int) -> list[tuple[int, bool]]:
    """Return (id, hidden) of every proposal an attendee wrote."""
    rows = conn.execute(
        select(proposals.c.id, proposals.c.hidden).where(
            proposals.c.participant_id == participant_id
        )
    )
    return [(int(pid), bool(hidden)) for pid, hidden in rows]


def mark_removed(
    conn: Connection, participant_id: int, removed_at: int | None, hid: list[int]
) -> None:
    """Record (or with None, clear) an attendee's removal and the proposals it hid."""
    conn.execute(
        update(participants)
        .where(participants.c.id == participant_id)
        .values(
            removed_at=removed_at,
            removal_hid_json=json.dumps(hid) if removed_at is not None else None,
        )
    )


def removal_of(conn: Connection, participant_id: int) -> tuple[int, list[int]] | None:
    """Return (workshop id, proposals hid) if the attendee is removed, else None."""
    row = conn.execute(
        select(
            participants.c.workshop_id, participants.c.removed_at, participants.c.removal_hid_json
        ).where(participants.c.id == participant_id)
    ).first()
    if row is None or row[1] is None:
        return None
    return int(row[0]), [int(pid) for pid in json.loads(row[2] or "[]")]


def workshop_of(conn: Connection, participant_id: int) -> int | None:
    """Return the workshop an attendee belongs to, or None if there is no such attendee."""
    found = conn.execute(
        select(participants.c.workshop_id).where(participants.c.id == participant_id)
    ).scalar()
    return int(found) if found is not None else None


def removed_people(conn: Connection, workshop_id: int) -> list[dict[str, object]]:
    """Return the removed attendees of a workshop, for the console's undo list.

    Never names: the console is often mirrored on the wall.
    """
    rows = conn.execute(
        select(participants.c.id, participants.c.group_key)
        .where(participants.c.workshop_id == workshop_id, participants.c.removed_at.is_not(None))
        .order_by(participants.c.removed_at)
    )
    return [{"participant_id": pid, "group": group or ""} for pid, group in rows]


def newest_people(conn: Connection, workshop_id: int, limit: int) -> list[dict[str, object]]:
    """Return the attendees who joined last, newest first, for the console."""
    rows = conn.execute(
        select(participants.c.id, participants.c.group_key, participants.c.joined_at)
        .where(participants.c.workshop_id == workshop_id, participants.c.removed_at.is_(None))
        .order_by(participants.c.id.desc())
        .limit(limit)
    )
    return [
        {"participant_id": pid, "group": group or "", "joined_at": joined}
        for pid, group, joined in rows
    ]
