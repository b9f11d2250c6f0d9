"""Statements of idempotency: the first answer to each request, so a retry counts once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select

from workshop.store.prepared import Prepared, Runner, inserting
from workshop.store.schema import command_log

FIND_ANSWER = Prepared(
    select(command_log.c.answer_json).where(
        command_log.c.actor == bindparam("actor"),
        command_log.c.request_id == bindparam("request_id"),
    )
)
RECORD_ANSWER = inserting(command_log, "actor", "request_id", "answer_json", "created_at")


class CommandStatements:
    """Reads and writes of the command log."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    def find_answer(self, actor: str, request_id: str) -> dict[str, Any] | None:
        """Return the answer already given to this request, or None."""
        found = self.run.value(FIND_ANSWER, actor=actor, request_id=request_id)
        return json.loads(found) if found else None

    def record_answer(
        self, actor: str, request_id: str, answer: dict[str, Any], now_ms: int
    ) -> None:
        """Remember the answer, in the same transaction as the change it answers."""
        self.run.insert(
            RECORD_ANSWER,
            actor=actor,
            request_id=request_id,
            answer_json=json.dumps(answer),
            created_at=now_ms,
        )
