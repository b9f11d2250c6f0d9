"""The WorkshopError family: every refusal carries a sentence a person can act on."""

from __future__ import annotations


class WorkshopError(Exception):
    """Refuse a command with a sentence that says what to do next."""

    reason = "invalid"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def as_dict(self) -> dict[str, object]:
        """Return the one error shape used on every edge."""
        return {"ok": False, "error": self.message, "reason": self.reason}


class InvalidInput(WorkshopError):
    """The payload has the wrong type, size or shape."""


class NotFound(WorkshopError):
    """The workshop, proposal or attendee does not exist (or is not visible)."""

    reason = "not_found"
    http_status = 404


class WrongStage(WorkshopError):
    """The workshop's current stage does not allow this command."""

    reason = "wrong_stage"
    http_status = 409


class Forbidden(WorkshopError):
    """The caller is not allowed to do this (not a facilitator, not joined)."""

    reason = "forbidden"
    http_status = 401


class NoDotsLeft(WorkshopError):
    """The attendee's vote budget would be overspent."""

    reason = "no_dots_left"
    http_status = 409


class LimitReached(WorkshopError):
    """A per-attendee or per-proposal limit would be exceeded."""

    reason = "limit"
    http_status = 409


class Conflict(WorkshopError):
    """The command contradicts the current state (e.g. merging a proposal into itself)."""

    reason = "conflict"
    http_status = 409


class RateLimited(WorkshopError):
    """The connection is sending commands faster than a person could."""

    reason = "rate_limited"
    http_status = 429


UNKNOWN_WORKSHOP = (
    "There is no workshop with that code: check the code on the screen and try again."
)
