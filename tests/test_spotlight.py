"""The spotlight: one proposal or theme on the wall and every phone; never a hidden one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.flows import console_and_phone, workshop_with_proposals
from workshop.domain.errors import Conflict, NotFound
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.themes import Themes

TEXTS = ["Reach the villages", "Go beyond the hub towns", "Better communication", "Peer mentors"]


def spot(service: UseCases, code: str, audience: str) -> Any:
    return service.audiences.snapshot(code, audience)["spotlight"]


def test_every_audience_sees_the_spotlight_and_next_steps_through_the_list(
    service: UseCases, themes: Themes
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    themes.spotlight(code, "proposal", ids[1])
    for audience in ("phone", "screen", "facilitator"):
        shown = spot(service, code, audience)
        assert shown["kind"] == "proposal" and shown["id"] == ids[1]
        assert shown["text"] == TEXTS[1] and shown["number"] == 2
    stepped = themes.spotlight_step(code, None, 1)
    assert stepped.ack["spotlight"] == {"kind": "proposal", "id": ids[2]}
    themes.spotlight_step(code, None, 1)
    assert themes.spotlight_step(code, None, 1).ack["spotlight"]["id"] == ids[0]  # wraps round
    assert themes.spotlight_step(code, None, -1).ack["spotlight"]["id"] == ids[3]
    themes.spotlight(code, None, None)
    assert spot(service, code, "screen") is None


def test_next_goes_theme_by_theme_and_a_theme_shows_its_proposals(
    service: UseCases, themes: Themes
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    reach = themes.create_theme(code, "Community focus", [ids[3], ids[0]], "t1").ack["theme_id"]
    themes.create_theme(code, "Talking", [ids[2]], "t2")
    order = [themes.spotlight_step(code, "proposal", 1).ack["spotlight"]["id"] for _ in ids]
    assert order == [ids[0], ids[3], ids[2], ids[1]]  # by theme, then what is in none
    themes.spotlight(code, "theme", reach)
    shown = spot(service, code, "phone")
    assert shown["text"] == "Community focus"
    assert [p["id"] for p in shown["proposals"]] == [ids[0], ids[3]]


def test_a_hidden_proposal_can_never_be_spotlighted(service: UseCases, themes: Themes) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    service.facilitation.hide_proposal(code, ids[0], True)
    with pytest.raises(Conflict, match="hidden proposal can never be shown"):
        themes.spotlight(code, "proposal", ids[0])
    # Next skips it, whichever way.
    seen = {themes.spotlight_step(code, None, 1).ack["spotlight"]["id"] for _ in range(8)}
    assert ids[0] not in seen and seen == set(ids[1:])
    # Hiding what is on the wall takes it off at once, and showing it again does not bring it back.
    themes.spotlight(code, "proposal", ids[1])
    service.facilitation.hide_proposal(code, ids[1], True)
    assert all(spot(service, code, a) is None for a in ("phone", "screen", "facilitator"))
    service.facilitation.hide_proposal(code, ids[1], False)
    assert spot(service, code, "screen") is None
    # A merged-away proposal stands for its survivor: it cannot be spotlighted either.
    service.facilitation.merge_proposals(code, ids[2], ids[3])
    with pytest.raises(Conflict, match="merged into another"):
        themes.spotlight(code, "proposal", ids[3])
    with pytest.raises(NotFound):
        themes.spotlight(code, "proposal", 999999)


def test_a_dissolved_theme_leaves_the_wall(service: UseCases, themes: Themes) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    theme = themes.create_theme(code, "Community focus", ids[:2], "t1").ack["theme_id"]
    themes.spotlight(code, "theme", theme)
    themes.dissolve_theme(code, theme, True)
    assert spot(service, code, "screen") is None
    with pytest.raises(Conflict, match="dissolved"):
        themes.spotlight(code, "theme", theme)


def test_spotlight_over_the_socket_reaches_phones(
    connect: Callable[..., Any], workshop: dict[str, Any]
) -> None:
    facilitator, phone = console_and_phone(connect, workshop)
    made = phone.emit(
        "submit_proposal", {"text": "Peer mentors", "request_id": "p1"}, callback=True
    )
    phone.get_received()
    ack = facilitator.emit("spotlight_next", {}, callback=True)
    assert ack == {"ok": True, "spotlight": {"kind": "proposal", "id": made["proposal_id"]}}
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state_changed"]
    assert states and states[-1]["spotlight"]["text"] == "Peer mentors"
    bad = facilitator.emit("spotlight", {"kind": "idea", "id": 1}, callback=True)
    assert (
        bad["ok"] is False
        and bad["error"] == "The spotlight shows a proposal or a theme: say which."
    )
    refused = phone.emit("spotlight_next", {}, callback=True)
    assert refused["ok"] is False and refused["reason"] == "forbidden"
