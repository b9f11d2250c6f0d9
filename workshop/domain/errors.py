"""The WorkshopError family: every refusal carries a sentence a person can act on.

The domain stays pure: a refusal carries its English sentence as a template with named
parameters ("Use at most {limit} characters."), and the edge that sends it translates
the template into the connection's language and fills it in (`as_dict(translate)`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

Translate = Callable[[str], str]


def N_(text: str) -> str:
    """Mark a sentence for the catalogues without translating it here (the edge does)."""
    return text


class Phrase:
    """A counted phrase inside a sentence ("3 dots"), translated with the sentence."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        return fill(self.template, self.params)


def fill(
    template: str,
    params: Mapping[str, object],
    translate: Translate | None = None,
    words: bool = True,
) -> str:
    """Return the template in the chosen language, with its named parameters filled in.

    With `words`, text parameters are words of the interface ("name", "idea") and are
    translated too; without, they are people's text and stay as typed. A Phrase always is.
    """
    say = translate or (lambda text: text)
    if not params:
        return say(template)
    values = {
        k: fill(v.template, v.params, translate)
        if isinstance(v, Phrase)
        else say(v)
        if isinstance(v, str) and words
        else v
        for k, v in params.items()
    }
    try:
        return say(template).format(**values)
    except (KeyError, IndexError, ValueError):  # a broken translation falls back to English
        return template.format(**values)


class WorkshopError(Exception):
    """Refuse a command with a sentence that says what to do next."""

    reason = "invalid"
    http_status = 400

    def __init__(self, message: str, **params: object) -> None:
        self.template = message
        self.params = params
        self.message = fill(message, params)  # English, for logs and the command line
        super().__init__(self.message)

    def in_language(self, translate: Translate | None) -> str:
        """Return the sentence in the language translate speaks (English without one)."""
        return fill(self.template, self.params, translate)

    def as_dict(self, translate: Translate | None = None) -> dict[str, object]:
        """Return the one error shape used on every edge; `reason` never changes with language."""
        return {"ok": False, "error": self.in_language(translate), "reason": self.reason}


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


UNKNOWN_WORKSHOP = N_(
    "There is no workshop with that code: check the code on the screen and try again."
)
