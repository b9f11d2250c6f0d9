"""The language an export is written in: the workshop's, through the catalogues.

Exports stay pure functions of a plan document: the document names its workshop's
`language`, and the composition root installs once how a language's sentences are
found (`install`). Each entry point renders inside `speaking(document language)`, and
every sentence goes through `say("Template {name}", name=...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from workshop.domain.errors import Translate, fill

_found: list[Callable[[str], Translate]] = []
_speaking: ContextVar[Translate | None] = ContextVar("export_language", default=None)


def install(lookup: Callable[[str], Translate]) -> None:
    """Say how a language's sentences are found (the app's catalogues)."""
    _found[:] = [lookup]


def say(template: str, **params: object) -> str:
    """Return a sentence in the export's language, its named parameters filled in."""
    return fill(template, params, _speaking.get(), words=False)


def language_of(document: dict[str, Any]) -> str:
    """Return the language of a plan document, or of a series' first meeting."""
    if document.get("workshops"):
        document = document["workshops"][0]
    workshop = document.get("workshop", {})
    return str(workshop.get("language") or "en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Write what is inside in this language (English when none is installed)."""
    translate = _found[0](language) if _found and language != "en" else None
    token = _speaking.set(translate)
    try:
        yield
    finally:
        _speaking.reset(token)
