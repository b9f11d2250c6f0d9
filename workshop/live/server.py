"""Socket.IO edge: bind connections, run commands, and broadcast coalesced changes to rooms.

Each workshop has a room for its phones, one for its screens, one for its
facilitators, and one per attendee (all of that attendee's tabs). Handlers validate
the payload, call one use case, answer with an ack and hand the events to the
coalescing broadcaster; they never raise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import SocketIO, join_room, leave_room

from workshop.domain import validation as valid
from workshop.domain.errors import Forbidden, WorkshopError
from workshop.domain.model import Stage
from workshop.domain.stages import parse_stage
from workshop.live.bindings import Binding, personal_room, room
from workshop.live.coalescer import Coalescer, Dirty
from workshop.live.plans import PlanHandlers
from workshop.live.ratelimit import TokenBucket
from workshop.live.rounds import RoundHandlers
from workshop.usecases.events import (
    ATTENDANCE_CHANGED,
    MY_STATE_CHANGED,
    STATE_CHANGED,
    TALLY_CHANGED,
    Answer,
    Event,
    PersonalChanged,
    WorkshopClosed,
)
from workshop.usecases.plans import PlanService
from workshop.usecases.workshops import WorkshopService

log = logging.getLogger(__name__)

SERVER_ERROR = {
    "ok": False,
    "error": "Something went wrong on our side: please try again in a moment.",
    "reason": "server_error",
}
NOT_JOINED = "Join the workshop first: scan the code on the screen or type it on the home page."
NOT_FACILITATOR = (
    "Only the facilitator can do that: open the facilitator link to steer the workshop."
)


# Commands anyone connected may send (their own checks apply), and the facilitator's.
ATTENDEE_COMMANDS = (
    "join_workshop",
    "watch_workshop",
    "facilitate_workshop",
    "submit_proposal",
    "cast_vote",
    "retract_vote",
    "cast_ballot",
    "suggest_action",
    "volunteer",
)
FACILITATOR_COMMANDS = (
    "change_stage",
    "reveal_proposals",
    "reveal_results",
    "hide_proposal",
    "edit_proposal",
    "merge_proposals",
    "unmerge_proposal",
    "add_proposal",
    "start_timer",
    "pause_timer",
    "resume_timer",
    "cancel_timer",
    "set_priorities",
    "start_round",
    "enter_paper",
    "enter_assisted_ballot",
    "withdraw_entry",
    "set_display",
    "add_action",
    "edit_action",
    "merge_actions",
    "set_details",
)


class Realtime(PlanHandlers, RoundHandlers):
    """The socket handlers of one app, with their connections and broadcaster."""

    def __init__(
        self,
        socketio: SocketIO,
        service: WorkshopService,
        plans: PlanService,
        settings: dict[str, Any],
        on_closed: Callable[[str], None] | None = None,
    ):
        self.socketio = socketio
        self.service = service
        self.plans = plans
        self.on_closed = on_closed
        self.interval = float(settings["BROADCAST_INTERVAL"])
        self.local_rooms_only = not settings.get("MESSAGE_QUEUE")
        self.burst = int(settings["RATE_BURST"])
        self.per_second = float(settings["RATE_PER_SECOND"])
        self.coalescer = Coalescer()
        self.bindings: dict[str, Binding] = {}
        self.buckets: dict[str, TokenBucket] = {}
        self.commands: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self._ticker_started = False
        self._last_flush = time.monotonic()
        self._flushing = threading.Lock()
        self._hourly: list[Callable[[], object]] = []
        socketio.on_event("connect", self.on_connect)
        socketio.on_event("disconnect", self.on_disconnect)
        for name in ATTENDEE_COMMANDS:
            self._register(name, getattr(self, name))
        for name in FACILITATOR_COMMANDS:
            self._register(name, self._as_facilitator(getattr(self, name)))

    # -- plumbing --------------------------------------------------------------

    def _register(self, name: str, command: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.commands[name] = command

        def handler(payload: Any = None) -> dict[str, Any]:
            try:
                self._bucket().take()
                return command(valid.payload_dict(payload))
            except WorkshopError as refusal:
                return refusal.as_dict()
            except Exception:  # an ack, never an exception, reaches the client
                log.exception("command %s failed", name)
                return dict(SERVER_ERROR)
            finally:
                # SQLite calls never yield to green threads: send what is due to the
                # wall, then give every other phone a turn after each command, or a
                # burst of votes would silence the wall until the last one is counted.
                if self.interval > 0:
                    self._flush_if_due()
                self.socketio.sleep(0)

        handler.__name__ = name
        self.socketio.on_event(name, handler)

    def _bucket(self) -> TokenBucket:
        # An attendee's tabs and reconnections share one bucket: opening more
        # connections must not buy more commands.
        sid = request.sid  # type: ignore[attr-defined]
        binding = self.bindings.get(sid)
        key = sid
        if binding is not None and binding.participant_id is not None:
            key = f"{binding.code}:p:{binding.participant_id}"
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(self.burst, self.per_second)
        return bucket

    def _binding(self) -> Binding | None:
        return self.bindings.get(request.sid)  # type: ignore[attr-defined]

    def _bind(self, binding: Binding) -> None:
        sid = request.sid  # type: ignore[attr-defined]
        old = self.bindings.get(sid)
        if old is not None:
            leave_room(room(old.code, old.role))
            if old.participant_id is not None:
                leave_room(personal_room(old.code, old.participant_id))
        self.bindings[sid] = binding
        join_room(room(binding.code, binding.role))
        if binding.participant_id is not None:
            join_room(personal_room(binding.code, binding.participant_id))
        self._start_ticker()

    def _attendee(self) -> Binding:
        binding = self._binding()
        if binding is None or binding.role != "phone" or binding.participant_id is None:
            raise Forbidden(NOT_JOINED)
        return binding

    def _as_facilitator(
        self, command: Callable[[Binding, dict[str, Any]], dict[str, Any]]
    ) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def checked(data: dict[str, Any]) -> dict[str, Any]:
            binding = self._binding()
            if binding is None or binding.role != "facilitator":
                raise Forbidden(NOT_FACILITATOR)
            return command(binding, data)

        return checked

    def publish(self, events: list[Event]) -> None:
        """Queue events for the next broadcast (or send them now when not coalescing)."""
        if not events:
            return
        for event in events:
            if isinstance(event, WorkshopClosed) and self.on_closed is not None:
                # Writing files is slow next to a vote: do it off the command's path.
                self.socketio.start_background_task(self._export_quietly, event.code)
        self.coalescer.mark(events)
        if self.interval <= 0:
            self.flush()

    def _answer(self, answer: Answer) -> dict[str, Any]:
        self.publish(answer.events)
        return answer.ack

    def _export_quietly(self, code: str) -> None:
        try:
            self.on_closed(code)  # type: ignore[misc]
        except Exception:
            log.exception("exporting a closed workshop failed")

    # -- broadcasting ----------------------------------------------------------

    def _start_ticker(self) -> None:
        if self.interval > 0 and not self._ticker_started:
            self._ticker_started = True
            self.socketio.start_background_task(self._tick_forever)

    def every_hour(self, job: Callable[[], object]) -> None:
        """Run job about once an hour on the broadcaster's task (retention, for example)."""
        self._hourly.append(job)

    def _tick_forever(self) -> None:
        next_hourly = time.monotonic() + 3600
        while True:
            due = self._last_flush + self.interval - time.monotonic()
            self.socketio.sleep(max(due, 0.005))
            self._flush_if_due()
            if time.monotonic() >= next_hourly:
                next_hourly += 3600
                try:
                    for job in self._hourly:
                        job()
                except Exception:  # keep ticking: one bad job must not silence the room
                    log.exception("an hourly job failed")

    def _flush_if_due(self) -> None:
        """Flush if the interval has passed since the last flush, whoever calls first.

        The ticker calls this, and so does every command when it is done: a burst of
        commands all runs in one turn of the event loop, before the ticker's timer
        fires, so without this the wall heard nothing until the burst was over. Still
        at most one broadcast per workshop per interval.
        """
        if time.monotonic() - self._last_flush < self.interval:
            return
        if not self._flushing.acquire(blocking=False):
            return  # another task is flushing right now
        try:
            if time.monotonic() - self._last_flush < self.interval:
                return
            self._last_flush = time.monotonic()
            self.flush()
        except Exception:  # keep ticking: one bad flush must not silence the room
            log.exception("broadcast flush failed")
        finally:
            self._flushing.release()

    def flush(self) -> None:
        """Send each dirty workshop's broadcasts once, to the rooms allowed to see them."""
        for code, dirty in self.coalescer.take().items():
            try:
                self._flush_one(code, dirty)
            except WorkshopError:
                continue  # deleted since it was marked: nothing left to tell anyone
            except Exception:  # one workshop's failure must not silence the others
                log.exception("broadcasting a workshop's changes failed")

    def _flush_one(self, code: str, dirty: Dirty) -> None:
        emit = self.socketio.emit
        if dirty.state:  # a snapshot carries the tally and head count too
            for audience, state in self.service.snapshots(code).items():
                emit(STATE_CHANGED, state, to=room(code, audience))
        elif dirty.tally:
            for audience, tally in self.service.tally(code).items():
                if tally is not None:  # phones hear nothing until results are revealed
                    emit(TALLY_CHANGED, tally, to=room(code, audience))
        if dirty.attendance and not dirty.state:
            attendance = self.service.attendance(code)
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "screen"))
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "facilitator"))
        for participant_id in sorted(dirty.people):
            me = self.service.me(code, participant_id)
            emit(MY_STATE_CHANGED, me, to=personal_room(code, participant_id))

    # -- connection ------------------------------------------------------------

    def on_connect(self, auth: Any = None) -> bool:
        """Bind a (re)connecting client from its `auth`, so buffered commands work at once."""
        try:
            if isinstance(auth, dict) and "code" in auth:
                self._bind_from_auth(auth)
        except WorkshopError:
            pass  # an unknown or stale auth leaves the connection unbound, never refused
        except Exception:
            log.exception("binding a connection failed")
        return True

    def _bind_from_auth(self, auth: dict[str, Any]) -> None:
        code = valid.code(auth.get("code"))
        if auth.get("role") == "screen":
            if self.service.find_workshop(code) is not None:
                self._bind(Binding(code, "screen"))
        elif isinstance(auth.get("token"), str):
            self.service.check_facilitator(code, auth["token"][:200])
            self._bind(Binding(code, "facilitator"))
        elif (device_id := valid.device_id(auth.get("device_id"))) is not None:
            participant = self.service.find_participant(code, device_id)
            if participant is not None:
                self._bind(Binding(code, "phone", participant.id))
                # A returning phone can draw its screen now, a round trip before its
                # join_workshop is answered (that matters on slow venue Wi-Fi).
                sid = request.sid  # type: ignore[attr-defined]
                self.socketio.emit(STATE_CHANGED, self.service.snapshot(code, "phone"), to=sid)
                me = self.service.me(code, participant.id)
                self.socketio.emit(MY_STATE_CHANGED, me, to=sid)

    def on_disconnect(self, *_args: Any) -> None:
        """Forget the connection."""
        sid = request.sid  # type: ignore[attr-defined]
        self.bindings.pop(sid, None)
        self.buckets.pop(sid, None)

    # -- attendee and projector commands ----------------------------------------

    def join_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A phone joins (or rejoins, by device id); the ack carries its snapshot and `me`."""
        code = valid.code(data.get("code"))
        device_id = valid.device_id(data.get("device_id"))
        name = valid.optional_label(data.get("name"), "name", valid.MAX_NAME_LENGTH)
        group = valid.optional_label(data.get("group"), "group", valid.MAX_GROUP_LENGTH)
        joined, events = self.service.join(code, device_id, name, group)
        self._bind(Binding(code, "phone", joined.participant_id))
        self.publish(events)
        return {
            "ok": True,
            "participant_id": joined.participant_id,
            "device_id": joined.device_id,
            "state": joined.state,
            "me": joined.me,
        }

    def watch_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A projector subscribes read-only; the ack carries the screen snapshot."""
        code = valid.code(data.get("code"))
        state = self.service.snapshot(code, "screen")
        self._bind(Binding(code, "screen"))
        return {"ok": True, "state": state}

    def facilitate_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator proves the token once per connection; the ack carries everything."""
        code = valid.code(data.get("code"))
        token = data.get("token")
        if not isinstance(token, str) or not 0 < len(token) <= 200:
            raise Forbidden("Open the facilitator link you were given to steer this workshop.")
        self.service.check_facilitator(code, token)
        state = self.service.snapshot(code, "facilitator")
        self._bind(Binding(code, "facilitator"))
        return {"ok": True, "state": state}

    def submit_proposal(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee proposes a priority; screens see it once proposals are revealed."""
        me = self._attendee()
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        return self._answer(
            self.service.submit_proposal(me.code, me.participant_id, text, request_id)  # type: ignore[arg-type]
        )

    def _vote(self, data: dict[str, Any], retract: bool) -> dict[str, Any]:
        me = self._attendee()
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        points = valid.integer(data.get("points", 1), "number of dots", 1, 20)
        request_id = valid.request_id(data.get("request_id"))
        round_id = valid.optional_id(data.get("round_id"), "round_id")
        use_case = self.service.retract_vote if retract else self.service.cast_vote
        answer = use_case(me.code, me.participant_id, proposal_id, points, request_id, round_id)  # type: ignore[arg-type]
        return self._own_vote(me, answer)

    def _own_vote(self, me: Binding, answer: Answer) -> dict[str, Any]:
        """Answer a vote with the voter's new view, and tell their other tabs at once."""
        self.coalescer.mark([e for e in answer.events if not isinstance(e, PersonalChanged)])
        # The voting tab learns its new dots from the ack; its other tabs from this emit.
        # A replayed request carries no view of its own: read a fresh one.
        mine = answer.me or self.service.me(me.code, me.participant_id)  # type: ignore[arg-type]
        self._tell_other_tabs(personal_room(me.code, me.participant_id), MY_STATE_CHANGED, mine)  # type: ignore[arg-type]
        if self.interval <= 0:
            self.flush()
        return {**answer.ack, "me": mine}

    def _tell_other_tabs(self, personal: str, event: str, data: dict[str, Any]) -> None:
        """Emit to the attendee's other connections; skip the emit when there are none.

        Most phones have one tab, so the emit usually reaches nobody, yet it cost about
        a twentieth of a vote. Only in one process (no message queue) can this process
        know: with a queue, another process may hold one of the attendee's tabs.
        """
        sid = request.sid  # type: ignore[attr-defined]
        if self.local_rooms_only:
            manager = self.socketio.server.manager
            if all(other == sid for other, _ in manager.get_participants("/", personal)):
                return
        self.socketio.emit(event, data, to=personal, skip_sid=sid)

    def cast_vote(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee places dots; the tally reaches screens in the next coalesced broadcast."""
        return self._vote(data, retract=False)

    def retract_vote(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee takes dots back."""
        return self._vote(data, retract=True)

    # -- facilitator commands --------------------------------------------------

    def change_stage(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Move the workshop to a stage; every room gets a new snapshot."""
        stage: Stage = parse_stage(data.get("stage"))
        return self._answer(self.service.change_stage(f.code, stage))

    def reveal_proposals(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Show or hide the proposals on the wall and phones."""
        revealed = valid.boolean(data.get("revealed"), "revealed")
        return self._answer(self.service.reveal_proposals(f.code, revealed))

    def reveal_results(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Show or hide the results on the phones."""
        revealed = valid.boolean(data.get("revealed"), "revealed")
        return self._answer(self.service.reveal_results(f.code, revealed))

    def hide_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Hide a proposal from every screen and phone at once (duty of care), or show it."""
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        hidden = valid.boolean(data.get("hidden", True), "hidden")
        return self._answer(self.service.hide_proposal(f.code, proposal_id, hidden))

    def edit_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Reword a proposal."""
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        return self._answer(self.service.edit_proposal(f.code, proposal_id, text))

    def merge_proposals(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Merge a duplicate into a survivor that keeps both proposals' dots."""
        survivor = valid.proposal_id(data.get("survivor_id"), "survivor_id")
        absorbed = valid.proposal_id(data.get("absorbed_id"), "absorbed_id")
        return self._answer(self.service.merge_proposals(f.code, survivor, absorbed))

    def unmerge_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Undo a merge."""
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        return self._answer(self.service.unmerge_proposal(f.code, proposal_id))

    def add_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Add a proposal from paper or from someone without a phone."""
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        return self._answer(self.service.add_proposal(f.code, text, request_id))

    def start_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Start a countdown on the wall and the phones."""
        seconds = valid.integer(data.get("seconds"), "number of seconds", 1, 7200)
        return self._answer(self.service.set_timer(f.code, "start", seconds))

    def pause_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Pause the countdown."""
        return self._answer(self.service.set_timer(f.code, "pause"))

    def resume_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Resume the countdown."""
        return self._answer(self.service.set_timer(f.code, "resume"))

    def cancel_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Cancel the countdown."""
        return self._answer(self.service.set_timer(f.code, "cancel"))

    def set_priorities(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Mark proposals as the workshop's priorities, in rank order."""
        ids = valid.proposal_ids(data.get("proposal_ids"))
        return self._answer(self.service.set_priorities(f.code, ids))
