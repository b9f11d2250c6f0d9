"""A ready-made workshop replaying the Maidstone partnership review (shared/CONTEXT.md)."""

from __future__ import annotations

import random

from .domain.model import Stage
from .services import Created, WorkshopService

TITLE = "West Kent recovery partnership: two-year review"
GROUPS = ["People using the service", "Partner staff", "Community organisations"]

# (text, group number of its author); the first five become the priorities.
PROPOSALS = [
    ("A stronger community focus: take the programme beyond the three hub towns", 1),
    ("Review how the partners work together, and collaborate with community organisations", 2),
    ("Better communication inside the service and out to the wider community", 3),
    ("More, and more varied, ways for service users to shape and deliver the programme", 1),
    ("More training, personal development and support opportunities for service users", 1),
    ("Reach villages and smaller towns, not only Maidstone, Gravesend and Tonbridge", 3),
    ("Tell people what recovery looks like: newsletters, local radio, open days", 2),
    ("Volunteering and work placements as steps back into work", 1),
    ("Peer mentors who have been through recovery themselves", 1),
    ("Evening and weekend opening hours", 1),
    ("Help with housing alongside treatment", 3),
    ("A support group for families and carers", 3),
    ("Less paperwork at the first assessment", 1),
    ("Help with transport to reach the hubs", 1),
    ("Sport, arts and gardening as part of recovery", 2),
    ("Closer links with GPs and pharmacies", 2),
    ("Childcare during appointments", 1),
    ("Mentoring from local employers", 3),
    ("One shared referral form for all the partners", 2),
    ("A drop-in space in Tonbridge town centre", 1),
]
# Duplicates the facilitator merged during the grouping stage: absorbed -> survivor.
MERGES = {6: 1, 7: 3, 8: 5}
# How strongly attendees favour each proposal (by position), so the five priorities lead.
WEIGHTS = [9, 8, 7, 6, 6, 2, 2, 2, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 2, 1]
ATTENDEES = [1] * 10 + [2] * 8 + [3] * 6  # ten service users, eight staff, six community
NAMES = ["Sam", "", "Jo", "", "Alex", "Chris", "", "Pat", "", "Lee", "Dee", "Mo"]


def create_demo(service: WorkshopService, seed: int = 5) -> Created:
    """Create the demo workshop, voting under way, and return its code and token."""
    rng = random.Random(seed)
    created = service.create_workshop(TITLE, dots=5, max_per_proposal=3, groups=GROUPS)
    code = created.code
    people = []
    for index, group in enumerate(ATTENDEES):
        joined, _ = service.join(
            code, f"demo-device-{index:04d}", NAMES[index % len(NAMES)] or None, f"g{group}"
        )
        people.append((joined.participant_id, group))
    service.change_stage(code, Stage.PROPOSE)
    ids = []
    for number, (text, group) in enumerate(PROPOSALS):
        author = next(pid for pid, g in people[number % 7 :] if g == group)
        answer = service.submit_proposal(code, author, text, f"demo-proposal-{number}")
        ids.append(answer.ack["proposal_id"])
    service.change_stage(code, Stage.GROUP)
    for absorbed, survivor in MERGES.items():
        service.merge_proposals(code, ids[survivor - 1], ids[absorbed - 1])
    service.change_stage(code, Stage.VOTE)
    for pid, _group in people:
        for dot in range(5):
            for _try in range(10):
                choice = rng.choices(range(len(ids)), weights=WEIGHTS)[0]
                try:
                    service.cast_vote(code, pid, ids[choice], 1, f"demo-vote-{dot}-{_try}")
                    break
                except Exception:  # over the per-proposal limit: pick again
                    continue
    return created
