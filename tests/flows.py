"""Drive a workshop through the use cases, for tests that need one in a given stage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop.domain.model import Stage
from workshop.usecases import UseCases


def workshop_with_proposals(
    service: UseCases, texts: list[str], attendees: int = 3, stage: Stage = Stage.VOTE
) -> tuple[str, list[int], list[int]]:
    """Create a workshop with attendees and proposals; return (code, attendees, proposals)."""
    created = service.workshops.create_workshop(
        "Review", dots=5, max_per_proposal=3, groups=["A", "B"]
    )
    people = [
        service.workshops.join(created.code, f"device-{i:012d}", None, "g1" if i % 2 else "g2")[
            0
        ].participant_id
        for i in range(attendees)
    ]
    service.facilitation.change_stage(created.code, Stage.PROPOSE)
    ids = [
        service.workshops.submit_proposal(created.code, people[i % attendees], text, f"p{i}").ack[
            "proposal_id"
        ]
        for i, text in enumerate(texts)
    ]
    service.facilitation.change_stage(created.code, stage)
    return created.code, people, ids


def console_and_phone(connect: Callable[..., Any], workshop: dict[str, Any]) -> tuple[Any, Any]:
    """Open the facilitator's console and one joined phone over the socket, with the
    workshop collecting ideas; return (console, phone)."""
    code = workshop["code"]
    facilitator = connect({"code": code, "token": workshop["facilitator_token"]})
    phone = connect()
    phone.emit("join_workshop", {"code": code}, callback=True)
    facilitator.emit("change_stage", {"stage": "propose"}, callback=True)
    return facilitator, phone
