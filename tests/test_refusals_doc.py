"""docs/protocol.md's table of refusals, driven row by row against the server.

Each row of the table names commands, a condition and a `reason`. Every row has a
driver here that brings a fresh workshop to that condition and sends the refused
command; the test checks the `reason`, that the command is one the row names, that
the answer is a sentence, and that the refusal changed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_app
from workshop.domain.errors import WorkshopError
from workshop.store.commands import CommandStatements
from workshop.usecases import plans as plans_module
from workshop.usecases import rounds as rounds_module
from workshop.usecases import workshops as services_module

DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


def command_groups() -> dict[str, set[str]]:
    """Return the names the table's "attendee/facilitator commands" rows stand for."""
    from workshop.live import attendees, care, facilitation, plans, room, rounds, themes

    # The handlers only name their commands here: no edge or use cases are needed.
    unwired: Any = None
    attendee = set(attendees.AttendeeHandlers(unwired, unwired).commands())
    facilitator = set(facilitation.FacilitationHandlers(unwired, unwired).facilitator_commands())
    for handlers in (
        rounds.RoundHandlers(unwired, unwired),
        plans.PlanHandlers(unwired, unwired),
        room.RoomHandlers(unwired, unwired),
        themes.ThemeHandlers(unwired, unwired),
    ):
        attendee |= set(handlers.commands())
        facilitator |= set(handlers.facilitator_commands())
    caring = object.__new__(care.CareHandlers)  # its __init__ hooks into an edge
    attendee |= set(caring.commands())
    facilitator |= set(caring.facilitator_commands())
    attendee -= {"join_workshop", "watch_workshop", "facilitate_workshop"}
    return {"attendee commands": attendee, "facilitator commands": facilitator}


GROUPS = command_groups()


def table_rows() -> list[tuple[str, str, str]]:
    """Return (commands, condition, reason) for every row of the Refusals table."""
    section = DOC.split("### Refusals\n", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].startswith("`") and cells[1] != "condition":
            rows.append((cells[0], cells[1], cells[2].strip("`")))
    return rows


def allowed_commands(cell: str) -> set[str] | None:
    """Return the commands a row's first cell names (None: any command)."""
    if cell.startswith("any"):
        return None
    return GROUPS.get(cell) or set(re.findall(r"`([a-z_]+)`", cell))


