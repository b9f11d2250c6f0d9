"""What each audience may see: the pure rendering of snapshots, tallies and `me`.

Phones, the wall and the console read the same loaded data; these tests check what
each is shown and, above all, what it is not: hidden proposals, results before they
are revealed, facilitators' notes, and attendees' names.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from workshop.domain.actions import Action, ActionStatus
from workshop.domain.counted import ASSISTED_LABEL, PAPER_SOURCES, Counted
from workshop.domain.methods import Method, RoundRules
from workshop.domain.model import Group, Participant, Proposal, Stage, Workshop
from workshop.domain.rounds import Round
from workshop.domain.tallies import Ballot, PaperCount, tally_round
from workshop.domain.voting import counts_for
from workshop.usecases.events import PROTOCOL_VERSION
from workshop.usecases.snapshots import (
    PARTICIPATION_KEYS,
    Loaded,
    me,
    participation_only,
    snapshot,
    tallies_by_audience,
    tally,
)

AUDIENCES = ("phone", "screen", "facilitator")
CODE = "K7P2QX"
TODAY = date(2026, 7, 1)
NOW_MS = 1_782_000_000_000
JOIN_URL = f"http://192.168.1.20:5000/w/{CODE}"
PAPER_NOTE = "Counted by Mrs Jones at table 3"
ASSISTED_NOTE = "Helped Bilbo Baggins, who reads braille"


def board() -> dict[int, Proposal]:
    """Proposals 1, 2 and 9 stand; everything else is hidden, merged or both.

    2 <- 4 <- 5 (a chain of merges); 2 <- 6 (hidden) <- 7; 3 (hidden) <- 8.
    """
    return {
        1: Proposal(1, "More buses", participant_id=10),
        2: Proposal(2, "A community focus", participant_id=11, priority_rank=1),
        3: Proposal(3, "Secret idea", participant_id=10, hidden=True),
        4: Proposal(4, "Go beyond the hub towns", merged_into=2),
        5: Proposal(5, "Swanley too", merged_into=4),
        6: Proposal(6, "Hidden rant", hidden=True, merged_into=2),
        7: Proposal(7, "Under the rant", merged_into=6),
        8: Proposal(8, "Under the secret", merged_into=3),
        9: Proposal(9, "Carried idea", priority_rank=2, carried_points=7),
    }


HIDDEN_TEXTS = ("Secret idea", "Hidden rant", "Under the rant", "Under the secret")
NAMES = {10: "Samwise Quarterby", 11: "Rosie Cotton"}


def make_workshop(**changes: Any) -> Workshop:
    return Workshop(
        1,
        CODE,
        "Partnership review",
        Stage.VOTE,
        5,
        3,
        groups=[Group("g1", "Staff"), Group("g2", "People using the service")],
        **changes,
    )


def counted_round(round_: Round, proposals: dict[int, Proposal]) -> Counted:
    """Count a round the way the store would hand it over: phones, a chart and a helper."""
    chart = PaperCount("g1", 3, {1: 4}, "wall_chart")
    assisted = Ballot(None, {2: 1}, "assisted")
    ballots = [Ballot("g1", {1: 2, 4: 1}), Ballot("g2", {2: 3}), assisted]
    result = tally_round(round_.rules, ballots, [chart], proposals)
    return Counted(
        round_,
        result,
        paper=[
            {
                "id": 1,
                "source": chart.source,
                "source_label": PAPER_SOURCES[chart.source],
                "group": "g1",
                "voters": chart.voters,
                "counts": {"1": 4},
                "note": PAPER_NOTE,
            }
        ],
        assisted=[
            {
                "id": 5,
                "source": "assisted",
                "source_label": ASSISTED_LABEL,
                "group": "",
                "counts": {"2": 1},
                "note": ASSISTED_NOTE,
            }
        ],
    )


def actions() -> dict[int, Action]:
    return {
        1: Action(
            1,
            2,
            "Open a monthly drop-in",
            owner="Recovery service",
            due_on=date(2026, 6, 30),
            status=ActionStatus.AGREED,
            participant_id=10,
            volunteers={10: True, 11: False},
        ),
        2: Action(2, 2, "A drop-in in Swanley", merged_into=1),
        3: Action(3, 9, "Print leaflets", status=ActionStatus.DROPPED),
        4: Action(4, 1, "Ask the council", due_on=date(2020, 1, 1), status=ActionStatus.DONE),
        5: Action(5, 3, "Act on the secret", participant_id=11, volunteers={11: True}),
    }


def loaded(
    proposals_revealed: bool = True,
    results_revealed: bool = False,
    wall_mode: str = "results",
    counted: bool = True,
) -> Loaded:
    proposals = board()
    first = Round(11, 1, RoundRules(Method.APPROVAL))
    current = Round(12, 2, RoundRules(Method.DOTS), wall_mode, runoff_of=11)
    return Loaded(
        make_workshop(proposals_revealed=proposals_revealed, results_revealed=results_revealed),
        proposals,
        current,
        counted_round(current, proposals) if counted else None,
        88,
        {"g1": 4, "g2": 2, "": 1},
        actions(),
        # The store hands over only names of helpers who chose to be named; a name
        # handed over anyway must still not be shown where its owner said no.
        dict(NAMES),
        None,
        [first, current],
        [counted_round(first, proposals)],
    )


def render(data: Loaded, audience: str) -> dict[str, Any]:
    return snapshot(data, audience, JOIN_URL, NOW_MS, TODAY)


def shown(state: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Return every proposal a snapshot shows, listed or inside a survivor's `merged`."""
    found: dict[int, dict[str, Any]] = {}
    for entry in state["proposals"]:
        assert entry["id"] not in found
        found[entry["id"]] = entry
        for child in entry["merged"]:
            assert child["id"] not in found
            found[child["id"]] = child
    return found


