"""Voting methods and their ballot rules: what a whole ballot may hold, checked before it counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeGuard

from workshop.domain.errors import N_, InvalidInput, NotFound, Phrase
from workshop.domain.model import Proposal
from workshop.domain.voting import counts_for


class Method(StrEnum):
    """The ways a round can be voted on."""

    DOTS = "dots"
    APPROVAL = "approval"
    RANKING = "ranking"
    POINTS = "points"

    @property
    def label(self) -> str:
        """Return the method's name as a person reads it."""
        return METHOD_LABELS[self]


METHOD_LABELS = {
    Method.DOTS: "Dot voting",
    Method.APPROVAL: "Approval",
    Method.RANKING: "Ranking",
    Method.POINTS: "Share 100 points",
}


@dataclass(frozen=True)
class RoundRules:
    """The settings of one vote round; the services check them when a round opens."""

    method: Method
    dots: int = 5  # dots per attendee (DOTS)
    max_per_proposal: int = 3  # DOTS: most dots on one proposal
    spend_all: bool = False  # DOTS: a ballot counts only once all its dots are placed
    top_k: int = 3  # RANKING: rank at most this many (at least 1)
    points_total: int = 100  # POINTS: points to share
    points_exact: bool = True  # POINTS: the ballot must use exactly points_total
    # None puts every visible proposal on the ballot; a set is this round's shortlist.
    proposal_ids: frozenset[int] | None = None
    # A round on themes: the ballot's items are themes (their ids in proposal_ids), not
    # ideas; ballots and tallies then name themes (see domain/themes.as_candidates).
    on_themes: bool = False


GONE = N_("That idea is no longer on the list: refresh and pick another.")
NOT_IN_ROUND = N_("That idea is not part of this round: pick one from the shortlist.")
TWICE = N_("You listed the same idea twice: list each idea once.")
MERGED_TWICE = N_("Two of the ideas you picked are now one idea (they were merged): list it once.")
PAPER_RANKING = N_(
    "A ranking cannot be counted from a chart or a show of hands: "
    "enter each paper ballot as an assisted ballot."
)
UNREADABLE = {
    Method.DOTS: N_(
        "A dot ballot says how many dots go on each idea: refresh the page and try again."
    ),
    Method.APPROVAL: N_(
        "An approval ballot is a list of the ideas you approve: refresh the page and try again."
    ),
    Method.RANKING: N_(
        "A ranking is a list of ideas, your favourite first: refresh the page and try again."
    ),
    Method.POINTS: N_(
        "A points ballot says how many points go on each idea: refresh the page and try again."
    ),
}
UNIT = {Method.DOTS: "dot", Method.APPROVAL: "vote", Method.POINTS: "point"}


PLURALS = {
    "dot": (N_("{count} dot"), N_("{count} dots")),
    "idea": (N_("{count} idea"), N_("{count} ideas")),
}


def plural(count: int, noun: str) -> Phrase:
    """Return "1 dot" or "3 dots", translated with the sentence it goes in."""
    one, many = PLURALS[noun]
    return Phrase(one if count == 1 else many, count=count)


def eligible(rules: RoundRules, proposals: Mapping[int, Proposal]) -> list[int]:
    """Return the visible survivors on this round's ballot, sorted by id.

    A shortlisted proposal merged since the shortlist was drawn is stood for by its
    survivor, so a merge never takes an idea off a run-off.
    """
    if rules.proposal_ids is None:
        return sorted(pid for pid in proposals if counts_for(pid, proposals) == pid)
    survivors = {counts_for(pid, proposals) for pid in rules.proposal_ids}
    return sorted(pid for pid in survivors if pid is not None)


def is_whole(value: object) -> TypeGuard[int]:
    """Return whether value is a plain int (a JSON true is not a count)."""
    return isinstance(value, int) and not isinstance(value, bool)


def read_id(value: object, method: Method) -> int:
    """Return a proposal id as sent, accepting the decimal strings JSON object keys become."""
    if is_whole(value):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise InvalidInput(UNREADABLE[method])


def fold_each(
    sent: Iterable[int], allowed: set[int], proposals: Mapping[int, Proposal]
) -> list[int]:
    """Return each sent id's survivor in order, refusing the gone, the absent and repeats."""
    folded: list[int] = []
    by_survivor: dict[int, int] = {}
    for pid in sent:
        survivor = counts_for(pid, proposals)
        if survivor is None:
            raise NotFound(GONE)
        if survivor not in allowed:
            raise InvalidInput(NOT_IN_ROUND)
        if survivor in by_survivor:
            raise InvalidInput(TWICE if by_survivor[survivor] == pid else MERGED_TWICE)
        by_survivor[survivor] = pid
        folded.append(survivor)
    return folded


def read_ids(choices: object, method: Method) -> list[int]:
    """Return a list ballot's ids, refusing anything but a list or tuple of ints."""
    if not isinstance(choices, list | tuple):
        raise InvalidInput(UNREADABLE[method])
    if not all(is_whole(pid) for pid in choices):
        raise InvalidInput(UNREADABLE[method])
    return list(choices)


def read_amounts(choices: object, method: Method, minimum: int) -> list[tuple[int, int]]:
    """Return a counted ballot's (id, amount) pairs, each amount a whole number >= minimum."""
    if not isinstance(choices, Mapping):
        raise InvalidInput(UNREADABLE[method])
    pairs: list[tuple[int, int]] = []
    for pid, amount in choices.items():
        if not is_whole(amount) or amount < minimum:
            least = "at least 1" if minimum else "0 or more"
            raise InvalidInput(
                "Each {value} count must be a whole number, {least}: check the numbers and "
                "try again.",
                value=UNIT[method],
                least=least,
            )
        pairs.append((read_id(pid, method), amount))
    return pairs


