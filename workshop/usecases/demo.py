"""A ready-made workshop replaying the Maidstone partnership review (shared/CONTEXT.md)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from workshop.domain.actions import ActionFields, ActionStatus
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.core import Created
from workshop.usecases.plans import Plans

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
# The themes the facilitator grouped the ideas under (proposal numbers, 1-based; merged
# ones follow their survivor), so the demo's wall, console and plan show themes too.
THEMES = {
    "Reaching more people": [1, 14, 20],
    "Partners working together": [2, 16, 19],
    "Telling people about recovery": [3],
    "A voice and a future for service users": [4, 5, 9, 15, 18],
    "Practical help": [10, 11, 12, 13, 17],
}
# How strongly attendees favour each proposal (by position), so the five priorities lead.
WEIGHTS = [9, 8, 7, 6, 6, 2, 2, 2, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 2, 1]
ATTENDEES = [1] * 10 + [2] * 8 + [3] * 6  # ten service users, eight staff, six community
NAMES = ["Sam", "", "Jo", "", "Alex", "Chris", "", "Pat", "", "Lee", "Dee", "Mo"]


def create_review(service: UseCases, seed: int = 5) -> tuple[Created, list[int]]:
    """Create the review meeting with votes cast; return it and the five priorities' ids."""
    rng = random.Random(seed)
    created = service.workshops.create_workshop(
        TITLE,
        dots=5,
        max_per_proposal=3,
        groups=GROUPS,
        place="Maidstone",
        held_on=date(2025, 3, 5),
    )
    code = created.code
    people = []
    for index, group in enumerate(ATTENDEES):
        joined, _ = service.workshops.join(
            code, f"demo-device-{index:04d}", NAMES[index % len(NAMES)] or None, f"g{group}"
        )
        people.append((joined.participant_id, group))
    service.facilitation.change_stage(code, Stage.PROPOSE)
    ids = []
    for number, (text, group) in enumerate(PROPOSALS):
        author = next(pid for pid, g in people[number % 7 :] if g == group)
        answer = service.workshops.submit_proposal(code, author, text, f"demo-proposal-{number}")
        ids.append(answer.ack["proposal_id"])
    service.facilitation.change_stage(code, Stage.GROUP)
    for absorbed, survivor in MERGES.items():
        service.facilitation.merge_proposals(code, ids[survivor - 1], ids[absorbed - 1])
    for heading, numbers in THEMES.items():
        chosen = [ids[n - 1] for n in numbers]
        service.themes.create_theme(code, heading, chosen, f"demo-theme-{heading}")
    service.facilitation.change_stage(code, Stage.VOTE)
    for pid, _group in people:
        for dot in range(5):
            for _try in range(10):
                choice = rng.choices(range(len(ids)), weights=WEIGHTS)[0]
                try:
                    service.workshops.cast_vote(
                        code, pid, ids[choice], 1, f"demo-vote-{dot}-{_try}"
                    )
                    break
                except Exception:  # over the per-proposal limit: pick again
                    continue
    # Six people without a smartphone put sticky dots on the paper wall chart.
    service.rounds.enter_paper(
        code,
        "wall_chart",
        "g1",
        6,
        {str(ids[0]): 8, str(ids[3]): 9, str(ids[4]): 7, str(ids[9]): 6},
        "Paper chart by the tea urn",
        "demo-paper-chart",
    )
    _ranking_round(service, code, people, ids)
    return created, ids[:5]


# Each group's order of preference among the five priorities (by position in PROPOSALS):
# service users put people's voice first, staff the partnership, community groups reach.
GROUP_ORDERS = {1: [0, 3, 4], 2: [1, 0, 2], 3: [0, 2, 1]}


def _ranking_round(
    service: UseCases, code: str, people: list[tuple[int, int]], ids: list[int]
) -> None:
    """Round 2: everyone ranks their top three of round 1's top eight; one person is helped."""
    answer = service.rounds.start_round(
        code, Method.RANKING, "demo-round-2", settings={"top_k": 3}, from_round=1, top=8
    )
    shortlist = service.audiences.snapshot(code, "facilitator")["round"]["proposal_ids"]
    others = [pid for pid in shortlist if pid not in ids[:5]]
    for index, (pid, group) in enumerate(people):
        choices = [ids[n] for n in GROUP_ORDERS[group]]
        if index % 3 == 2:  # people differ: some swap their second and third choice...
            choices[1], choices[2] = choices[2], choices[1]
        if index % 4 == 3:  # ...and some put something else third
            choices[2] = others[index % len(others)]
        service.rounds.cast_ballot(
            code, pid, answer.ack["round_id"], choices, f"demo-ranking-{pid}"
        )
    service.rounds.enter_assisted_ballot(
        code, "g1", [ids[0], ids[3], ids[4]], "Filled in with the facilitator", "demo-assisted"
    )


@dataclass(frozen=True)
class Demo:
    """The demo series: the review and its three town meetings, oldest first."""

    review: Created
    follow_ups: list[Created]