# -- proposals ----------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["phone", "screen"])
def test_revealed_proposals_show_what_stands_and_what_was_merged_into_it(audience: str) -> None:
    state = render(loaded(proposals_revealed=True), audience)
    assert [entry["id"] for entry in state["proposals"]] == [1, 2, 9]
    by_id = {entry["id"]: entry for entry in state["proposals"]}
    # The whole chain merged into 2 is listed, except what was hidden and what hangs under it.
    assert sorted(child["id"] for child in by_id[2]["merged"]) == [4, 5]
    assert by_id[1]["merged"] == [] and by_id[9]["merged"] == []
    assert state["proposal_count"] == 3


@pytest.mark.parametrize("audience", ["phone", "screen"])
def test_hidden_proposals_never_reach_phones_or_the_wall(audience: str) -> None:
    for revealed in (True, False):
        state = render(loaded(proposals_revealed=revealed), audience)
        text = json.dumps(state)
        for hidden in HIDDEN_TEXTS:
            assert hidden not in text
        assert set(shown(state)) <= {1, 2, 4, 5, 9}
        for entry in shown(state).values():
            assert "hidden" not in entry


@pytest.mark.parametrize("audience", ["phone", "screen"])
def test_before_the_reveal_only_the_priorities_are_shown(audience: str) -> None:
    state = render(loaded(proposals_revealed=False), audience)
    assert [entry["id"] for entry in state["proposals"]] == [2, 9]
    assert [entry["priority_rank"] for entry in state["proposals"]] == [1, 2]
    assert "More buses" not in json.dumps(state["proposals"])
    assert state["proposal_count"] == 3  # how many there are is never kept from the room
    assert state["proposals_revealed"] is False


@pytest.mark.parametrize("audience", ["phone", "screen"])
def test_a_hidden_proposal_with_a_priority_rank_stays_hidden(audience: str) -> None:
    data = loaded(proposals_revealed=False)
    data.proposals[3].priority_rank = 3  # ranked, then hidden
    assert [entry["id"] for entry in render(data, audience)["proposals"]] == [2, 9]


def test_the_console_sees_every_proposal_once_with_its_hidden_flag() -> None:
    for revealed in (True, False):
        state = render(loaded(proposals_revealed=revealed), "facilitator")
        assert [entry["id"] for entry in state["proposals"]] == [1, 2, 3, 9]
        everything = shown(state)
        assert sorted(everything) == list(range(1, 10))
        assert {pid for pid, entry in everything.items() if entry["hidden"]} == {3, 6}
        by_id = {entry["id"]: entry for entry in state["proposals"]}
        assert sorted(child["id"] for child in by_id[2]["merged"]) == [4, 5, 6, 7]
        assert [child["id"] for child in by_id[3]["merged"]] == [8]
        assert state["proposal_count"] == 3


