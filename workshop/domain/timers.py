"""The facilitator's countdown: start, pause, resume and cancel, with clear refusals."""

from __future__ import annotations

from workshop.domain.errors import Conflict, InvalidInput
from workshop.domain.model import Timer

MAX_TIMER_SECONDS = 2 * 60 * 60


def start(now_ms: int, seconds: int) -> Timer:
    """Return a timer running for the given seconds from now."""
    if not 1 <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput("Set the timer between 1 second and 2 hours.")
    duration = seconds * 1000
    return Timer("running", duration, now_ms + duration, None)


def pause(timer: Timer, now_ms: int) -> Timer:
    """Return the timer frozen with what was left."""
    if timer.status != "running" or timer.ends_at is None:
        raise Conflict("The timer is not running, so there is nothing to pause.")
    return Timer("paused", timer.duration_ms, None, max(0, timer.ends_at - now_ms))


def resume(timer: Timer, now_ms: int) -> Timer:
    """Return the paused timer running again from where it stopped."""
    if timer.status != "paused" or timer.remaining_ms is None:
        raise Conflict("The timer is not paused, so there is nothing to resume.")
    return Timer("running", timer.duration_ms, now_ms + timer.remaining_ms, None)


def cancel(timer: Timer) -> Timer:
    """Return an idle timer."""
    if timer.status == "idle":
        raise Conflict("There is no timer to cancel.")
    return Timer()
