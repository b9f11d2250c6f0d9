"""The Socket.IO edge of one app: connect and disconnect, and every command registered by name.

Each feature's handlers (attendees, facilitation, rounds, plans) list their commands
explicitly; this module wraps each one so it spends the connection's flood allowance,
never raises (a refusal or a crash becomes an ack), and lets the broadcaster run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from workshop.domain import validation as valid
from workshop.domain.errors import N_, InvalidInput, RateLimited, WorkshopError
from workshop.domain.flood import Guard
from workshop.live.attendees import AttendeeHandlers
from workshop.live.bindings import Binding, room
from workshop.live.care import CareHandlers
from workshop.live.edge import Edge, current_sid, serving
from workshop.live.facilitation import FacilitationHandlers
from workshop.live.language import ConnectionLanguages
from workshop.live.packets import MALFORMED_EVENT
from workshop.live.plans import PlanHandlers
from workshop.live.room import RoomHandlers
from workshop.live.rounds import RoundHandlers
from workshop.live.themes import ThemeHandlers
from workshop.usecases import UseCases
from workshop.usecases.events import MY_STATE_CHANGED, STATE_CHANGED
from workshop.usecases.language import Languages

log = logging.getLogger(__name__)
MALFORMED = N_("The request was not understood: send JSON without NaN, Infinity or deep nesting.")

SERVER_ERROR = {
    "ok": False,
    "error": N_("Something went wrong on our side: please try again in a moment."),
    "reason": "server_error",
}


class Realtime:
    """The socket handlers of one app, registered on its Socket.IO server."""

    def __init__(
        self,
        socketio: SocketIO,
        app: UseCases,
        settings: dict[str, Any],
        on_closed: Callable[[str], None] | None = None,
        guard: Guard | None = None,
        languages: Languages | None = None,
    ) -> None:
        self.socketio = socketio
        self.languages = ConnectionLanguages(languages)
        self.app = app
        self.edge = Edge(socketio, app.audiences, settings, on_closed, guard)
        self.commands: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
        self.facilitator_only: set[str] = set()
        self._on("connect", self.on_connect)
        self._on("disconnect", self.on_disconnect)
        attendees = AttendeeHandlers(self.edge, app)
        facilitation = FacilitationHandlers(self.edge, app)
        rounds = RoundHandlers(self.edge, app)
        plans = PlanHandlers(self.edge, app)
        room_control = RoomHandlers(self.edge, app)
        care = CareHandlers(self.edge, app)
        themes = ThemeHandlers(self.edge, app)
        for name, command in {
            **attendees.commands(),
            **rounds.commands(),
            **plans.commands(),
            **care.commands(),
            **themes.commands(),
        }.items():
            self._register(name, command)
        self._on(
            MALFORMED_EVENT,
            lambda *_: InvalidInput(MALFORMED).as_dict(self.languages.say(current_sid())),
        )
        for name, facilitator_command in {
            **facilitation.facilitator_commands(),
            **rounds.facilitator_commands(),
            **plans.facilitator_commands(),
            **room_control.facilitator_commands(),
            **care.facilitator_commands(),
            **themes.facilitator_commands(),
        }.items():
            self._register(name, self._as_facilitator(facilitator_command))
            self.facilitator_only.add(name)

    def every_hour(self, job: Callable[[], object]) -> None:
        """Run job about once an hour on the broadcaster's task (retention, for example)."""
        self.edge.every_hour(job)

    def flush(self) -> None:
        """Send every pending broadcast now (tests, and a server with no interval)."""
        self.edge.flush()

    def _as_facilitator(
        self, command: Callable[[Binding, dict[str, Any]], dict[str, Any]]
    ) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def checked(data: dict[str, Any]) -> dict[str, Any]:
            binding = self.edge.facilitator()
            # A token replaced since this connection proved it no longer steers anything,
            # on whichever process the connection is held (rotation also evicts at once).
            self.app.core.check_facilitator(binding.code, binding.token or "")
            return command(binding, data)

        return checked

    def _register(self, name: str, command: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.commands[name] = command
        edge = self.edge

        def handler(payload: Any = None) -> dict[str, Any]:
            try:
                edge.spend()
                return command(valid.payload_dict(payload))
            except RateLimited as refusal:
                sid = current_sid()
                if edge.guard.flooding(sid):  # a script ignoring "too fast": hang up on it
                    self.socketio.start_background_task(self.socketio.server.disconnect, sid)
                return refusal.as_dict(self.languages.say(current_sid()))
            except WorkshopError as refusal:
                return refusal.as_dict(self.languages.say(current_sid()))
            except Exception:  # an ack, never an exception, reaches the client
                log.exception("command %s failed", name)
                say = self.languages.say(current_sid()) or (lambda text: text)
                return {**SERVER_ERROR, "error": say(str(SERVER_ERROR["error"]))}
            finally:
                # SQLite calls never yield to green threads: send what is due to the
                # wall, then give every other phone a turn after each command, or a
                # burst of votes would silence the wall until the last one is counted.
                if edge.interval > 0:
                    edge.flush_if_due()
                self.socketio.sleep(0)

        handler.__name__ = name
        self._on(name, handler)

    def _on(self, event: str, handler: Callable[..., Any]) -> None:
        """Register a handler straight onto python-socketio, run as its connection's.

        Not through Flask-SocketIO's on_event: see edge.serving for what that costs.
        """

        def on_event(sid: str, *args: Any) -> Any:
            with serving(sid):
                return handler(*args)

        on_event.__name__ = event
        self.socketio.server.on(event, on_event, namespace="/")

    # -- connection ------------------------------------------------------------

    def on_connect(self, environ: dict[str, Any], auth: Any = None) -> bool:
        """Bind a (re)connecting client from its `auth`, so buffered commands work at once."""
        self.edge.remember_address(environ)
        self.languages.remember(current_sid(), environ, auth)
        self.edge.announce(auth)
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
            if self.app.core.find_workshop(code) is not None:
                self.edge.bind(Binding(code, "screen"))
        elif isinstance(auth.get("token"), str):
            token = auth["token"][:200]
            self.app.core.check_facilitator(code, token)
            self.edge.bind(Binding(code, "facilitator", token=token))
        elif (device_id := valid.device_id(auth.get("device_id"))) is not None:
            participant = self.app.workshops.find_participant(code, device_id)
            if participant is not None and not participant.removed:
                self.edge.bind(Binding(code, "phone", participant.id, device_id))
                # A returning phone can draw its screen now, a round trip before its
                # join_workshop is answered (that matters on slow venue Wi-Fi).
                sid = current_sid()
                self.socketio.emit(
                    STATE_CHANGED, self.app.audiences.snapshot(code, "phone"), to=sid
                )
                me = self.app.audiences.me(code, participant.id)
                self.socketio.emit(MY_STATE_CHANGED, me, to=sid)

    def evict_facilitators(self, code: str) -> None:
        """Close every console connection of a workshop whose token was just replaced."""
        self.edge.hang_up(room(code, "facilitator"))

    def on_disconnect(self, *_args: Any) -> None:
        """Forget the connection."""
        self.edge.forget(current_sid())
        self.languages.forget(current_sid())