def test_carried_points_appear_only_on_carried_proposals() -> None:
    for audience in AUDIENCES:
        by_id = {entry["id"]: entry for entry in render(loaded(), audience)["proposals"]}
        assert by_id[9]["carried_points"] == 7
        assert "carried_points" not in by_id[1] and "carried_points" not in by_id[2]


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", AUDIENCES)
def test_no_audience_learns_who_wrote_a_proposal_or_a_volunteers_surname(audience: str) -> None:
    state = render(loaded(results_revealed=True), audience)
    text = json.dumps(state)
    for word in ("Quarterby", "Rosie", "Cotton"):
        assert word not in text
    for entry in shown(state).values():
        assert "participant_id" not in entry
    helped = next(action for action in state["actions"] if action["id"] == 1)
    # Samwise offered help and chose to be named (first word only); Rosie chose not to be.
    assert helped["volunteer_names"] == ["Samwise"]
    assert helped["volunteers"] == 2
    for action in state["actions"]:
        assert "participant_id" not in action


def test_a_volunteer_without_a_name_is_counted_but_not_named() -> None:
    data = loaded()
    data.names = {10: None, 11: "   "}
    data.actions[1].volunteers = {10: True, 11: True}
    helped = next(a for a in render(data, "screen")["actions"] if a["id"] == 1)
    assert helped["volunteer_names"] == []
    assert helped["volunteers"] == 2


# -- actions ------------------------------------------------------------------------------


def test_phones_and_the_wall_get_neither_dropped_nor_absorbed_actions() -> None:
    for audience in ("phone", "screen"):
        listed = {a["id"]: a for a in render(loaded(), audience)["actions"]}
        assert sorted(listed) == [1, 4]
        assert listed[1]["merged"] == [{"id": 2, "text": "A drop-in in Swanley"}]


def test_the_console_gets_dropped_actions_too() -> None:
    listed = {a["id"]: a for a in render(loaded(), "facilitator")["actions"]}
    assert sorted(listed) == [1, 3, 4]
    assert listed[3]["status"] == "dropped" and listed[3]["status_label"] == "Dropped"


def test_an_action_shows_its_dates_and_whether_it_is_late() -> None:
    listed = {a["id"]: a for a in render(loaded(), "screen")["actions"]}
    assert listed[1]["due_on"] == "2026-06-30"
    assert listed[1]["due_label"] == "30 June 2026"
    assert listed[1]["overdue"] is True  # agreed, and due the day before TODAY
    assert listed[4]["overdue"] is False  # long past, but done
    assert listed[1]["status_label"] == "Agreed"


# -- tallies by audience -------------------------------------------------------------------


def test_phones_get_no_tally_until_results_are_revealed() -> None:
    assert render(loaded(results_revealed=False), "phone")["tally"] is None
    # A phone kept from results is loaded without a count at all.
    assert render(loaded(results_revealed=False, counted=False), "phone")["tally"] is None
    revealed = render(loaded(results_revealed=True), "phone")["tally"]
    assert revealed["results_hidden"] is False
    assert revealed["totals"] == {"1": 6, "2": 5, "9": 0}


def test_the_wall_shows_results_live_unless_participation_only() -> None:
    live = render(loaded(wall_mode="results"), "screen")["tally"]
    assert live["results_hidden"] is False and live["totals"]["1"] == 6
    hidden = render(loaded(wall_mode="participation"), "screen")["tally"]
    assert set(hidden) == {*PARTICIPATION_KEYS, "results_hidden"}
    assert hidden["results_hidden"] is True
    assert hidden["participation"]["voted"] == 6
    # Revealing results shows them on the wall whatever its mode.
    shown_after = render(loaded(wall_mode="participation", results_revealed=True), "screen")
    assert shown_after["tally"]["results_hidden"] is False


