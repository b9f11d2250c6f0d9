"""Words the server sends in English inside snapshots, which each page translates as it shows them.

A snapshot is shared by every phone (one per audience, coalesced), so it cannot be in
each person's language; pages look these words up in their catalogue (`W.t(label)`).
Listed here so the catalogues hold them and pages receive their translations.
"""

from __future__ import annotations

from workshop.domain.errors import N_

SNAPSHOT_WORDS = (
    # stages (Stage.label)
    N_("Welcome"),
    N_("Share your ideas"),
    N_("Grouping ideas"),
    N_("Voting"),
    N_("Results"),
    N_("Action planning"),
    N_("Closed"),
    # voting methods (Method.label)
    N_("Dot voting"),
    N_("Approval"),
    N_("Ranking"),
    N_("Share 100 points"),
    # action statuses (ActionStatus.label)
    N_("Proposed"),
    N_("Agreed"),
    N_("In progress"),
    N_("Done"),
    N_("Dropped"),
    # paper and assisted counts
    N_("Paper wall chart"),
    N_("Show of hands"),
    # what the author's phone says of a held idea (domain/review.py)
    N_("The facilitator will look at this."),
)
