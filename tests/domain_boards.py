"""Small proposal boards and a refusal helper shared by the domain tests."""

from __future__ import annotations

import pytest

from workshop.domain.errors import WorkshopError
from workshop.domain.model import Proposal


def refusal(error: type[WorkshopError], caught: pytest.ExceptionInfo[WorkshopError]) -> str:
    """Return the sentence of a refusal after checking it is exactly that kind of error."""
    assert type(caught.value) is error
    return caught.value.message


def proposals(*specs: tuple[int, int | None, bool]) -> dict[int, Proposal]:
    """Build proposals from (id, merged_into, hidden) triples."""
    return {
        pid: Proposal(pid, f"proposal {pid}", None, hidden, merged_into)
        for pid, merged_into, hidden in specs
    }


# 1, 2, 3, 4 standing; 5 merged into 2; 6 hidden; 7 merged into hidden 6.
BOARD = proposals(
    (1, None, False),
    (2, None, False),
    (3, None, False),
    (4, None, False),
    (5, 2, False),
    (6, None, True),
    (7, 6, False),
)
