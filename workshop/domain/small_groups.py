"""A minimum group size for published figures: small groups are folded into "other groups".

With one attendee in a stakeholder group, that group's column is exactly how that
person voted. A group with fewer than MIN_GROUP_SIZE voters in a round is therefore
shown only inside "other groups" wherever results are public (phones, wall, public
API, published pages, exports); the facilitator's console still sees every group. If
"other groups" would itself be too small, the smallest remaining groups join it until
it is not (or everything is pooled): otherwise the total minus the other columns
would give the small group's figures back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from workshop.domain.errors import N_
from workshop.domain.tallies import Ballot, PaperCount, group_key

MIN_GROUP_SIZE = 3
OTHER_GROUPS = "other"  # the key of the pooled column; never a group's own key (g1...g8, "")
OTHER_GROUPS_LABEL = N_("Other groups")
FOLDED_SENTENCE = N_(
    "Groups with fewer than 3 voters in a round are counted together under "
    "\u201cOther groups\u201d, so no one's vote can be picked out."
)
assert MIN_GROUP_SIZE == 3, "FOLDED_SENTENCE names the size"


def fold_map(voters_by_group: Mapping[str, int], least: int = MIN_GROUP_SIZE) -> dict[str, str]:
    """Return the groups to fold, each mapped to OTHER_GROUPS ({} if every group is big enough)."""
    sizes = {key: n for key, n in voters_by_group.items() if n > 0}
    small = {key for key, n in sizes.items() if n < least}
    if not small:
        return {}
    pooled = sum(sizes[key] for key in small)
    # Smallest first, so as little as possible is folded to make "other groups" big enough.
    for key, n in sorted(sizes.items(), key=lambda item: (item[1], item[0])):
        if pooled >= least:
            break
        if key not in small:
            small.add(key)
            pooled += n
    return dict.fromkeys(sorted(small), OTHER_GROUPS)


def fold_ballots(
    ballots: Sequence[Ballot], paper: Sequence[PaperCount], folded: Mapping[str, str]
) -> tuple[list[Ballot], list[PaperCount]]:
    """Return the ballots and paper counts with folded groups relabelled as other groups."""

    def relabel(group: str | None) -> str | None:
        return folded.get(group_key(group), group)

    return (
        [replace(ballot, group=relabel(ballot.group)) for ballot in ballots],
        [replace(sheet, group=relabel(sheet.group)) for sheet in paper],
    )