class World:
    """A fresh workshop: a facilitator, two phones in groups g1 and g2, four proposals."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app, self.monkeypatch = app, monkeypatch
        self.socketio = app.extensions["workshop.socketio"]
        self.service = app.extensions["workshop.usecases"]
        self.http = app.test_client()
        made = self.http.post(
            "/api/workshops",
            json={"title": "Refusals", "dots": 5, "max_per_proposal": 3, "groups": ["A", "B"]},
        ).get_json()
        self.code, self.token = made["code"], made["facilitator_token"]
        self.clients: list[Any] = []
        self.console = self.client()
        self.sent: list[str] = []
        assert self.f("facilitate_workshop", {"code": self.code, "token": self.token})["ok"]
        self.phones = [self.client(), self.client()]
        for n, phone in enumerate(self.phones):
            payload = {
                "code": self.code,
                "device_id": f"refusal-device-{n:04d}",
                "group": f"g{n + 1}",
            }
            assert self.send(phone, "join_workshop", payload)["ok"]
        self.stage("propose")
        self.ids = [
            self.p("submit_proposal", {"text": f"P{n}", "request_id": f"p{n}"}, n % 2)[
                "proposal_id"
            ]
            for n in range(4)
        ]
        self.stage("group")
        self.before: Any = None
        self.after: Any = None

    def client(self) -> Any:
        made = self.socketio.test_client(self.app, flask_test_client=self.http)
        self.clients.append(made)
        return made

    def send(self, client: Any, command: str, payload: Any) -> dict[str, Any]:
        self.sent.append(command)
        answer = client.emit(command, payload, callback=True)
        assert isinstance(answer, dict), f"{command} was not acknowledged"
        return answer

    def f(self, command: str, payload: Any = None) -> dict[str, Any]:
        return self.send(self.console, command, payload if payload is not None else {})

    def p(self, command: str, payload: Any, phone: int = 0) -> dict[str, Any]:
        return self.send(self.phones[phone], command, payload)

    def ok(self, answer: dict[str, Any]) -> dict[str, Any]:
        assert answer["ok"], answer
        return answer

    def stage(self, stage: str) -> None:
        self.ok(self.f("change_stage", {"stage": stage}))

    def round(self, method: str, **options: Any) -> dict[str, Any]:
        return self.ok(
            self.f("start_round", {"method": method, "request_id": f"r{len(self.sent)}", **options})
        )

    def state(self) -> Any:
        try:
            state = self.service.audiences.snapshot(self.code, "facilitator")
        except WorkshopError:
            return None
        state.pop("server_time")
        if state.get("run_sheet"):  # where the plan stands moves with the clock, like server_time
            for key in ("late_ms", "step_left_ms", "status_label"):
                state["run_sheet"].pop(key)
        return state

    def refuse(self, client: Any, command: str, payload: Any) -> dict[str, Any]:
        """Send the command the row is about, noting the workshop before and after."""
        self.before = self.state()
        answer = self.send(client, command, payload)
        self.after = self.state()
        return answer

    def rf(self, command: str, payload: Any = None) -> dict[str, Any]:
        return self.refuse(self.console, command, payload if payload is not None else {})

    def rp(self, command: str, payload: Any, phone: int = 0) -> dict[str, Any]:
        return self.refuse(self.phones[phone], command, payload)

    def close(self) -> None:
        for made in self.clients:
            if made.is_connected():
                made.disconnect()


def vote(w: World, pid: int, rid: str = "v", **extra: Any) -> dict[str, Any]:
    return {"proposal_id": pid, "request_id": rid, **extra}


def server_failure(w: World) -> dict[str, Any]:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("the database went away")

    w.monkeypatch.setattr(w.service.facilitation, "reveal_proposals", broken)
    return w.rf("reveal_proposals", {"revealed": True})


def flooded(w: World) -> dict[str, Any]:
    realtime = w.app.extensions["workshop.realtime"]
    w.p("cast_vote", vote(w, w.ids[0]))  # binds the attendee's own bucket
    guard = realtime.edge.guard
    buckets = [*guard.connections.buckets.values(), *guard.attendees.buckets.values()]
    for bucket in [*realtime.edge.buckets.values(), *buckets]:
        bucket.tokens, bucket.per_second = 0.0, 0.0
    return w.rp("cast_vote", vote(w, w.ids[0], "v2"))


def deleted(w: World) -> dict[str, Any]:
    w.stage("vote")
    headers = {"Authorization": f"Bearer {w.token}"}
    assert w.http.delete(f"/api/workshops/{w.code}", headers=headers).status_code == 200
    return w.rp("cast_vote", vote(w, w.ids[0]))


def request_id_race(w: World) -> dict[str, Any]:
    def always_taken(*_args: Any) -> None:
        raise IntegrityError("INSERT", {}, Exception("unique request id"))

    w.monkeypatch.setattr(CommandStatements, "record_answer", always_taken)
    return w.rf("add_proposal", {"text": "Sticky note", "request_id": "n"})


def unjoined(w: World) -> dict[str, Any]:
    return w.refuse(w.client(), "submit_proposal", {"text": "Hello", "request_id": "x"})


def not_facilitator(w: World) -> dict[str, Any]:
    return w.rp("change_stage", {"stage": "vote"})


def workshop_full(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(services_module, "MAX_ATTENDEES_PER_WORKSHOP", 2)
    return w.refuse(w.client(), "join_workshop", {"code": w.code})


def many_proposals(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(services_module, "MAX_PROPOSALS_PER_ATTENDEE", 2)
    w.stage("propose")
    return w.rp("submit_proposal", {"text": "Third", "request_id": "third"})


def many_suggestions(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(plans_module, "MAX_SUGGESTIONS_PER_ATTENDEE", 1)
    prioritise(w)
    w.ok(w.p("suggest_action", {"priority_id": w.ids[0], "text": "One", "request_id": "a"}))
    return w.rp("suggest_action", {"priority_id": w.ids[0], "text": "Two", "request_id": "b"})


def plan_full(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(plans_module, "MAX_ACTIONS_PER_WORKSHOP", 1)
    prioritise(w)
    w.ok(w.f("add_action", {"priority_id": w.ids[0], "text": "One", "request_id": "a"}))
    return w.rp("suggest_action", {"priority_id": w.ids[0], "text": "Two", "request_id": "b"})


def many_rounds(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(rounds_module, "MAX_ROUNDS", 1)
    return w.rf("start_round", {"method": "dots", "request_id": "r"})


def many_entries(w: World) -> dict[str, Any]:
    w.monkeypatch.setattr(rounds_module, "MAX_ENTRIES_PER_ROUND", 1)
    w.stage("vote")
    w.ok(w.f("enter_assisted_ballot", {"choices": {str(w.ids[0]): 1}, "request_id": "a"}))
    return w.rf("enter_assisted_ballot", {"choices": {str(w.ids[0]): 1}, "request_id": "b"})


def prioritise(w: World, stage: str = "plan") -> None:
    w.ok(w.f("set_priorities", {"proposal_ids": w.ids[:2]}))
    w.stage(stage)


def action(w: World, priority: int = 0, text: str = "Drop-in") -> int:
    made = w.ok(
        w.f("add_action", {"priority_id": w.ids[priority], "text": text, "request_id": text})
    )
    return int(made["action_id"])


def closed(w: World) -> None:
    w.stage("closed")


def hidden(w: World, index: int = 0) -> int:
    w.ok(w.f("hide_proposal", {"proposal_id": w.ids[index]}))
    return w.ids[index]


def voting(w: World, method: str = "dots", **options: Any) -> dict[str, Any]:
    if method == "dots" and not options:
        w.stage("vote")
        return {}
    return w.round(method, **options)


def untied_round(w: World) -> dict[str, Any]:
    w.stage("vote")
    for pid, points, phone in ((w.ids[1], 1, 0), (w.ids[2], 2, 0), (w.ids[3], 3, 1)):
        w.ok(w.p("cast_vote", vote(w, pid, f"u{pid}", points=points), phone))
    return w.rf("start_round", {"method": "dots", "runoff_of": 1, "request_id": "r"})


def attendee_id(w: World, phone: int) -> int:
    payload = {"code": w.code, "device_id": f"refusal-device-{phone:04d}"}
    return int(w.ok(w.p("join_workshop", payload, phone))["participant_id"])


def spend_all(w: World, which: str) -> None:
    """Empty every client address's bucket of joins or of unknown codes."""
    buckets = getattr(w.app.extensions["workshop.realtime"].edge.guard, which)
    buckets.get("127.0.0.1")
    for bucket in buckets.buckets.values():  # the app is shared: put them back after the test
        w.monkeypatch.setattr(bucket, "tokens", 0.0)
        w.monkeypatch.setattr(bucket, "per_second", 0.0)


