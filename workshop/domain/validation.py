"""Check the type, size and shape of every client payload at the edge, with sentences."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from workshop.domain.actions import ActionFields, parse_date, parse_status
from workshop.domain.errors import N_, InvalidInput
from workshop.domain.tokens import CODE_PATTERN, DEVICE_ID_PATTERN, normalise_code

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}\Z")
MAX_PROPOSAL_LENGTH = 500
MAX_TITLE_LENGTH = 120
MAX_NAME_LENGTH = 40
MAX_GROUP_LENGTH = 60
MAX_GROUPS = 8
MAX_ID = 2**31 - 1
MAX_ACTION_LENGTH = 300
MAX_ACTION_FIELD_LENGTH = 200
MAX_PLACE_LENGTH = 80


def payload_dict(payload: Any) -> dict[str, Any]:
    """Return the payload if it is a JSON object, or refuse."""
    if not isinstance(payload, dict):
        raise InvalidInput("The request was not understood: send a JSON object.")
    return payload


# Invisible format characters (category Cf) let text disguise itself: bidirectional
# overrides show "evil.exe" as "exe.live", zero-width spaces and marks (U+200B, U+200E)
# make two names look alike, tag characters (U+E0041...) smuggle hidden text. All go,
# except the joiners Persian words and emoji need (U+200C, U+200D) and the tags of a
# subdivision flag such as England's, kept whole.
KEPT_FORMAT = {"\u200c", "\u200d"}
FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,6}\U000e007f")
# Refused by length before any per-character work: cleaning only ever shortens text,
# so a value this much longer than allowed can never clean down to a valid one
# worth keeping, and filtering 255 KB character by character stalled the server.
SLACK = 4


def _keep(ch: str) -> bool:
    """Say whether a typed character may reach a wall, a phone or a plan."""
    if ch in "\n\t" or ch in KEPT_FORMAT:
        return True
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn", "Cf")


def strip_invisible(value: str) -> str:
    """Return value without control, format, surrogate and unassigned characters."""
    kept: list[str] = []
    start = 0
    for flag in FLAG_SEQUENCE.finditer(value):
        kept.extend(ch for ch in value[start : flag.start()] if _keep(ch))
        kept.append(flag.group())
        start = flag.end()
    kept.extend(ch for ch in value[start:] if _keep(ch))
    return "".join(kept)


def clean_text(value: Any, what: str, max_length: int, required: bool = True) -> str:
    """Return trimmed text without control characters, or refuse with what is wrong."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("The {what} must be text.", what=what)
    if len(value) > max_length * SLACK + 64:
        raise InvalidInput(
            "The {what} is too long: keep it under {max_length} characters (it has {count}).",
            what=what,
            max_length=max_length,
            count=len(value),
        )
    cleaned = strip_invisible(value).strip()
    cleaned = unicodedata.normalize("NFC", cleaned)
    if required and not cleaned:
        raise InvalidInput("The {what} is empty: write something first.", what=what)
    if len(cleaned) > max_length:
        raise InvalidInput(
            "The {what} is too long: keep it under {max_length} characters (it has {count}).",
            what=what,
            max_length=max_length,
            count=len(cleaned),
        )
    return cleaned


def code(value: Any) -> str:
    """Return a normalised workshop code, or refuse."""
    if not isinstance(value, str) or len(value) > 20:
        raise InvalidInput("Type the six-character join code shown on the screen.")
    normal = normalise_code(value)
    if not CODE_PATTERN.match(normal):
        raise InvalidInput(
            "That is not a join code: it has six letters and numbers, as shown on the screen."
        )
    return normal


def device_id(value: Any) -> str | None:
    """Return the phone's device id, None if missing, or refuse a malformed one."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not DEVICE_ID_PATTERN.match(value):
        raise InvalidInput("This phone's id is not valid: reload the page to get a new one.")
    return value


def request_id(value: Any) -> str:
    """Return the command's request id, or refuse."""
    if not isinstance(value, str) or not REQUEST_ID_PATTERN.match(value):
        raise InvalidInput(
            "Each command needs a request_id of 1 to 64 letters, digits or -_.: characters."
        )
    return value


def integer(value: Any, what: str, low: int, high: int) -> int:
    """Return an integer within [low, high], or refuse (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("The {what} must be a whole number.", what=what)
    if not low <= value <= high:
        raise InvalidInput(
            "The {what} must be between {low} and {high}.", what=what, low=low, high=high
        )
    return value


def proposal_id(value: Any, what: str = "proposal_id", thing: str = "proposal") -> int:
    """Return the id of a proposal (or of another `thing`, such as an action), or refuse."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidInput(
            N_("The {what} must be the number of an {thing}.")
            if thing[0] in "aeiou"
            else N_("The {what} must be the number of a {thing}."),
            what=what,
            thing=thing,
        )
    return value


def optional_id(value: Any, what: str) -> int | None:
    """Return a positive id, or None when it was not given."""
    if value is None:
        return None
    return proposal_id(value, what, what.removesuffix("_id"))


def boolean(value: Any, what: str) -> bool:
    """Return a true/false flag, or refuse."""
    if not isinstance(value, bool):
        raise InvalidInput("The {what} setting must be true or false.", what=what)
    return value


def optional_label(value: Any, what: str, max_length: int) -> str | None:
    """Return None when missing (keep the old value), "" to clear, or the cleaned text."""
    if value is None:
        return None
    return clean_text(value, what, max_length, required=False)


def group_labels(value: Any) -> list[str]:
    """Return up to MAX_GROUPS distinct stakeholder group names."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput("Groups must be a list of names.")
    labels = [clean_text(v, "group name", MAX_GROUP_LENGTH) for v in value]
    labels = [label for label in labels if label]
    if len(labels) > MAX_GROUPS:
        raise InvalidInput("Use at most {max_groups} stakeholder groups.", max_groups=MAX_GROUPS)
    if len({label.casefold() for label in labels}) != len(labels):
        raise InvalidInput("Each stakeholder group must have a different name.")
    return labels


def proposal_ids(value: Any) -> list[int]:
    """Return a list of proposal ids, or refuse."""
    if not isinstance(value, list) or len(value) > 100:
        raise InvalidInput("The priorities must be a list of idea numbers.")
    return [proposal_id(v) for v in value]


def due_date(value: Any, what: str = "due date") -> date | bool | None:
    """Return False when missing (unchanged), None for "" (clear), or the date."""
    if value is None:
        return False
    if not isinstance(value, str) or len(value) > 20:
        raise InvalidInput("Write the {what} as year-month-day, for example 2026-06-30.", what=what)
    return parse_date(value.strip(), what)


def action_fields(data: dict[str, Any], text_required: bool) -> ActionFields:
    """Return the action fields present in a payload, each checked."""
    text = data.get("text")
    if text_required or text is not None:
        text = clean_text(text, "action", MAX_ACTION_LENGTH)
    extras = {
        name: optional_label(data.get(name), label, MAX_ACTION_FIELD_LENGTH)
        for name, label in (
            ("owner", "owner"),
            ("partners", "partners"),
            ("resources", "resources"),
            ("success", "description of success"),
        )
    }
    status = data.get("status")
    return ActionFields(
        text=text,
        due_on=due_date(data.get("due_on")),
        status=parse_status(status) if status is not None else None,
        **extras,
    )