def test_the_console_always_sees_the_whole_tally_with_its_notes() -> None:
    for mode in ("results", "participation"):
        console = render(loaded(wall_mode=mode, results_revealed=False), "facilitator")["tally"]
        assert console["results_hidden"] is False
        assert console["paper"][0]["note"] == PAPER_NOTE
        assert console["assisted"][0]["note"] == ASSISTED_NOTE


@pytest.mark.parametrize("audience", ["phone", "screen"])
def test_notes_typed_with_paper_and_assisted_votes_reach_only_the_console(audience: str) -> None:
    state = render(loaded(results_revealed=True), audience)
    text = json.dumps(state)
    assert PAPER_NOTE not in text and ASSISTED_NOTE not in text
    assert [entry["note"] for entry in state["tally"]["paper"]] == [""]
    assert [entry["note"] for entry in state["tally"]["assisted"]] == [""]
    assert state["tally"]["paper"][0]["voters"] == 3  # the count itself is public


def test_tallies_by_audience_blanks_notes_for_all_but_the_console() -> None:
    """The live tally is counted once, with notes, and split here: the split must strip."""
    data = loaded()
    assert data.counted is not None
    full = tally(data.counted, 88, data.attendance, notes=True)
    public = tally(data.counted, 88, data.attendance, published=True)
    for mode in ("results", "participation"):
        round_ = Round(12, 2, RoundRules(Method.DOTS), mode)
        for revealed in (False, True):
            seen = tallies_by_audience(full, public, round_, revealed)
            assert seen["facilitator"] is full
            assert full["paper"][0]["note"] == PAPER_NOTE  # the console's copy is untouched
            assert full["assisted"][0]["note"] == ASSISTED_NOTE
            assert (seen["phone"] is None) is (not revealed)
            wall_full = revealed or mode == "results"
            screen = seen["screen"]
            assert screen is not None and screen["results_hidden"] is (not wall_full)
            for audience in ("phone", "screen"):
                text = json.dumps(seen[audience])
                assert PAPER_NOTE not in text and ASSISTED_NOTE not in text
            if wall_full:
                # Published: no note and no counts (issue #18), and a group too small to
                # show is "other" (issue #14).
                group = full["paper"][0]["group"]
                shown = public["folded_groups"] and group in public["folded_groups"]
                expected = {
                    **full["paper"][0],
                    "note": "",
                    "counts": {},
                    "group": "other" if shown else group,
                }
                assert screen["paper"][0] == expected


def test_participation_only_keeps_who_voted_and_nothing_to_anchor_on() -> None:
    data = loaded()
    assert data.counted is not None
    full = tally(data.counted, 88, data.attendance)
    part = participation_only(full)
    assert part == {
        "version": 88,
        "round_id": 12,
        "round_number": 2,
        "method": "dots",
        "voters": full["voters"],
        "participation": full["participation"],
        "results_hidden": True,
    }
    for word in ("More buses", "totals", "ranking", "paper"):
        assert word not in json.dumps(part)


def test_a_tally_counts_everyone_known_to_be_there() -> None:
    data = loaded()
    assert data.counted is not None
    view = tally(data.counted, 88, data.attendance)
    assert view["version"] == 88
    assert (view["round_id"], view["round_number"], view["method"]) == (12, 2, "dots")
    assert view["votes"] == sum(view["totals"].values()) == 11
    # 7 phones joined; 3 counted on a wall chart and 1 helped to vote have no phone.
    assert view["participation"] == {
        "joined": 7,
        "offline": 4,
        "voted": 6,
        "by_group": {
            "": {"joined": 1, "offline": 1, "voted": 1},
            "g1": {"joined": 4, "offline": 3, "voted": 4},
            "g2": {"joined": 2, "offline": 0, "voted": 1},
        },
    }
    assert view["results_hidden"] is False
    assert [entry["note"] for entry in view["paper"] + view["assisted"]] == ["", ""]
    noted = tally(data.counted, 88, data.attendance, notes=True)
    assert [entry["note"] for entry in noted["paper"] + noted["assisted"]] == [
        PAPER_NOTE,
        ASSISTED_NOTE,
    ]


def test_a_group_that_voted_without_anyone_joining_is_still_listed() -> None:
    data = loaded()
    assert data.counted is not None
    view = tally(data.counted, 1, {})
    assert view["participation"]["joined"] == 0
    assert view["participation"]["by_group"]["g1"] == {"joined": 0, "offline": 3, "voted": 4}


