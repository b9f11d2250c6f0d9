"""Use cases that protect the people in the room: token rotation, deletion, retention."""

from __future__ import annotations

import logging
from pathlib import Path

from workshop.domain.tokens import hash_token, new_token
from workshop.usecases.core import Core

log = logging.getLogger(__name__)
DAY_MS = 24 * 60 * 60 * 1000


class Privacy:
    """What a facilitator or an operator does to keep attendees' data safe."""

    def __init__(self, core: Core, exports_dir: Path) -> None:
        self.core = core
        self.exports_dir = exports_dir

    def rotate_token(self, code: str, token: str) -> str:
        """Replace a (possibly leaked) facilitator token; the old one stops working at once."""
        self.core.check_facilitator(code, token)
        fresh = new_token()
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            tx.workshops.set_token_hash(workshop.id, hash_token(fresh))
        return fresh

    def delete_workshop(self, code: str, token: str) -> None:
        """Delete a workshop with everything people gave it, and its exported files."""
        self.core.check_facilitator(code, token)
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            tx.privacy.delete_workshop(workshop.id)
        # Every file name ends with the code (export.file_stem), whatever the title was.
        for suffix in (".md", ".csv", ".json", ".svg"):
            for path in self.exports_dir.glob(f"*{code.lower()}{suffix}"):
                if path.stem == code.lower() or path.stem.endswith(f"-{code.lower()}"):
                    path.unlink(missing_ok=True)

    def apply_retention(self, days: int) -> int:
        """Erase attendee data of workshops closed more than `days` ago; return how many."""
        cutoff = self.core.clock() - days * DAY_MS
        with self.core.store.transaction() as tx:
            erased = sum(
                1 for wid in tx.privacy.closed_before(cutoff) if tx.privacy.erase_attendees(wid)
            )
        if erased:
            log.info("erased attendee data of %d closed workshops", erased)
        return erased
