"""Each connection's language, so a refusal's `error` sentence reaches people in theirs.

A client names its language in `auth.lang` when it connects; without one, the
handshake's `lang` cookie (the page's language menu) and then its Accept-Language
decide. `auth.easy: true` (a phone with Easy Read on) asks for Easy Read sentences, in
English. `reason` never changes with the language: clients branch on that.
"""

from __future__ import annotations

from typing import Any

from werkzeug.http import parse_cookie

from workshop.domain.errors import Translate
from workshop.usecases.language import Languages, from_accept_language, known


class ConnectionLanguages:
    """The language of every connection this process holds."""

    def __init__(self, catalogues: Languages | None) -> None:
        self.catalogues = catalogues
        self.by_sid: dict[str, str] = {}
        self.easy: set[str] = set()  # connections whose phone has Easy Read switched on

    def remember(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        """Note the language a connecting client asked for (auth, cookie, then browser).

        environ is the handshake's: its `lang` cookie and Accept-Language header.
        """
        asked = auth.get("lang") if isinstance(auth, dict) else None
        if isinstance(auth, dict) and auth.get("easy") is True:
            self.easy.add(sid)
        self.by_sid[sid] = (
            known(asked)
            or known(parse_cookie(environ).get("lang"))
            or from_accept_language(environ.get("HTTP_ACCEPT_LANGUAGE"))
        )

    def of(self, sid: str) -> str:
        """Return a connection's language (English when unknown)."""
        return self.by_sid.get(sid, "en")

    def say(self, sid: str) -> Translate | None:
        """Return the translating function for a connection, None for English."""
        language = self.of(sid)
        easy = sid in self.easy
        if self.catalogues is None or (language == "en" and not easy):
            return None
        return self.catalogues.translate(language, easy=easy)

    def forget(self, sid: str) -> None:
        """Drop a closed connection."""
        self.by_sid.pop(sid, None)
        self.easy.discard(sid)
