"""Published tables add up: a two-round workshop's priorities ranked and counted from one
round, group columns that sum to the total, a chart in rank order, carried dots that say
their round, and ties listed one per line."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.exports import formats as export
from workshop.usecases import UseCases

TEXTS = [
    "Reach the villages beyond the three hub towns",
    "Better communication inside the service and out",
    "More training and support for service users",
    "Peer mentors in every town",
]

TOKENS: dict[str, str] = {}


def table_after(markdown: str, heading: str) -> tuple[list[str], list[list[str]]]:
    """Return the head and rows of the first Markdown table after `heading`."""
    part = markdown.split(heading, 1)[1]
    lines = [line for line in part.splitlines() if line.startswith("|")]
    block = []
    for line in part.splitlines()[part.splitlines().index(lines[0]) :]:
        if not line.startswith("|"):
            break
        block.append([cell.strip() for cell in line.strip("|").split("|")])
    return block[0], block[2:]


def two_rounds(service: UseCases) -> tuple[str, list[int], dict[str, Any]]:
    """Round 1 by dots puts C first; round 2, a ranking, puts A first. Priorities from round 2.

    Eighteen people: the same six voters three times over (two in each group and two who
    gave no group), so every group has at least 3 voters and is published on its own.
    """
    made = service.workshops.create_workshop(
        "Youth review", dots=5, max_per_proposal=3, groups=["A", "B"]
    )
    TOKENS[made.code] = made.token
    people = [
        service.workshops.join(made.code, f"device-{i:012d}", None, group)[0].participant_id
        for i, group in enumerate(["g1", "g1", "g2", "g2", None, None] * 3)
    ]
    service.facilitation.change_stage(made.code, Stage.PROPOSE)
    ids = [
        service.workshops.submit_proposal(made.code, people[0], text, f"p{i}").ack["proposal_id"]
        for i, text in enumerate(TEXTS)
    ]
    service.facilitation.change_stage(made.code, Stage.VOTE)
    dots = {0: [2, 2], 1: [2, 3], 2: [0, 0, 3], 3: [3, 3], 4: [2, 2, 2], 5: [1, 0, 0]}
    for person, voter in enumerate(people):
        for n, pid in enumerate(dots[person % 6]):
            service.workshops.cast_vote(made.code, voter, ids[pid], 1, f"d{person}-{n}")
    ranking = service.rounds.start_round(
        made.code, Method.RANKING, "r2", settings={"top_k": 3}
    ).ack["round_id"]
    orders = [[0, 1, 2], [0, 2, 1], [0, 3, 2], [1, 0, 2], [0, 1, 3], [2, 0, 1]]
    for person, voter in enumerate(people):
        order = orders[person % 6]
        service.rounds.cast_ballot(made.code, voter, ranking, [ids[i] for i in order], "b")
    tally = service.audiences.tally(made.code)["facilitator"]
    chosen = [row["proposal_id"] for row in tally["ranking"]][:3]
    service.facilitation.set_priorities(made.code, chosen)
    return made.code, ids, tally


def test_priorities_take_their_rank_and_numbers_from_the_same_round_and_groups_add_up(
    service: UseCases,
) -> None:
    code, ids, tally = two_rounds(service)
    document = service.documents.workshop(code)
    markdown = export.markdown(document)
    assert "Ranked by round 2 (Ranking): points from that round" in markdown
    head, rows = table_after(markdown, "## Priorities")
    assert head[:3] == ["Rank", "Priority", "Points"]
    assert head[3:] == ["A", "B", "No group given"]
    borda = {row["proposal_id"]: row["points"] for row in tally["ranking"]}
    texts = dict(zip(TEXTS, ids, strict=True))
    scores = []
    for row in rows:
        pid = texts[row[1]]
        assert float(row[2]) == borda[pid]  # the rank's own round, not round 1's dots
        assert sum(float(cell) for cell in row[3:]) == float(row[2]), row  # groups add up
        scores.append(float(row[2]))
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert scores == sorted(scores, reverse=True)
    # Round 1's dots do not fall in round 2's order (3 dots at rank 2, 18 at rank 3): showing
    # them beside round 2's ranks is the table that did not add up.
    chosen = [p for p in document["proposals"] if p["priority_rank"]]
    by_rank = sorted(chosen, key=lambda p: p["priority_rank"])
    assert [p["points"] for p in by_rank] == [12, 3, 18]
    # The text chart and the SVG follow the rank and show the same numbers.
    chart = markdown.split("```text", 1)[1].split("```", 1)[0]
    assert [float(line.split()[-1]) for line in chart.strip().splitlines()] == scores
    assert "Chart: points in round 2, in the order of the priorities." in markdown
    svg = export.svg_chart(document)
    drawn = re.findall(r'font-size="14">([0-9.]+)</text>', svg)
    assert [float(n) for n in drawn] == scores
    assert "Points in round 2" in svg and "Borda" not in svg


def test_every_round_table_has_a_no_group_column_that_makes_rows_add_up(service: UseCases) -> None:
    code, _, _ = two_rounds(service)
    markdown = export.markdown(service.documents.workshop(code))
    for heading in ("### Round 1: Dot voting", "### Round 2: Ranking"):
        head, rows = table_after(markdown, heading)
        groups = head.index("Rank, groups equal")
        assert head[3:groups] == ["A", "B", "No group given"], head
        for row in rows:
            assert sum(float(c) for c in row[3:groups]) == float(row[2]), (heading, row)


def test_dots_in_the_all_proposals_table_say_their_round(service: UseCases) -> None:
    code, _, _ = two_rounds(service)
    markdown = export.markdown(service.documents.workshop(code))
    assert "## All ideas\n\nRanked by the dots in round 1." in markdown


def test_a_follow_up_carries_dots_from_the_last_full_dot_round_and_says_which(
    service: UseCases,
) -> None:
    code, ids, _ = two_rounds(service)
    # A dot run-off of two proposals after the ranking: it must not zero everyone else.
    service.rounds.start_round(code, Method.DOTS, "r3", proposal_ids=[ids[1], ids[2]])
    plans = service.plans
    follow = plans.create_follow_up(code, TOKENS[code], "Gravesend follow-up", "Gravesend", None)
    document = service.documents.workshop(follow.code)
    carried = {p["text"]: p["carried_points"] for p in document["proposals"]}
    first = service.documents.workshop(code)
    dots = {p["text"]: p["points"] for p in first["proposals"] if p["priority_rank"]}
    assert carried == dots and all(carried.values())
    markdown = export.markdown(document)
    assert "Dots carried: counted in round 1 at Youth review." in markdown


def test_a_follow_up_shows_its_ranks_beside_the_numbers_of_the_round_that_gave_them(
    service: UseCases,
) -> None:
    code, ids, tally = two_rounds(service)
    follow = service.plans.create_follow_up(code, TOKENS[code], "Gravesend", "Gravesend", None)
    document = service.documents.workshop(follow.code)
    markdown = export.markdown(document)
    assert "Ranked at Youth review by round 2 (Ranking): points from that round" in markdown
    head, rows = table_after(markdown, "## Priorities")
    assert head[:3] == ["Rank", "Priority", "Points"] and head[-1] == "Dots carried"
    borda = {row["proposal_id"]: row["points"] for row in tally["ranking"]}
    texts = dict(zip(TEXTS, ids, strict=True))
    points = [float(row[2]) for row in rows]
    assert points == [borda[texts[row[1]]] for row in rows]  # round 2's, not round 1's dots
    assert points == sorted(points, reverse=True) and [r[0] for r in rows] == ["1", "2", "3"]
    for row in rows:  # the groups of round 2 add up to its points
        assert sum(float(c) for c in row[3:-1]) == float(row[2]), row
    # The carried dots (round 1's) are a column of their own, and the chart follows the rank.
    assert [int(row[-1]) for row in rows] == [12, 3, 18]
    assert "Chart: points in round 2 at Youth review, in the order of the priorities." in markdown
    chart = markdown.split("```text", 1)[1].split("```", 1)[0]
    assert [float(line.split()[-1]) for line in chart.strip().splitlines()] == points


def test_a_tie_is_listed_one_proposal_per_line(service: UseCases) -> None:
    made = service.workshops.create_workshop("Ties", dots=2, max_per_proposal=2, groups=[])
    person = service.workshops.join(made.code, "device-000000000001")[0].participant_id
    service.facilitation.change_stage(made.code, Stage.PROPOSE)
    ids = [
        service.workshops.submit_proposal(made.code, person, text, f"p{i}").ack["proposal_id"]
        for i, text in enumerate(TEXTS)
    ]
    service.facilitation.change_stage(made.code, Stage.VOTE)
    for n, pid in enumerate(ids[:2]):
        service.workshops.cast_vote(made.code, person, pid, 1, f"v{n}")
    markdown = export.markdown(service.documents.workshop(made.code))
    assert f"Tied in round 1, with the same score:\n\n- {TEXTS[0]}\n- {TEXTS[1]}\n" in markdown


def test_the_svg_chart_keeps_a_quote_in_an_earlier_meetings_place_inside_its_attribute(
    service: UseCases,
) -> None:
    code, _, _ = two_rounds(service)
    follow = service.plans.create_follow_up(code, TOKENS[code], "Next", "Gravesend", None)
    document = service.documents.workshop(follow.code)
    document["ranked_at"]["place"] = 'x" onload="alert(1)'  # typed by an organiser
    root = ElementTree.fromstring(export.svg_chart(document))  # it still parses
    assert "onload" not in root.attrib  # the quote did not end the attribute
    assert 'at x" onload="alert(1)' in root.attrib["aria-label"]
