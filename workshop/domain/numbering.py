"""Proposal numbers: 1, 2, 3... in arrival order within a workshop, printed on paper ballots.

A number never changes (hiding or merging leaves a gap and nothing is ever deleted
but a whole workshop), so the number on a printed ballot is the one the facilitator
types in, whenever the ballot was printed.
"""

from __future__ import annotations

from collections.abc import Mapping

from workshop.domain.errors import N_, InvalidInput
from workshop.domain.model import Proposal

UNREADABLE = N_(
    "Ballots by number list the numbers printed beside the ideas, for example [3, 7] or "
    '{"3": 2}: check the paper and try again.'
)


def numbers(proposals: Mapping[int, Proposal]) -> dict[int, int]:
    """Return each proposal's number in its workshop."""
    return {pid: number for number, pid in enumerate(sorted(proposals), start=1)}


def _id_of(number: object, by_number: Mapping[int, int]) -> int:
    if isinstance(number, str) and number.isascii() and number.isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int):
        raise InvalidInput(UNREADABLE)
    if number not in by_number:
        raise InvalidInput(
            "There is no idea numbered {number} in this workshop: check the number on the paper.",
            number=number,
        )
    return by_number[number]


def from_numbers(choices: object, proposals: Mapping[int, Proposal]) -> object:
    """Return a ballot or count written with printed numbers as the same one with proposal ids."""
    by_number = {number: pid for pid, number in numbers(proposals).items()}
    if isinstance(choices, list):
        return [_id_of(number, by_number) for number in choices]
    if isinstance(choices, dict):
        return {_id_of(number, by_number): amount for number, amount in choices.items()}
    raise InvalidInput(UNREADABLE)
