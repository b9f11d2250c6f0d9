"""Rankings counted head to head (Schulze's method) and by position (Borda): pure functions.

Candidates are ints; a ballot weighs an int or an exact Fraction, so group-balanced
counts stay exact and ties are never lost to rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from workshop.domain.voting import RankedRow

Weight = int | Fraction
Pairwise = dict[tuple[int, int], Weight]


def listed(ranking: Sequence[int], allowed: set[int] | frozenset[int]) -> list[int]:
    """Return the ranking's candidates in order, keeping only allowed ones, each once."""
    seen: set[int] = set()
    kept: list[int] = []
    for candidate in ranking:
        if candidate in allowed and candidate not in seen:
            seen.add(candidate)
            kept.append(candidate)
    return kept


def pairwise(
    rankings: Iterable[tuple[Sequence[int], Weight]], candidates: Sequence[int]
) -> Pairwise:
    """Return d[a, b]: the total weight of ballots that rank a above b.

    A partial ranking puts its listed candidates above every unlisted one and says
    nothing between the unlisted ones; candidates not in `candidates` are ignored.
    """
    everyone = list(dict.fromkeys(candidates))
    allowed = set(everyone)
    d: Pairwise = {(a, b): 0 for a in everyone for b in everyone if a != b}
    for ranking, weight in rankings:
        order = listed(ranking, allowed)
        below = [c for c in everyone if c not in set(order)]
        for index, a in enumerate(order):
            for b in order[index + 1 :]:
                d[a, b] += weight
            for b in below:
                d[a, b] += weight
    return d


def strongest_paths(d: Mapping[tuple[int, int], Weight], candidates: Sequence[int]) -> Pairwise:
    """Return p[a, b]: the strength of the strongest (widest) path from a to b.

    A link a→b has strength d[a, b] when a beats b head to head and 0 otherwise, as in
    Schulze's paper; the widest paths come from a Floyd–Warshall pass.
    """
    everyone = list(dict.fromkeys(candidates))
    p: Pairwise = {}
    for a in everyone:
        for b in everyone:
            if a != b:
                ab, ba = d.get((a, b), 0), d.get((b, a), 0)
                p[a, b] = ab if ab > ba else 0
    for i in everyone:
        for j in everyone:
            if j == i:
                continue
            for k in everyone:
                if k not in (i, j):
                    p[j, k] = max(p[j, k], min(p[j, i], p[i, k]))
    return p


def schulze_ranking(
    d: Mapping[tuple[int, int], Weight], candidates: Sequence[int]
) -> list[RankedRow]:
    """Rank by Schulze's method: a beats b when p[a, b] > p[b, a]; points = how many a beats.

    Rows are ordered by how many candidates each beats. A new rank starts only where
    everyone above beats everyone below, so two candidates neither of which beats the
    other always share a rank and are marked tied; nothing is broken silently.
    """
    everyone = list(dict.fromkeys(candidates))
    p = strongest_paths(d, everyone)
    beats = {a: {b for b in everyone if b != a and p[a, b] > p[b, a]} for a in everyone}
    order = sorted(everyone, key=lambda a: (-len(beats[a]), a))
    groups: list[list[int]] = []
    current: list[int] = []
    for index, candidate in enumerate(order):
        current.append(candidate)
        above, below = order[: index + 1], order[index + 1 :]
        if all(b in beats[a] for a in above for b in below):
            groups.append(current)
            current = []
    rows: list[RankedRow] = []
    for group in groups:
        shared_rank = len(rows) + 1
        for candidate in group:
            rows.append(RankedRow(candidate, len(beats[candidate]), shared_rank, len(group) > 1))
    return rows


def condorcet_winner(d: Mapping[tuple[int, int], Weight], candidates: Sequence[int]) -> int | None:
    """Return the candidate who beats every other head to head, or None if nobody does."""
    everyone = list(dict.fromkeys(candidates))
    for c in everyone:
        if all(d.get((c, x), 0) > d.get((x, c), 0) for x in everyone if x != c):
            return c
    return None


def borda(
    rankings: Iterable[tuple[Sequence[int], Weight]], candidates: Sequence[int]
) -> dict[int, Weight]:
    """Return Borda scores: with n candidates, position i (from 1) earns n - i points.

    Only candidates in `candidates` take positions. An unranked candidate earns 0:
    standard Borda for full rankings, the "pessimistic" variant for partial ones (a
    short ranking gives its listed candidates no extra credit for the ones left out).
    """
    everyone = list(dict.fromkeys(candidates))
    allowed = set(everyone)
    n = len(everyone)
    scores: dict[int, Weight] = dict.fromkeys(everyone, 0)
    for ranking, weight in rankings:
        for index, candidate in enumerate(listed(ranking, allowed)):
            scores[candidate] += weight * (n - 1 - index)
    return scores
