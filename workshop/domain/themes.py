"""Themes: the facilitator's headings that group proposals (an affinity diagram).

A proposal names its theme; a theme is only ever dissolved, never deleted, so
dissolving one and restoring it is an undo like unmerging: the proposals that were
in it (and have not been moved since) come back with it. Ballots never mention a
theme: support by theme is read from the proposals' own tallies, so moving a
proposal after voting changes no ballot.

A theme's support is the SUM of its proposals' scores in the round's unit (dots,
approvals, points or Borda points), not a count of distinct supporters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workshop.domain.errors import N_, Conflict, InvalidInput, LimitReached, NotFound
from workshop.domain.model import Proposal
from workshop.domain.voting import counts_for

MAX_THEMES = 30
MAX_HEADING_LENGTH = 80
NO_THEME = N_("That theme does not exist in this workshop: refresh the console and try again.")


@dataclass(frozen=True)
class Theme:
    """A heading the facilitator groups proposals under."""

    id: int
    heading: str
    position: int  # columns on the wall run in this order
    dissolved: bool = False


@dataclass(frozen=True)
class Suggestion:
    """An attendee's idea of which theme a proposal belongs in; the facilitator decides."""

    id: int
    proposal_id: int
    heading: str
    participant_id: int
    status: str = "pending"  # pending | accepted | dismissed


def as_candidates(themes: Mapping[int, Theme]) -> dict[int, Proposal]:
    """Return the themes as the items of a round on themes, in the shape ballots count.

    A dissolved theme drops off the ballot and out of the tally like a hidden idea, and
    comes back with its votes when it is restored.
    """
    return {t.id: Proposal(t.id, t.heading, hidden=t.dissolved) for t in themes.values()}


def live(themes: Mapping[int, Theme]) -> list[Theme]:
    """Return the themes not dissolved, in wall order."""
    return sorted((t for t in themes.values() if not t.dissolved), key=lambda t: (t.position, t.id))


def theme_of(proposal: Proposal, themes: Mapping[int, Theme]) -> int | None:
    """Return the live theme a proposal sits in, or None."""
    theme = themes.get(proposal.theme_id) if proposal.theme_id is not None else None
    return None if theme is None or theme.dissolved else theme.id


def members(themes: Mapping[int, Theme], proposals: Mapping[int, Proposal]) -> dict[int, list[int]]:
    """Return each live theme's visible proposals (survivors of merges), by id.

    A proposal merged into another counts for its survivor, so only the survivor's
    theme matters; a hidden proposal belongs to no column while it is hidden.
    """
    found: dict[int, list[int]] = {theme.id: [] for theme in live(themes)}
    for proposal in proposals.values():
        if counts_for(proposal.id, proposals) != proposal.id:
            continue
        theme_id = theme_of(proposal, themes)
        if theme_id is not None:
            found[theme_id].append(proposal.id)
    return found


def support(
    totals: Mapping[int, int], themes: Mapping[int, Theme], proposals: Mapping[int, Proposal]
) -> dict[int, int]:
    """Return each live theme's support: the sum of its proposals' totals."""
    return {
        theme_id: sum(totals.get(pid, 0) for pid in ids)
        for theme_id, ids in members(themes, proposals).items()
    }


def check_heading(heading: str, themes: Mapping[int, Theme], renaming: int | None = None) -> None:
    """Refuse a heading another live theme already has (two columns alike confuse the room)."""
    wanted = heading.casefold()
    for theme in live(themes):
        if theme.id != renaming and theme.heading.casefold() == wanted:
            raise Conflict(
                'There is already a theme called "{heading}": move proposals into it instead.',
                heading=theme.heading,
            )


def check_new_theme(heading: str, themes: Mapping[int, Theme]) -> None:
    """Refuse a new theme over the limit or with a heading already taken."""
    if len(live(themes)) >= MAX_THEMES:
        raise LimitReached(
            "A workshop can have at most {max_themes} themes: merge or dissolve one first.",
            max_themes=MAX_THEMES,
        )
    check_heading(heading, themes)


def get_theme(theme_id: int, themes: Mapping[int, Theme]) -> Theme:
    """Return the theme with this id, or refuse with a sentence."""
    theme = themes.get(theme_id)
    if theme is None:
        raise NotFound(NO_THEME)
    return theme


def check_move(
    proposal_id: int,
    theme_id: int | None,
    proposals: Mapping[int, Proposal],
    themes: Mapping[int, Theme],
) -> None:
    """Refuse a move of a missing, hidden or merged proposal, or into a dissolved theme."""
    proposal = proposals.get(proposal_id)
    if proposal is None:
        raise NotFound("That proposal does not exist in this workshop.")
    if proposal.hidden:
        raise Conflict("That proposal is hidden: show it again before moving it into a theme.")
    if proposal.merged_into is not None:
        raise Conflict(
            "That proposal is merged into another one: move the one it is merged into instead."
        )
    if theme_id is not None and get_theme(theme_id, themes).dissolved:
        raise Conflict("That theme was dissolved: restore it first, or choose another theme.")


def check_order(theme_ids: list[int], themes: Mapping[int, Theme]) -> None:
    """Refuse a new column order that is not exactly the live themes."""
    if sorted(theme_ids) != sorted(theme.id for theme in live(themes)):
        raise InvalidInput("Give every theme exactly once, in the order the wall should show them.")


def spotlight_target(
    kind: str,
    target_id: int,
    proposals: Mapping[int, Proposal],
    themes: Mapping[int, Theme],
) -> None:
    """Refuse a spotlight on anything hidden, merged away, dissolved or unknown."""
    if kind == "theme":
        if get_theme(target_id, themes).dissolved:
            raise Conflict("That theme was dissolved: restore it before putting it on the wall.")
        return
    proposal = proposals.get(target_id)
    if proposal is None:
        raise NotFound("That proposal does not exist in this workshop.")
    if proposal.hidden:
        raise Conflict("A hidden proposal can never be shown on the wall: show it again first.")
    if counts_for(target_id, proposals) != target_id:
        raise Conflict("That proposal is merged into another one: spotlight the one it is in.")


def spotlight_order(
    kind: str, proposals: Mapping[int, Proposal], themes: Mapping[int, Theme]
) -> list[int]:
    """Return what "next" steps through: visible proposals theme by theme, or the themes."""
    if kind == "theme":
        return [theme.id for theme in live(themes)]
    grouped = members(themes, proposals)
    placed = {pid for ids in grouped.values() for pid in ids}
    ordered = [pid for theme in live(themes) for pid in grouped[theme.id]]
    rest = [pid for pid in proposals if counts_for(pid, proposals) == pid and pid not in placed]
    return ordered + rest


def step(order: list[int], current: int | None, direction: int) -> int:
    """Return the item after (or before) current in order, wrapping round; the first if none."""
    if not order:
        raise Conflict("There is nothing to put on the wall: every proposal is hidden or gone.")
    if current not in order:
        return order[0] if direction > 0 else order[-1]
    return order[(order.index(current) + direction) % len(order)]
