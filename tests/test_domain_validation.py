"""Payload checks at the edge: each accepts what it should, normalised, and refuses the rest
with a sentence that says what to send instead."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain_boards import refusal
from workshop.domain import validation as valid
from workshop.domain.actions import ActionFields, ActionStatus
from workshop.domain.errors import InvalidInput

quick = settings(database=None, deadline=None, max_examples=300)


def refused(check: Any, *args: Any) -> str:
    """Return the sentence a check refuses with (an InvalidInput and nothing else)."""
    with pytest.raises(InvalidInput) as caught:
        check(*args)
    return refusal(InvalidInput, caught)


# -- the payload --------------------------------------------------------------------------


def test_a_payload_must_be_a_json_object() -> None:
    data = {"a": 1}
    assert valid.payload_dict(data) is data
    for bad in (None, [], "text", 3, ["a"]):
        assert refused(valid.payload_dict, bad) == (
            "The request was not understood: send a JSON object."
        )


# -- text ---------------------------------------------------------------------------------


def test_text_is_trimmed_and_kept() -> None:
    assert valid.clean_text("  More buses \n", "proposal", 500) == "More buses"
    assert valid.clean_text("line one\n\tline two", "proposal", 500) == "line one\n\tline two"


def test_control_private_and_unassigned_characters_are_dropped() -> None:
    assert valid.clean_text("a\x00b\x07c\x1bd\r\x7f", "name", 40) == "abcd"
    assert valid.clean_text("a\ue000b", "name", 40) == "ab"  # private use
    assert valid.clean_text("a\U000e0080b", "name", 40) == "ab"  # unassigned


def test_direction_overrides_are_dropped_but_joiners_stay() -> None:
    # "\u202e" would show "evil\u202eexe.txt" as "eviltxt.exe".
    assert valid.clean_text("evil\u202eexe.txt", "proposal", 500) == "evilexe.txt"
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        assert valid.clean_text(f"a{control}b", "proposal", 500) == "ab"
    # Persian needs the zero-width non-joiner; emoji sequences need the joiner.
    assert valid.clean_text("می\u200cخواهم", "proposal", 500) == "می\u200cخواهم"
    family = "\U0001f469\u200d\U0001f467"
    assert valid.clean_text(family, "proposal", 500) == family


def test_text_is_stored_composed_and_measured_composed() -> None:
    decomposed = "Cafe\u0301"  # five code points, four letters
    assert valid.clean_text(decomposed, "name", 4) == "Caf\u00e9"


def test_text_made_only_of_what_is_dropped_counts_as_empty() -> None:
    assert refused(valid.clean_text, " \u202e\x00\n ", "proposal", 500) == (
        "The proposal is empty: write something first."
    )


def test_text_refusals_name_the_field() -> None:
    assert refused(valid.clean_text, "", "proposal", 500) == (
        "The proposal is empty: write something first."
    )
    assert refused(valid.clean_text, 5, "name", 40) == "The name must be text."
    assert refused(valid.clean_text, None, "name", 40) == "The name must be text."
    assert refused(valid.clean_text, "x" * 41, "name", 40) == (
        "The name is too long: keep it under 40 characters (it has 41)."
    )


def test_optional_text_may_be_missing_or_empty() -> None:
    assert valid.clean_text(None, "note", 10, required=False) == ""
    assert valid.clean_text("  ", "note", 10, required=False) == ""
    assert refused(valid.clean_text, 3, "note", 10, False) == "The note must be text."


def test_the_limit_is_inclusive() -> None:
    assert valid.clean_text("x" * 40, "name", 40) == "x" * 40


@quick
@given(st.text(max_size=60))
def test_what_text_passes_is_clean_bounded_and_stable(raw: str) -> None:
    try:
        cleaned = valid.clean_text(raw, "proposal", 30)
    except InvalidInput:
        return
    assert 0 < len(cleaned) <= 30
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    # No invisible format character survives (bidi overrides, zero-width, tags), except
    # the joiners emoji need and the tags inside a subdivision flag (issue #14).
    flags = "".join(valid.FLAG_SEQUENCE.findall(cleaned))
    for ch in cleaned:
        if unicodedata.category(ch) == "Cf":
            assert ch in valid.KEPT_FORMAT or ch in flags, repr(ch)
    for ch in cleaned:
        assert ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    assert valid.clean_text(cleaned, "proposal", 30) == cleaned  # cleaning twice changes nothing


@quick
@given(st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=40))
def test_ordinary_text_survives_apart_from_its_outer_spaces(raw: str) -> None:
    expected = unicodedata.normalize("NFC", raw.strip())
    if expected:
        assert valid.clean_text(raw, "proposal", 40) == expected


# -- codes, device ids, request ids ------------------------------------------------------


def test_a_code_is_taken_as_typed_and_normalised() -> None:
    assert valid.code("k7p-2qx") == "K7P2QX"
    assert valid.code(" K7P 2QX ") == "K7P2QX"


@pytest.mark.parametrize("bad", ["K7P2Q", "K7P2QXZ", "K0P2QX", "K7P2QI", "", "K7P.2Q"])
def test_a_code_of_the_wrong_shape_is_refused(bad: str) -> None:
    assert refused(valid.code, bad) == (
        "That is not a join code: it has six letters and numbers, as shown on the screen."
    )


@pytest.mark.parametrize("bad", [None, 123456, ["K7P2QX"], "K7P2QX" + " " * 15])
def test_something_that_is_not_a_typed_code_is_refused(bad: object) -> None:
    # A string longer than 20 is refused before any normalising work is done on it.
    assert refused(valid.code, bad) == "Type the six-character join code shown on the screen."


def test_a_device_id_is_optional_but_checked_when_given() -> None:
    good = "abcDEF0123456789_-"
    assert valid.device_id(good) == good
    assert valid.device_id(None) is None
    assert valid.device_id("") is None
    sentence = "This phone's id is not valid: reload the page to get a new one."
    for bad in ("short", "x" * 65, "a" * 15 + ".", 1234567890123456, ["a" * 16]):
        assert refused(valid.device_id, bad) == sentence


@pytest.mark.parametrize(
    ("check", "value"),
    [(valid.device_id, "a" * 16 + "\n"), (valid.request_id, "r-1\n")],
)
def test_an_id_with_a_trailing_newline_is_refused(check: Any, value: str) -> None:
    with pytest.raises(InvalidInput):
        check(value)


def test_a_request_id_is_1_to_64_safe_characters() -> None:
    for good in ("r", "a" * 64, "vote-1.2:3_x", "01HZX"):
        assert valid.request_id(good) == good
    sentence = "Each command needs a request_id of 1 to 64 letters, digits or -_.: characters."
    for bad in (None, "", "a" * 65, "has space", "semi;colon", "é", 7, ["r"]):
        assert refused(valid.request_id, bad) == sentence


# -- numbers and flags --------------------------------------------------------------------


def test_an_integer_must_be_whole_and_within_its_bounds() -> None:
    assert valid.integer(1, "dots", 1, 20) == 1
    assert valid.integer(20, "dots", 1, 20) == 20
    assert refused(valid.integer, 0, "dots", 1, 20) == "The dots must be between 1 and 20."
    assert refused(valid.integer, 21, "dots", 1, 20) == "The dots must be between 1 and 20."
    for bad in (True, False, 2.0, "3", None):
        assert refused(valid.integer, bad, "dots", 1, 20) == "The dots must be a whole number."


@quick
@given(st.integers(), st.integers(-50, 50), st.integers(-50, 50))
def test_an_integer_passes_exactly_when_it_is_within_bounds(n: int, low: int, high: int) -> None:
    if low <= n <= high:
        assert valid.integer(n, "count", low, high) == n
    else:
        with pytest.raises(InvalidInput):
            valid.integer(n, "count", low, high)


def test_a_proposal_id_is_a_positive_32_bit_number() -> None:
    assert valid.proposal_id(1) == 1
    assert valid.proposal_id(valid.MAX_ID) == 2**31 - 1
    for bad in (0, -1, valid.MAX_ID + 1, True, 1.0, "1", None):
        assert refused(valid.proposal_id, bad) == (
            "The proposal_id must be the number of a proposal."
        )


def test_an_id_of_another_thing_names_it_with_its_article() -> None:
    assert refused(valid.proposal_id, 0, "action_id", "action") == (
        "The action_id must be the number of an action."
    )
    assert refused(valid.proposal_id, 0, "round_id", "round") == (
        "The round_id must be the number of a round."
    )


def test_an_optional_id_may_be_missing() -> None:
    assert valid.optional_id(None, "action_id") is None
    assert valid.optional_id(5, "action_id") == 5
    assert refused(valid.optional_id, 0, "action_id") == (
        "The action_id must be the number of an action."
    )
    assert refused(valid.optional_id, "5", "round_id") == (
        "The round_id must be the number of a round."
    )


def test_a_flag_is_a_json_boolean() -> None:
    assert valid.boolean(True, "hidden") is True
    assert valid.boolean(False, "hidden") is False
    for bad in (1, 0, "true", None):
        assert refused(valid.boolean, bad, "hidden") == (
            "The hidden setting must be true or false."
        )


# -- labels, groups, lists ----------------------------------------------------------------


def test_an_optional_label_keeps_clears_or_sets() -> None:
    assert valid.optional_label(None, "place", 80) is None  # keep the old value
    assert valid.optional_label("", "place", 80) == ""  # clear it
    assert valid.optional_label("  Gravesend ", "place", 80) == "Gravesend"
    assert refused(valid.optional_label, "x" * 81, "place", 80) == (
        "The place is too long: keep it under 80 characters (it has 81)."
    )
    assert refused(valid.optional_label, 1, "place", 80) == "The place must be text."


def test_groups_are_a_list_of_distinct_names() -> None:
    assert valid.group_labels(None) == []
    assert valid.group_labels([" Staff ", "People using the service"]) == [
        "Staff",
        "People using the service",
    ]
    assert refused(valid.group_labels, "Staff") == "Groups must be a list of names."
    assert refused(valid.group_labels, ["Staff", "staff "]) == (
        "Each stakeholder group must have a different name."
    )
    assert refused(valid.group_labels, ["Staff", ""]) == (
        "The group name is empty: write something first."
    )
    assert refused(valid.group_labels, ["Staff", 3]) == "The group name must be text."
    assert refused(valid.group_labels, ["x" * 61]) == (
        "The group name is too long: keep it under 60 characters (it has 61)."
    )


def test_at_most_eight_groups() -> None:
    eight = [f"Group {i}" for i in range(8)]
    assert valid.group_labels(eight) == eight
    assert refused(valid.group_labels, [*eight, "Group 8"]) == ("Use at most 8 stakeholder groups.")


def test_priorities_are_a_list_of_at_most_100_proposal_ids() -> None:
    assert valid.proposal_ids([]) == []
    assert valid.proposal_ids([3, 1, 2]) == [3, 1, 2]  # order is the priority order
    assert valid.proposal_ids(list(range(1, 101))) == list(range(1, 101))
    sentence = "The priorities must be a list of idea numbers."
    assert refused(valid.proposal_ids, list(range(1, 102))) == sentence
    assert refused(valid.proposal_ids, {"1": 1}) == sentence
    assert refused(valid.proposal_ids, None) == sentence
    assert refused(valid.proposal_ids, [1, "2"]) == (
        "The proposal_id must be the number of a proposal."
    )


# -- dates and actions --------------------------------------------------------------------


def test_a_due_date_is_unchanged_cleared_or_set() -> None:
    assert valid.due_date(None) is False  # not sent: leave the date as it is
    assert valid.due_date("") is None  # sent empty: clear it
    assert valid.due_date(" 2026-06-30 ") == date(2026, 6, 30)


@pytest.mark.parametrize(
    "bad", ["30/06/2026", "2026-02-30", "2026-6-30", "1999-12-31", "2101-01-01", 20260630]
)
def test_a_due_date_not_written_year_month_day_is_refused(bad: object) -> None:
    assert refused(valid.due_date, bad) == (
        "Write the due date as year-month-day, for example 2026-06-30."
    )


def test_a_date_refusal_names_the_date_asked_for() -> None:
    assert refused(valid.due_date, "x" * 21, "meeting date") == (
        "Write the meeting date as year-month-day, for example 2026-06-30."
    )


def test_a_new_action_needs_its_text() -> None:
    assert refused(valid.action_fields, {}, True) == "The action must be text."
    assert refused(valid.action_fields, {"text": "  "}, True) == (
        "The action is empty: write something first."
    )


def test_an_action_edit_carries_only_the_fields_sent() -> None:
    assert valid.action_fields({}, False) == ActionFields()
    assert valid.action_fields({"owner": "Hub team"}, False) == ActionFields(owner="Hub team")
    # An edit that sends text still gets it checked.
    assert refused(valid.action_fields, {"text": ""}, False) == (
        "The action is empty: write something first."
    )


def test_every_action_field_is_cleaned_and_checked() -> None:
    fields = valid.action_fields(
        {
            "text": " Open a drop-in\u202e ",
            "owner": "Hub",
            "partners": "",
            "resources": "Room",
            "success": "20 visits",
            "due_on": "2026-06-30",
            "status": "in_progress",
        },
        True,
    )
    assert fields == ActionFields(
        text="Open a drop-in",
        owner="Hub",
        due_on=date(2026, 6, 30),
        partners="",
        resources="Room",
        success="20 visits",
        status=ActionStatus.IN_PROGRESS,
    )


def test_action_field_refusals_say_which_field() -> None:
    assert refused(valid.action_fields, {"text": "x" * 301}, True) == (
        "The action is too long: keep it under 300 characters (it has 301)."
    )
    assert refused(valid.action_fields, {"text": "a", "success": "x" * 201}, True) == (
        "The description of success is too long: keep it under 200 characters (it has 201)."
    )
    assert refused(valid.action_fields, {"text": "a", "owner": 5}, True) == (
        "The owner must be text."
    )
    assert refused(valid.action_fields, {"text": "a", "status": "finished"}, True) == (
        "There is no status called that: choose one of "
        "proposed, agreed, in_progress, done, dropped."
    )
    assert refused(valid.action_fields, {"text": "a", "due_on": "soon"}, True) == (
        "Write the due date as year-month-day, for example 2026-06-30."
    )
