"""The "how this was counted" note: the one place a method's technical names are said.

Everywhere else the wall, phones, the published page and the Markdown plan say what a
result means in plain words; this note names the methods for those who want them.
"""

from __future__ import annotations

from workshop.domain.errors import N_, Translate

NOTE_START = N_("How this was counted:")

_METHODS = {
    "dots": N_("by dot voting. An idea's score is the number of dots placed on it."),
    "approval": N_("by approval voting. An idea's score is the number of people who ticked it."),
    "ranking": N_(
        "by ranking. The points are a Borda count: with n ideas on the ballot, a first "
        "choice earns n-1 points, a second n-2 and an idea left out 0. The order when the "
        "ideas are compared two at a time is the Schulze method, and an idea ranked above "
        "every other by most people in those comparisons is called the Condorcet winner."
    ),
    "points": N_("by sharing points. An idea's score is the points people gave it."),
}
_GROUPS_EQUAL = N_(
    'When each group counts equally ("groups equal"), an idea\'s score is the average, '
    "over the groups that voted, of each group's score per person."
)


def how_counted(method: str, translate: Translate | None = None) -> str:
    """Return the note for a round's method, starting with NOTE_START (in a language)."""
    say = translate or (lambda text: text)
    return f"{say(NOTE_START)} {say(_METHODS.get(method, _METHODS['dots']))} {say(_GROUPS_EQUAL)}"