def fold_amounts(
    pairs: list[tuple[int, int]], allowed: set[int], proposals: Mapping[int, Proposal]
) -> dict[int, int]:
    """Return (id, amount) pairs keyed by survivor, refusing what fold_each refuses."""
    survivors = fold_each((pid for pid, _ in pairs), allowed, proposals)
    return {survivor: amount for survivor, (_, amount) in zip(survivors, pairs, strict=True)}


def check_ballot(
    rules: RoundRules, choices: object, proposals: Mapping[int, Proposal]
) -> tuple[int, ...] | dict[int, int]:
    """Return a whole ballot folded to survivor ids, or refuse all of it with a sentence.

    APPROVAL and RANKING ballots are lists of ids (approval returns them sorted,
    ranking in the order given); DOTS and POINTS ballots map ids to whole amounts.
    Long because each rule refuses with its own sentence, its numbers named for translation.
    """
    method = rules.method
    allowed = set(eligible(rules, proposals))
    if method is Method.APPROVAL:
        # Approving none is a real answer ("none of these"), so an empty list counts.
        return tuple(sorted(fold_each(read_ids(choices, method), allowed, proposals)))
    if method is Method.RANKING:
        sent = read_ids(choices, method)
        if not sent:
            raise InvalidInput("Rank at least 1 idea, your favourite first.")
        if len(sent) > rules.top_k:
            raise InvalidInput(
                "You can rank at most {value}: you ranked {count}, so leave the rest out.",
                value=plural(rules.top_k, "idea"),
                count=len(sent),
            )
        return tuple(fold_each(sent, allowed, proposals))
    pairs = read_amounts(choices, method, minimum=1)
    folded = fold_amounts(pairs, allowed, proposals)
    total = sum(folded.values())
    if method is Method.POINTS:
        if rules.points_exact and total != rules.points_total:
            raise InvalidInput(
                "Your points add up to {total}: share exactly {points_total}.",
                total=total,
                points_total=rules.points_total,
            )
        if total > rules.points_total:
            raise InvalidInput(
                "Your points add up to {total}: share at most {points_total}.",
                total=total,
                points_total=rules.points_total,
            )
        return folded
    most = max(folded.values(), default=0)
    if most > rules.max_per_proposal:
        raise InvalidInput(
            "You can put at most {value} on one idea, not {most}: spread the rest across others.",
            value=plural(rules.max_per_proposal, "dot"),
            most=most,
        )
    if total > rules.dots:
        raise InvalidInput(
            "This ballot places {value}: each person has {dots}, so take {most} off.",
            value=plural(total, "dot"),
            dots=rules.dots,
            most=total - rules.dots,
        )
    if rules.spend_all and total < rules.dots:
        raise InvalidInput(
            "This ballot places {value}: place all {dots} for it to count.",
            value=plural(total, "dot"),
            dots=rules.dots,
        )
    return folded


def check_paper_counts(
    rules: RoundRules, voters: object, counts: object, proposals: Mapping[int, Proposal]
) -> dict[int, int]:
    """Return a wall chart's or a show of hands' counts folded to survivors, or refuse them.

    The counts stand for `voters` people, so none may exceed what that many people
    could give; zero counts are dropped. Long because each check refuses with its own
    sentence, its numbers named for translation.
    """
    method = rules.method
    if method is Method.RANKING:
        raise InvalidInput(PAPER_RANKING)
    if not is_whole(voters) or voters < 1:
        raise InvalidInput("Say how many people the count stands for: 1 or more.")
    people = voters
    pairs = read_amounts(counts, method, minimum=0)
    allowed = set(eligible(rules, proposals))
    for pid, _ in pairs:
        survivor = counts_for(pid, proposals)
        if survivor is None:
            raise NotFound(GONE)
        if survivor not in allowed:
            raise InvalidInput(NOT_IN_ROUND)
    # A chart may list every proposal with 0 against some; only nonzero counts are
    # folded, so a zero on a since-merged proposal does not read as a repeat.
    folded = fold_amounts([pair for pair in pairs if pair[1]], allowed, proposals)
    total = sum(folded.values())
    who = Phrase(N_("1 person") if people == 1 else N_("{count} people"), count=people)
    who_has = Phrase(N_("1 person has") if people == 1 else N_("{count} people have"), count=people)
    if method is Method.DOTS:
        most = max(folded.values(), default=0)
        if most > people * rules.max_per_proposal:
            raise InvalidInput(
                "{most} dots on one idea is more than {who} can place there (at most "
                "{most2}): check the count.",
                most=most,
                who=who,
                most2=people * rules.max_per_proposal,
            )
        if total > people * rules.dots:
            raise InvalidInput(
                "These counts add up to {total} dots, but {who_has} only {most}: check the "
                "counts or the number of people.",
                total=total,
                who_has=who_has,
                most=people * rules.dots,
            )
    elif method is Method.APPROVAL:
        most = max(folded.values(), default=0)
        if most > people:
            raise InvalidInput(
                "{most} votes for one idea is more than the {who} voting: check the count.",
                most=most,
                who=who,
            )
    elif total > people * rules.points_total:
        raise InvalidInput(
            "These counts add up to {total} points, but {who_has} only {most}: "
            "check the counts or the number of people.",
            total=total,
            who_has=who_has,
            most=people * rules.points_total,
        )
    return folded