# (priority number, action, owner, due, partners, status) per town meeting, and what
# each meeting changed in the open actions it inherited (text -> new status).
TOWNS = [
    (
        "Gravesend",
        date(2025, 4, 15),
        [
            (
                1,
                "Monthly outreach sessions in Swanley and Dartford",
                "Recovery service, Gravesend hub",
                date(2025, 7, 31),
                "Dartford Borough Council; Swanley library",
                "agreed",
            ),
            (
                2,
                "A quarterly forum of the partners and community organisations",
                "Partnership manager",
                date(2025, 6, 30),
                "Kent Council for Voluntary Services",
                "agreed",
            ),
            (
                3,
                "A plain-English leaflet and a monthly newsletter",
                "Communications lead, NHS trust",
                date(2025, 5, 31),
                "Service user council",
                "in_progress",
            ),
            (
                4,
                "Service users on the interview panel for new staff",
                "HR, social-welfare charity",
                date(2025, 9, 1),
                "",
                "agreed",
            ),
            (
                5,
                "A peer-mentor training course with ten places",
                "Training team, research charity",
                date(2025, 9, 30),
                "North Kent College",
                "proposed",
            ),
        ],
        {},
    ),
    (
        "Tonbridge",
        date(2025, 4, 23),
        [
            (
                1,
                "A weekly drop-in at Tonbridge library",
                "Recovery service, Tonbridge hub",
                date(2025, 6, 2),
                "Tonbridge library; Citizens Advice",
                "agreed",
            ),
            (
                5,
                "Volunteer placements with local employers",
                "Employment adviser",
                date(2025, 10, 31),
                "Tonbridge Chamber of Commerce",
                "agreed",
            ),
        ],
        {"A plain-English leaflet and a monthly newsletter": "done"},
    ),
    (
        "Maidstone",
        date(2025, 4, 25),
        [
            (
                1,
                "A recovery walk and community day in Mote Park",
                "Service user council",
                date(2025, 8, 16),
                "Maidstone Borough Council; Mote Park rangers",
                "proposed",
            ),
            (
                3,
                "Stories of recovery on local radio",
                "Communications lead, NHS trust",
                date(2025, 7, 1),
                "KMFM; Maidstone Community Radio",
                "proposed",
            ),
        ],
        {"Service users on the interview panel for new staff": "in_progress"},
    ),
]


def create_demo(service: UseCases) -> Demo:
    """Create the Maidstone review and its follow-ups in Gravesend, Tonbridge and Maidstone.

    The review sits in its results with the five priorities marked; Gravesend and
    Tonbridge are closed with published plans; the Maidstone follow-up is planning live.
    """
    plans = service.plans
    review, priorities = create_review(service)
    service.facilitation.reveal_results(review.code, True)
    service.facilitation.change_stage(review.code, Stage.RESULTS)
    service.facilitation.set_priorities(review.code, priorities)
    plans.set_details(review.code, None, False, True)
    follow_ups = []
    previous = review
    for number, (town, held_on, actions, changes) in enumerate(TOWNS):
        meeting = plans.create_follow_up(
            previous.code, previous.token, f"Action planning in {town}", town, held_on
        )
        follow_ups.append(meeting)
        _plan_meeting(service, plans, meeting, number, actions, changes)
        previous = meeting
    return Demo(review, follow_ups)


def _plan_meeting(
    service: UseCases,
    plans: Plans,
    meeting: Created,
    number: int,
    actions: list[tuple[int, str, str, date, str, str]],
    changes: dict[str, str],
) -> None:
    code = meeting.code
    people = [
        service.workshops.join(
            code,
            f"demo-{number}-{i:04d}",
            NAMES[i % len(NAMES)] or None,
            f"g{ATTENDEES[i * 5 % len(ATTENDEES)]}",
        )[0].participant_id
        for i in range(9)
    ]
    service.facilitation.change_stage(code, Stage.PLAN)
    state = service.audiences.snapshot(code, "facilitator")
    by_rank = {p["priority_rank"]: p["id"] for p in state["proposals"] if p["priority_rank"]}
    for action in state["actions"]:
        if action["text"] in changes:
            fields = ActionFields(status=ActionStatus(changes[action["text"]]))
            plans.edit_action(code, action["id"], fields)
    for index, (rank, text, owner, due, partners, status) in enumerate(actions):
        if status == "proposed":  # an attendee's suggestion from a phone
            answer = plans.suggest_action(code, people[index], by_rank[rank], text, f"s{index}")
            plans.edit_action(
                code,
                answer.ack["action_id"],
                ActionFields(owner=owner, due_on=due, partners=partners),
            )
        else:
            fields = ActionFields(
                text=text, owner=owner, due_on=due, partners=partners, status=ActionStatus(status)
            )
            answer = plans.add_action(code, by_rank[rank], fields, f"a{index}")
        for helper in people[index : index + 2]:
            plans.volunteer(
                code, helper, answer.ack["action_id"], True, helper == people[0], f"h{index}"
            )
    if number < len(TOWNS) - 1:
        plans.set_details(code, None, False, True)
        service.facilitation.change_stage(code, Stage.CLOSED)