def tied_round(w: World) -> None:
    w.stage("vote")
    w.ok(w.p("cast_vote", vote(w, w.ids[0], "t1")))
    w.ok(w.p("cast_vote", vote(w, w.ids[1], "t2"), 1))


def then(*steps: Any) -> Any:
    """Return the last of steps run in order: set-up first, the refused command last."""
    return steps[-1]


def theme(w: World, heading: str = "Community", ids: list[int] | None = None) -> int:
    made = w.f(
        "create_theme",
        {"heading": heading, "proposal_ids": ids or [], "request_id": heading.replace(" ", "-")},
    )
    return int(w.ok(made)["theme_id"])


def suggestions_open(w: World) -> None:
    w.ok(w.f("reveal_proposals", {"revealed": True}))
    w.ok(w.f("allow_theme_suggestions", {"allowed": True}))


def many_theme_suggestions(w: World) -> dict[str, Any]:
    suggestions_open(w)
    for n in range(30):
        w.ok(w.p("suggest_theme", {"proposal_id": w.ids[0], "heading": "T", "request_id": f"s{n}"}))
    return w.rp("suggest_theme", {"proposal_id": w.ids[0], "heading": "T", "request_id": "s30"})


def many_themes(w: World) -> dict[str, Any]:
    for n in range(30):
        theme(w, f"Theme {n}")
    return w.rf("create_theme", {"heading": "One more", "request_id": "t30"})


def following(w: World, name: str = "follow-up-action-planning") -> None:
    w.ok(w.f("start_run_sheet", {"name": name}))