# -- the snapshot's frame -----------------------------------------------------------------


def test_the_snapshot_carries_its_frame_for_every_audience() -> None:
    for audience in AUDIENCES:
        state = render(loaded(), audience)
        assert state["protocol"] == PROTOCOL_VERSION
        assert state["audience"] == audience
        assert (state["code"], state["join_url"], state["server_time"]) == (CODE, JOIN_URL, NOW_MS)
        assert state["stage"] == "vote" and state["stage_label"] == "Voting"
        assert state["stages"][0] == "lobby" and state["stages"][-1] == "closed"
        assert state["joined"] == 7 and state["by_group"] == {"g1": 4, "g2": 2, "": 1}
        assert state["groups"][0] == {"key": "g1", "label": "Staff"}
        assert state["place"] == "" and state["held_on"] is None
        assert state["held_on_label"] == "" and state["series"] is None
        # dots and max_per_proposal are the current round's, not the workshop's defaults.
        assert (state["dots"], state["max_per_proposal"]) == (5, 3)
        assert state["round"]["id"] == 12 and state["round"]["runoff_of"] == 1
        assert state["round"]["proposal_ids"] == [1, 2, 9]


def test_only_the_console_keeps_earlier_rounds_results() -> None:
    for audience in ("phone", "screen"):
        rounds = render(loaded(results_revealed=True), audience)["rounds"]
        assert [r["number"] for r in rounds] == [1, 2]
        assert all("result" not in r for r in rounds)
    rounds = render(loaded(), "facilitator")["rounds"]
    assert rounds[0]["method"] == "approval" and rounds[0]["runoff_of"] is None
    assert rounds[1]["runoff_of"] == 1  # a run-off names its round by number
    assert rounds[0]["result"]["round_id"] == 11
    assert rounds[0]["result"]["paper"][0]["note"] == PAPER_NOTE
    assert "result" not in rounds[1]  # the current round's result is `tally`


def test_a_dated_workshop_shows_its_date_as_people_write_it() -> None:
    data = loaded()
    data.workshop.held_on = date(2026, 4, 15)
    data.workshop.place = "Gravesend"
    state = render(data, "phone")
    assert state["held_on"] == "2026-04-15"
    assert state["held_on_label"] == "Wednesday 15 April 2026"
    assert state["place"] == "Gravesend"


# -- a board of any shape -----------------------------------------------------------------


def every_board(size: int) -> Iterator[dict[int, Proposal]]:
    """Yield every board of `size` proposals: each merged into an earlier one or not (so
    no cycles), each hidden or not, each a priority or not.

    Enumerated rather than drawn by hypothesis: the boards are few enough to check them
    all, and drawing is upset by threads other tests leave using the global `random`.
    """
    ids = range(1, size + 1)
    for targets in itertools.product(*[[None, *range(1, pid)] for pid in ids]):
        for hidden in itertools.product([False, True], repeat=size):
            for ranked in itertools.product([False, True], repeat=size):
                yield {
                    pid: Proposal(
                        pid,
                        f"idea {pid}",
                        hidden=hidden[pid - 1],
                        merged_into=targets[pid - 1],
                        priority_rank=pid if ranked[pid - 1] else None,
                    )
                    for pid in ids
                }


def loaded_board(proposals: dict[int, Proposal], revealed: bool) -> Loaded:
    current = Round(1, 1, RoundRules(Method.DOTS))
    return Loaded(
        make_workshop(proposals_revealed=revealed),
        proposals,
        current,
        None,
        0,
        {},
        rounds=[current],
    )


def test_each_audience_sees_exactly_what_it_may_of_any_board() -> None:
    checked = 0
    for size in range(1, 5):
        for proposals in every_board(size):
            check_board(proposals)
            checked += 1
    assert checked == sum(math.factorial(n) * 4**n for n in range(1, 5))


