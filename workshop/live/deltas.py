"""Send each audience its new snapshot: whole to clients that asked for snapshots, as a
`state_delta` to clients that announced they apply deltas.

Each audience room has two halves: `...:snapshots` (clients that only understand
`state_changed`, such as clients written before deltas) and `...:deltas` (clients that
announced `"deltas": 1`). This process remembers the last snapshot it broadcast to each
audience of each workshop, and sends the delta from it. A client holding another
version (it joined between two broadcasts, or another process broadcast in between)
asks for a snapshot with `sync_state`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from workshop.live.bindings import room
from workshop.usecases.deltas import Op, diff
from workshop.usecases.events import PROTOCOL_VERSION, STATE_CHANGED, STATE_DELTA

DELTAS = "deltas"
SNAPSHOTS = "snapshots"
REMEMBERED = 300  # audiences' last snapshots kept per process (3 per busy workshop)


def half(code: str, audience: str, kind: str) -> str:
    """Return the half of an audience's room for clients taking deltas or snapshots."""
    return f"{room(code, audience)}:{kind}"


def state_ops(before: dict[str, Any], after: dict[str, Any]) -> list[Op]:
    """Return the operations from one snapshot to the next, the tally left out.

    The tally travels in `tally_changed`, sent in the same broadcast whenever it changed,
    so a delta only says when it appears or disappears (results revealed or hidden).
    """
    shown = {**before, "tally": before.get("tally") is not None}
    now = {**after, "tally": after.get("tally") is not None}
    ops = diff(shown, now)
    for op in ops:
        if op["path"] == ["tally"]:
            op["value"] = after.get("tally")
    return ops


class DeltaSender:
    """Remembers what this process last broadcast to each audience, and sends the change."""

    def __init__(
        self,
        emit: Callable[..., Any],
        occupied: Callable[[str], bool],
        one_process: bool,
    ) -> None:
        self.emit = emit
        self.occupied = occupied  # whether a room may hold anyone (always True with a queue)
        self.one_process = one_process
        self.sent: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    def send(self, code: str, audience: str, state: dict[str, Any]) -> None:
        """Broadcast an audience's new snapshot to both halves of its room."""
        key = (code, audience)
        before = self.sent.pop(key, None)
        self.sent[key] = state
        while len(self.sent) > REMEMBERED:
            self.sent.popitem(last=False)
        snapshots = half(code, audience, SNAPSHOTS)
        if self.occupied(snapshots):
            self.emit(STATE_CHANGED, state, to=snapshots)
        deltas = half(code, audience, DELTAS)
        if not self.occupied(deltas):
            return
        # With several processes, a gap of more than one version means others broadcast
        # in between: their clients hold a version this process never saw, and a delta
        # from ours would make every one of them ask for a snapshot. Send it whole.
        if before is None or (not self.one_process and state["version"] > before["version"] + 1):
            self.emit(STATE_CHANGED, state, to=deltas)
            return
        delta = {
            "protocol": PROTOCOL_VERSION,
            "audience": audience,
            "base": before["version"],
            "version": state["version"],
            "ops": state_ops(before, state),
        }
        self.emit(STATE_DELTA, delta, to=deltas)

    def forget(self, code: str) -> None:
        """Forget a workshop's snapshots (it was deleted)."""
        for audience in ("phone", "screen", "facilitator"):
            self.sent.pop((code, audience), None)