THEME_DRIVERS: dict[str, Callable[[World], dict[str, Any]]] = {
    "the stage is not `group`": lambda w: then(
        suggestions_open(w),
        w.stage("vote"),
        w.rp("suggest_theme", {"proposal_id": w.ids[0], "heading": "T", "request_id": "s"}),
    ),
    "the facilitator has not allowed theme suggestions": lambda w: w.rp(
        "suggest_theme", {"proposal_id": w.ids[0], "heading": "T", "request_id": "s"}
    ),
    "the attendee has made 30 theme suggestions": many_theme_suggestions,
    "the proposal is not on the room's list (unknown, hidden, merged, or not shown yet)": (
        lambda w: then(
            suggestions_open(w),
            w.rp("suggest_theme", {"proposal_id": hidden(w), "heading": "T", "request_id": "s"}),
        )
    ),
    "a heading another live theme has": lambda w: then(
        theme(w, "Community"),
        w.rf("create_theme", {"heading": "community", "request_id": "again"}),
    ),
    "the workshop has 30 live themes": many_themes,
    "a theme unknown in this workshop": lambda w: w.rf(
        "move_to_theme", {"proposal_ids": [w.ids[0]], "theme_id": 999999}
    ),
    "moving a hidden proposal, or one merged into another": lambda w: then(
        theme(w),
        w.rf("move_to_theme", {"proposal_ids": [hidden(w)], "theme_id": None}),
    ),
    "moving into a dissolved theme": lambda w: then(
        (made := theme(w)),
        w.ok(w.f("dissolve_theme", {"theme_id": made})),
        w.rf("move_to_theme", {"proposal_ids": [w.ids[0]], "theme_id": made}),
    ),
    "`proposal_ids` not a list of 1 to 100 proposal numbers": lambda w: w.rf(
        "move_to_theme", {"proposal_ids": "all", "theme_id": None}
    ),
    "dissolving a dissolved theme, or restoring one that is not dissolved": lambda w: w.rf(
        "dissolve_theme", {"theme_id": theme(w), "dissolved": False}
    ),
    "`theme_ids` not every live theme exactly once": lambda w: then(
        theme(w, "A"), w.rf("order_themes", {"theme_ids": [theme(w, "B")]})
    ),
    "the suggestion was already answered, or is unknown": lambda w: w.rf(
        "answer_theme_suggestion", {"suggestion_id": 999999, "accept": True}
    ),
    "a hidden proposal, one merged into another, or a dissolved theme": lambda w: w.rf(
        "spotlight", {"kind": "proposal", "id": hidden(w)}
    ),
    "`kind` not `proposal` or `theme`": lambda w: w.rf("spotlight", {"kind": "idea", "id": 1}),
    "`direction` not 1 or -1": lambda w: w.rf("spotlight_next", {"direction": 2}),
    "nothing visible to put on the wall": lambda w: then(
        [hidden(w, n) for n in range(4)], w.rf("spotlight_next", {})
    ),
    "no run sheet has that name": lambda w: w.rf("start_run_sheet", {"name": "no-such-plan"}),
    "`name` missing, or over 80 characters": lambda w: w.rf("start_run_sheet", {}),
    "`action` not `next`, `skip`, `repeat` or `move`": lambda w: w.rf(
        "run_sheet_step", {"action": "jump"}
    ),
    "no run sheet is being followed": lambda w: w.rf("run_sheet_step", {"action": "next"}),
    "`at` is not the step now running (a retried `next`)": lambda w: then(
        following(w), w.rf("run_sheet_step", {"action": "next", "at": 3})
    ),
    "skipping or moving a step already run or skipped": lambda w: then(
        following(w), w.rf("run_sheet_step", {"action": "skip", "index": 0})
    ),
    "moving a step outside the steps not yet run": lambda w: then(
        following(w), w.rf("run_sheet_step", {"action": "move", "index": 2, "to": 0})
    ),
    "`by` not `id` or `number`": lambda w: then(
        w.stage("vote"),
        w.rf(
            "enter_paper",
            {"source": "hands", "voters": 2, "counts": {}, "by": "name", "request_id": "b"},
        ),
    ),
    "a printed number no proposal has": lambda w: then(
        w.stage("vote"),
        w.rf(
            "enter_paper",
            {
                "source": "hands",
                "voters": 2,
                "counts": {"99": 1},
                "by": "number",
                "request_id": "b",
            },
        ),
    ),
}


Driver = Callable[[World], dict[str, Any]]


def too_many_words(w: World) -> dict[str, Any]:
    for n in range(5):
        w.ok(w.p("send_private_word", {"request_id": f"w{n}"}))
    return w.rp("send_private_word", {"request_id": "w5"})


