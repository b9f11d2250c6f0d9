"""Use cases of run sheets (filled in below)."""

from __future__ import annotations

from .events import Answer
from .services import WorkshopService


class RunSheetService:
    """Follow a run sheet: start it, step through it, stop it."""

    def __init__(self, core: WorkshopService) -> None:
        self.core = core

    def start(self, code: str, name: str) -> Answer:
        raise NotImplementedError

    def step(self, code: str, action: str, index: int | None, to: int | None) -> Answer:
        raise NotImplementedError

    def stop(self, code: str) -> Answer:
        raise NotImplementedError
