"""The interface languages a workshop can speak, and checking a language a client names."""

from __future__ import annotations

from typing import Any

from workshop.domain.errors import InvalidInput

# English, Welsh, Polish: each has a complete catalogue in translations/.
CODES = ("en", "cy", "pl")
DEFAULT = "en"


def language(value: Any, what: str = "language") -> str:
    """Return a language code the toolkit speaks, or refuse with the list."""
    if isinstance(value, str) and value.strip().lower() in CODES:
        return value.strip().lower()
    raise InvalidInput(
        "There is no {what} called that: choose one of {names}.",
        what=what,
        names=", ".join(CODES),
    )


def optional_language(value: Any, what: str) -> str | None:
    """Return a language code, or None for "" or a missing value (no second language)."""
    if value is None or value == "":
        return None
    return language(value, what)