DRIVERS: dict[str, Driver] = {
    "`held_id` is not an idea waiting for review in this workshop": (
        lambda w: w.rf("approve_proposal", {"held_id": 999})
    ),
    "5 private words from this attendee are still kept": too_many_words,
    "`word_id` is not a private word kept for this workshop": (
        lambda w: w.rf("dismiss_private_word", {"word_id": 999})
    ),
    **THEME_DRIVERS,
    "the payload is not a JSON object": lambda w: w.rf("change_stage", ["vote"]),
    "over the flood limit": flooded,
    "the server failed (a bug, the database unreachable)": server_failure,
    "the connection has not joined": unjoined,
    "no `facilitate_workshop` on this connection": not_facilitator,
    "the workshop was deleted since the connection joined": deleted,
    "`request_id` missing, longer than 64, or with other characters than `A-Za-z0-9-_.:`": (
        lambda w: then(
            w.stage("propose"),
            w.rp("submit_proposal", {"text": "Hi", "request_id": "a b"}),
        )
    ),
    "a `request_id` race lost twice in a row (two connections)": request_id_race,
    "a text field not text, empty where required, or too long": (
        lambda w: then(
            w.stage("propose"),
            w.rp("submit_proposal", {"text": "x" * 501, "request_id": "a"}),
        )
    ),
    "a number not a whole number, or outside its range": lambda w: w.rf(
        "start_timer", {"seconds": 7201}
    ),
    "an id not a positive whole number": lambda w: w.rf("hide_proposal", {"proposal_id": "four"}),
    "a flag not `true` or `false`": lambda w: w.rf("reveal_results", {"revealed": "yes"}),
    "`code` not six characters of the code alphabet": lambda w: w.refuse(
        w.client(), "watch_workshop", {"code": "O0O0O0"}
    ),
    "no workshop has that code": lambda w: w.refuse(
        w.client(), "join_workshop", {"code": "ZZZZZZ"}
    ),
    "`token` missing, wrong, or no workshop has that code": (
        lambda w: w.refuse(w.client(), "facilitate_workshop", {"code": "ZZZZZZ", "token": w.token})
    ),
    "`device_id` not 16 to 64 of `A-Za-z0-9_-`": (
        lambda w: w.refuse(w.client(), "join_workshop", {"code": w.code, "device_id": "short"})
    ),
    "`group` not one of the workshop's group keys": (
        lambda w: w.refuse(w.client(), "join_workshop", {"code": w.code, "group": "g9"})
    ),
    "a new device when 5,000 attendees have joined": workshop_full,
    "the connection already joined as another attendee (another `device_id` or workshop)": (
        lambda w: w.rp("join_workshop", {"code": w.code, "device_id": "refusal-device-9999"})
    ),
    "a device the facilitator took out": lambda w: then(
        w.ok(w.f("remove_attendee", {"participant_id": attendee_id(w, 1)})),
        w.refuse(w.client(), "join_workshop", {"code": w.code, "device_id": "refusal-device-0001"}),
    ),
    "a new device while the room is locked": lambda w: then(
        w.ok(w.f("lock_room", {"locked": True})),
        w.refuse(w.client(), "join_workshop", {"code": w.code, "device_id": "refusal-device-7777"}),
    ),
    "too many new attendees from one client address": lambda w: then(
        spend_all(w, "joins"),
        w.refuse(w.client(), "join_workshop", {"code": w.code, "device_id": "refusal-device-7777"}),
    ),
    "too many unknown codes tried from one client address": lambda w: then(
        spend_all(w, "misses"),
        w.refuse(w.client(), "watch_workshop", {"code": w.code}),
    ),
    "`participant_id` is not an attendee of this workshop": (
        lambda w: w.rf("remove_attendee", {"participant_id": 999_999})
    ),
    "the workshop is closed, so who took part is settled": lambda w: then(
        w.stage("closed"), w.rf("remove_attendee", {"participant_id": attendee_id(w, 0)})
    ),
    "the workshop is closed": lambda w: then(closed(w), w.rp("cast_vote", vote(w, w.ids[0]))),
    "the stage is `lobby`": (
        lambda w: then(w.stage("lobby"), w.rp("submit_proposal", {"text": "Hi", "request_id": "a"}))
    ),
    "the stage is after `propose`": lambda w: w.rp(
        "submit_proposal", {"text": "Hi", "request_id": "a"}
    ),
    "the attendee has shared 50 proposals": many_proposals,
    "the stage is before `vote`": lambda w: w.rp("cast_vote", vote(w, w.ids[0])),
    "the stage is after `vote`": lambda w: then(
        w.stage("results"),
        w.rp("retract_vote", vote(w, w.ids[0])),
    ),
    "`round_id` is not the current round's": (
        lambda w: then(
            voting(w, "approval"),
            w.rp("cast_ballot", {"choices": [], "round_id": 1, "request_id": "b"}),
        )
    ),
    "the current round is not a dot round": lambda w: then(
        voting(w, "approval"),
        w.rp("cast_vote", vote(w, w.ids[0])),
    ),
    "the current round is a dot round": (
        lambda w: then(voting(w), w.rp("cast_ballot", {"choices": [w.ids[0]], "request_id": "b"}))
    ),
    "a proposal unknown, hidden, or merged into a hidden one": (
        lambda w: then(voting(w), w.rp("cast_vote", vote(w, hidden(w))))
    ),
    "a proposal not on this round's ballot": (
        lambda w: then(
            voting(w, "approval", proposal_ids=w.ids[:2]),
            w.rp("cast_ballot", {"choices": [w.ids[3]], "request_id": "b"}),
        )
    ),
    "more dots than the attendee has left": (
        lambda w: then(
            voting(w),
            w.ok(w.p("cast_vote", vote(w, w.ids[0], "a", points=3))),
            w.rp("cast_vote", vote(w, w.ids[1], "b", points=3)),
        )
    ),
    "more than `max_per_proposal` dots of this attendee on one proposal": (
        lambda w: then(voting(w), w.rp("cast_vote", vote(w, w.ids[0], points=4)))
    ),
    "fewer of the attendee's dots on the proposal than `points`": (
        lambda w: then(voting(w), w.rp("retract_vote", vote(w, w.ids[0])))
    ),
    "`group` of an entry not one of the workshop's group keys": (
        lambda w: then(
            w.stage("vote"),
            w.rf(
                "enter_paper",
                {"source": "hands", "group": "g7", "voters": 2, "counts": {}, "request_id": "p"},
            ),
        )
    ),
    "`choices` not the method's shape (a list, or an object of whole numbers)": (
        lambda w: then(
            voting(w, "points"),
            w.rp("cast_ballot", {"choices": [w.ids[0]], "request_id": "b"}),
        )
    ),
    "one proposal listed twice, or two since merged into one": (
        lambda w: then(
            voting(w, "approval"),
            w.rp("cast_ballot", {"choices": [w.ids[0], w.ids[0]], "request_id": "b"}),
        )
    ),
    "a ranking that ranks nothing": (
        lambda w: then(
            voting(w, "ranking"), w.rp("cast_ballot", {"choices": [], "request_id": "b"})
        )
    ),
    "a ranking longer than `top_k`": (
        lambda w: then(
            voting(w, "ranking", top_k=2),
            w.rp("cast_ballot", {"choices": w.ids[:3], "request_id": "b"}),
        )
    ),
    "points not adding up to `points_total` (exact), or over it": (
        lambda w: then(
            voting(w, "points"),
            w.rp("cast_ballot", {"choices": {str(w.ids[0]): 60}, "request_id": "b"}),
        )
    ),
    "a dot ballot breaking `max_per_proposal`, `dots` or `spend_all`": (
        lambda w: then(
            voting(w),
            w.rf("enter_assisted_ballot", {"choices": {str(w.ids[0]): 4}, "request_id": "b"}),
        )
    ),
    "the stage is not `plan`": lambda w: w.rp(
        "suggest_action", {"priority_id": w.ids[0], "text": "Go", "request_id": "a"}
    ),
    "`priority_id` is not one of the workshop's priorities": (
        lambda w: then(
            prioritise(w),
            w.rf("add_action", {"priority_id": w.ids[3], "text": "Go", "request_id": "a"}),
        )
    ),
    "the attendee has suggested 30 actions": many_suggestions,
    "the plan holds 500 actions": plan_full,
    "`text` looks like it holds a personal detail (an email, phone number, postcode, street "
    "address, date of birth or a person's full name: the same check that holds a proposal "
    "for the facilitator)": (
        lambda w: then(
            prioritise(w),
            w.rp(
                "suggest_action",
                {"priority_id": w.ids[0], "text": "Ring me on 07700 900123", "request_id": "a"},
            ),
        )
    ),
    "the action is unknown or merged into another": (
        lambda w: then(
            prioritise(w),
            w.rp("volunteer", {"action_id": 999, "helping": True, "request_id": "a"}),
        )
    ),
    "offering help with a dropped action": lambda w: dropped_help(w),
    "an edit while the workshop is closed": (
        lambda w: then(
            closed(w),
            w.rf("edit_proposal", {"proposal_id": w.ids[0], "text": "New words"}),
        )
    ),
    "`stage` is not one of the stages": lambda w: w.rf("change_stage", {"stage": "voting"}),
    "`round` is not the number of one of the workshop's rounds": lambda w: w.rf(
        "change_stage", {"stage": "results", "round": 7}
    ),
    "`round` with a stage other than `vote` or `results`": lambda w: w.rf(
        "change_stage", {"stage": "plan", "round": 1}
    ),
    "a proposal that does not exist in this workshop": lambda w: w.rf(
        "hide_proposal", {"proposal_id": 9999}
    ),
    "a proposal merged into itself": (
        lambda w: w.rf("merge_proposals", {"survivor_id": w.ids[0], "absorbed_id": w.ids[0]})
    ),
    "a hidden or already merged proposal": (
        lambda w: w.rf("merge_proposals", {"survivor_id": w.ids[0], "absorbed_id": hidden(w, 1)})
    ),
    "the proposal is not merged": lambda w: w.rf("unmerge_proposal", {"proposal_id": w.ids[0]}),
    "the timer is not running": lambda w: w.rf("pause_timer"),
    "the timer is not paused": lambda w: w.rf("resume_timer"),
    "there is no timer": lambda w: w.rf("cancel_timer"),
    "not a list, more than 20, or one proposal twice": (
        lambda w: w.rf("set_priorities", {"proposal_ids": [w.ids[0], w.ids[0]]})
    ),
    "a hidden or merged proposal": lambda w: w.rf("set_priorities", {"proposal_ids": [hidden(w)]}),
    "`method` is not one of the methods": lambda w: w.rf(
        "start_round", {"method": "lottery", "request_id": "r"}
    ),
    "`wall_mode` is not `results` or `participation`": (
        lambda w: w.rf("start_round", {"method": "dots", "wall_mode": "dark", "request_id": "r"})
    ),
    "the workshop holds 20 rounds": many_rounds,
    "`proposal_ids` names a proposal unknown or hidden": (
        lambda w: w.rf(
            "start_round",
            {"method": "dots", "proposal_ids": [w.ids[0], hidden(w, 1)], "request_id": "r"},
        )
    ),
    "`from_round` or `runoff_of` is not a round's number": (
        lambda w: w.rf("start_round", {"method": "dots", "from_round": 7, "request_id": "r"})
    ),
    "`runoff_of` a round with no tie": untied_round,
    "`runoff_of` with `proposal_ids` that are not one tied group": (
        lambda w: then(
            tied_round(w),
            w.rf(
                "start_round",
                {
                    "method": "dots",
                    "runoff_of": 1,
                    "proposal_ids": [w.ids[0], w.ids[2]],
                    "request_id": "r",
                },
            ),
        )
    ),
    "`max_per_proposal` over the round's `dots`": (
        lambda w: w.rf(
            "start_round", {"method": "dots", "dots": 2, "max_per_proposal": 3, "request_id": "r"}
        )
    ),
    "fewer than two proposals on a chosen ballot": (
        lambda w: w.rf(
            "start_round", {"method": "approval", "proposal_ids": [w.ids[0]], "request_id": "r"}
        )
    ),
    "no visible proposal at all": lambda w: then(
        [hidden(w, n) for n in range(4)],
        w.rf("start_round", {"method": "approval", "request_id": "r"}),
    ),
    "`top_k` over the number of proposals on the ballot": (
        lambda w: w.rf("start_round", {"method": "ranking", "top_k": 5, "request_id": "r"})
    ),
    "`on_themes` not `true` or `false`": (
        lambda w: w.rf("start_round", {"method": "approval", "on_themes": "yes", "request_id": "r"})
    ),
    "`on_themes` with `method` `dots`": (
        lambda w: then(
            theme(w, "A"),
            theme(w, "B"),
            w.rf("start_round", {"method": "dots", "on_themes": True, "request_id": "r"}),
        )
    ),
    "`on_themes` with fewer than two live themes": (
        lambda w: then(
            theme(w, "A"),
            w.rf("start_round", {"method": "approval", "on_themes": True, "request_id": "r"}),
        )
    ),
    "`on_themes` with `proposal_ids`, `theme_id` or `from_round`": (
        lambda w: w.rf(
            "start_round",
            {"method": "approval", "on_themes": True, "proposal_ids": w.ids[:2], "request_id": "r"},
        )
    ),
    "`on_themes` with `runoff_of` a round on ideas": (
        lambda w: then(
            theme(w, "A"),
            theme(w, "B"),
            tied_round(w),
            w.rf(
                "start_round",
                {"method": "approval", "on_themes": True, "runoff_of": 1, "request_id": "r"},
            ),
        )
    ),
    "`from_round` names a round on themes": (
        lambda w: then(
            theme(w, "A"),
            theme(w, "B"),
            w.ok(w.f("start_round", {"method": "approval", "on_themes": True, "request_id": "t"})),
            w.rf(
                "start_round", {"method": "approval", "from_round": 2, "top": 2, "request_id": "r"}
            ),
        )
    ),
    "`spend_all` that nobody could meet": (
        lambda w: w.rf(
            "start_round",
            {
                "method": "dots",
                "dots": 5,
                "max_per_proposal": 1,
                "spend_all": True,
                "proposal_ids": w.ids[:2],
                "request_id": "r",
            },
        )
    ),
    "the stage is not `vote` or `results`": (
        lambda w: w.rf(
            "enter_paper", {"source": "hands", "voters": 2, "counts": {}, "request_id": "p"}
        )
    ),
    "the round holds 500 paper and assisted entries": many_entries,
    "`source` not `wall_chart` or `hands`": (
        lambda w: then(
            w.stage("vote"),
            w.rf("enter_paper", {"source": "email", "voters": 2, "counts": {}, "request_id": "p"}),
        )
    ),
    "the round is a ranking": (
        lambda w: then(
            voting(w, "ranking"),
            w.rf("enter_paper", {"source": "hands", "voters": 2, "counts": {}, "request_id": "p"}),
        )
    ),
    "counts more than the people counted could give": (
        lambda w: then(
            w.stage("vote"),
            w.rf(
                "enter_paper",
                {"source": "hands", "voters": 1, "counts": {str(w.ids[0]): 4}, "request_id": "p"},
            ),
        )
    ),
    "`kind` not `paper` or `assisted`": (
        lambda w: then(w.stage("vote"), w.rf("withdraw_entry", {"kind": "ballot", "entry_id": 1}))
    ),
    "no such entry in this round, or already taken back": (
        lambda w: then(w.stage("vote"), w.rf("withdraw_entry", {"kind": "paper", "entry_id": 1}))
    ),
    "`wall_mode` or `results_view` not one of theirs": lambda w: w.rf(
        "set_display", {"results_view": "pie"}
    ),
    "`status` not one of the statuses": lambda w: then(
        prioritise(w),
        w.rf("edit_action", {"action_id": action(w), "status": "maybe"}),
    ),
    "a date not `YYYY-MM-DD`": lambda w: w.rf("set_details", {"held_on": "15/04/2026"}),
    "an action that does not exist in this workshop": lambda w: w.rf(
        "edit_action", {"action_id": 999, "text": "New"}
    ),
    "an action merged into itself": (
        lambda w: then(
            prioritise(w),
            w.rf("merge_actions", {"survivor_id": (a := action(w)), "absorbed_id": a}),
        )
    ),
    "an action already merged": lambda w: merged_twice(w),
    "actions under different priorities": (
        lambda w: then(
            prioritise(w),
            w.rf(
                "merge_actions",
                {"survivor_id": action(w, 0, "A"), "absorbed_id": action(w, 1, "B")},
            ),
        )
    ),
}