def check_board(proposals: dict[int, Proposal]) -> None:
    counting = {pid for pid in proposals if counts_for(pid, proposals) is not None}
    standing = {pid for pid in counting if counts_for(pid, proposals) == pid}
    revealed = render(loaded_board(proposals, True), "phone")
    # A phone sees every proposal whose support counts, each once, and nothing hidden.
    assert set(shown(revealed)) == counting
    assert {entry["id"] for entry in revealed["proposals"]} == standing
    assert revealed["proposal_count"] == len(standing)
    before = render(loaded_board(proposals, False), "screen")
    assert {entry["id"] for entry in before["proposals"]} == {
        pid for pid in standing if proposals[pid].priority_rank is not None
    }
    console = render(loaded_board(proposals, True), "facilitator")
    # The console sees every proposal exactly once, flagged as it is.
    everything = shown(console)
    assert set(everything) == set(proposals)
    assert all(everything[pid]["hidden"] is proposals[pid].hidden for pid in proposals)


# -- me -----------------------------------------------------------------------------------


def test_my_dots_count_where_they_now_count() -> None:
    proposals = board()
    round_ = Round(12, 2, RoundRules(Method.DOTS, dots=5, max_per_proposal=3))
    mine = me(
        Participant(10, "d" * 22, "Samwise Quarterby", "g1"),
        round_,
        proposals,
        {1: 2, 4: 1, 3: 1},
        None,
        [],
        {},
    )
    # The dot on 4 follows its merge into 2; the dot on hidden 3 counts nowhere and is free.
    assert mine["my_votes"] == {"1": 2, "2": 1}
    assert mine["dots_left"] == 2
    assert mine["round_id"] == 12 and mine["my_ballot"] is None
    assert (mine["participant_id"], mine["group"]) == (10, "g1")


@pytest.mark.parametrize("method", [Method.APPROVAL, Method.RANKING, Method.POINTS])
def test_only_a_dot_round_has_dots_left(method: Method) -> None:
    round_ = Round(12, 2, RoundRules(method))
    mine = me(Participant(10, "d" * 22), round_, board(), {}, None, [])
    assert mine["dots_left"] == 0


def test_a_ranking_is_shown_folded_through_merges_and_hides() -> None:
    round_ = Round(12, 2, RoundRules(Method.RANKING))
    # 4 now counts for 2, so 2 again adds nothing; 3 is hidden.
    mine = me(Participant(10, "d" * 22), round_, board(), {}, (4, 2, 3, 1), [])
    assert mine["my_ballot"] == [2, 1]


def test_a_points_ballot_is_shown_summed_under_its_survivors() -> None:
    round_ = Round(12, 2, RoundRules(Method.POINTS))
    mine = me(Participant(10, "d" * 22), round_, board(), {}, {4: 30, 2: 20, 3: 50}, [])
    assert mine["my_ballot"] == {"2": 50}


def test_my_own_proposals_mark_hidden_ones_and_name_survivors() -> None:
    authored = [(1, "More buses", False, None), (3, "Secret", True, None), (4, "Beyond", False, 2)]
    round_ = Round(12, 2, RoundRules(Method.DOTS))
    mine = me(Participant(10, "d" * 22), round_, board(), {}, None, authored)
    # A hidden one stays on its author's own list, marked, so it does not vanish unsaid.
    assert mine["my_proposals"] == [
        {"id": 1, "text": "More buses", "merged_into": None, "hidden": False},
        {"id": 3, "text": "Secret", "merged_into": None, "hidden": True},
        {"id": 4, "text": "Beyond", "merged_into": 2, "hidden": False},
    ]


def test_my_offers_of_help_and_my_suggested_actions() -> None:
    round_ = Round(12, 2, RoundRules(Method.DOTS))
    rosie = me(Participant(11, "e" * 22), round_, board(), {}, None, [], actions())
    assert rosie["helping"] == {"1": {"show_name": False}, "5": {"show_name": True}}
    assert rosie["my_actions"] == [5]
    nobody = me(Participant(12, "f" * 22), round_, board(), {}, None, [], None)
    assert (nobody["helping"], nobody["my_actions"]) == ({}, [])


def test_me_never_carries_the_device_id() -> None:
    secret_device = "device-id-that-is-a-bearer-secret"
    round_ = Round(12, 2, RoundRules(Method.DOTS))
    mine = me(Participant(10, secret_device, "Sam"), round_, board(), {}, None, [], actions())
    assert secret_device not in json.dumps(mine)