def dropped_help(w: World) -> dict[str, Any]:
    prioritise(w)
    made = action(w)
    w.ok(w.f("edit_action", {"action_id": made, "status": "dropped"}))
    return w.rp("volunteer", {"action_id": made, "helping": True, "request_id": "a"})


def merged_twice(w: World) -> dict[str, Any]:
    prioritise(w)
    first, second, third = action(w, 0, "A"), action(w, 0, "B"), action(w, 0, "C")
    w.ok(w.f("merge_actions", {"survivor_id": first, "absorbed_id": second}))
    return w.rf("merge_actions", {"survivor_id": third, "absorbed_id": second})


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every row; each row gets a workshop of its own."""
    application = make_app(tmp_path_factory.mktemp("refusals"))
    yield application
    application.extensions["workshop.store"].close()


ROWS = table_rows()


def test_the_table_is_there_and_every_row_has_a_driver() -> None:
    conditions = [condition for _, condition, _ in ROWS]
    assert len(ROWS) >= 80
    assert len(set(conditions)) == len(conditions), "each condition must be unique"
    assert set(conditions) == set(DRIVERS)


def test_every_reason_the_server_gives_appears_in_the_table() -> None:
    reasons = re.search(r"where `reason` is one of (.*?)\.\n", DOC, re.DOTALL)
    assert reasons is not None
    assert {reason for _, _, reason in ROWS} == set(re.findall(r"`([a-z_]+)`", reasons.group(1)))


def test_every_command_has_a_row_of_its_own(shared_app: Flask) -> None:
    named: set[str] = set()
    for cell, _, _ in ROWS:
        named |= allowed_commands(cell) or set()
    assert set(shared_app.extensions["workshop.realtime"].commands) <= named


@pytest.mark.parametrize(
    ("commands", "condition", "reason"), ROWS, ids=[row[1][:60] for row in ROWS]
)
def test_each_refusal_has_the_reason_the_table_gives(
    shared_app: Flask, monkeypatch: pytest.MonkeyPatch, commands: str, condition: str, reason: str
) -> None:
    world = World(shared_app, monkeypatch)
    try:
        answer = DRIVERS[condition](world)
        assert answer["ok"] is False, answer
        assert answer["reason"] == reason, answer
        sent = world.sent[-1]
        allowed = allowed_commands(commands)
        assert allowed is None or sent in allowed, f"{sent} is not among {commands}"
        assert re.fullmatch(r"[A-Z0-9].*[.!?]", answer["error"]), answer["error"]
        assert world.after == world.before, "a refused command changed the workshop"
    finally:
        world.close()
