"""Languages on the HTTP edge: Flask-Babel picks each request's language, from the catalogues.

A person's language comes from, in order: `?lang=` (the page's own language menu), the
`lang` cookie that menu leaves on this phone, then the browser's Accept-Language. Pages
that speak for the workshop (the wall, the published plan) render in the workshop's
language instead, with `in_language`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import flask_babel
from babel import support
from flask import Flask, current_app, g, jsonify, request
from markupsafe import Markup

from workshop.domain.errors import Translate, WorkshopError
from workshop.usecases.language import DEFAULT, LANGUAGES, Languages, from_accept_language, known

SCRIPT = re.compile(r'src="/static/js/([\w.-]+\.js)"')
# Sentences the server puts in snapshots in English, which pages translate as they show them.
SERVER_SENTENCES = ("workshop/domain/words.py", "workshop/domain/how_counted.py")
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def languages() -> Languages:
    """Return the app's catalogues."""
    return cast(Languages, current_app.extensions["workshop.languages"])


def chosen() -> str:
    """Return the language this request asked for (menu, cookie, then the browser's wish)."""
    return (
        known(request.args.get(COOKIE))
        or known(request.cookies.get(COOKIE))
        or from_accept_language(request.headers.get("Accept-Language"))
    )


def current() -> str:
    """Return the language this response is being written in."""
    forced = g.get("workshop_language")
    return str(forced) if forced else chosen()


def second() -> str | None:
    """Return the wall's second language while a bilingual wall is being written."""
    found = g.get("workshop_language2")
    return str(found) if found else None


def say() -> Translate:
    """Return the translating function for this response's language (or both, on a bilingual wall).

    On a bilingual wall every sentence reads "first / second" ("Join code / Cod ymuno").
    """
    first = languages().translate(current())
    other = second()
    if other is None:
        return first
    then = languages().translate(other)

    def both(text: str) -> str:
        one, two = first(text), then(text)
        return one if one == two else f"{one} / {two}"

    return both


def sentence(error: WorkshopError) -> str:
    """Return a refusal's sentence in this request's language."""
    return error.in_language(say())


@contextmanager
def in_language(language: str | None, also: str | None = None) -> Iterator[None]:
    """Render what is inside in the given language (the workshop's), whoever asks.

    `also` names a second language shown beside the first (a bilingual wall).
    """
    before = g.get("workshop_language"), g.get("workshop_language2")
    g.workshop_language = known(language) or DEFAULT
    g.workshop_language2 = known(also) if known(also) != g.workshop_language else None
    try:
        with flask_babel.force_locale(g.workshop_language):
            yield
    finally:
        g.workshop_language, g.workshop_language2 = before


class _Table(support.NullTranslations):
    """gettext for Jinja, answered from the catalogue dictionaries."""

    def __init__(self, translate: Translate) -> None:
        super().__init__()
        self._say = translate

    def gettext(self, message: str) -> str:
        return self._say(message)

    ugettext = gettext


class CatalogueDomain(flask_babel.Domain):
    """Flask-Babel's domain, reading the catalogues the app already holds."""

    def get_translations(self) -> support.NullTranslations:
        return _Table(say())


def catalogue_tag(scripts_html: str, lazy: Sequence[str] = ()) -> Markup:
    """Return the page's JavaScript catalogue as a JSON data block (no inline script: CSP).

    The page's own <script> tags say which scripts it runs; it gets only their sentences.
    """
    language = current()
    names = [*SCRIPT.findall(str(scripts_html)), *lazy]
    files = [f"static/js/{name}" for name in names]
    files += list(SERVER_SENTENCES)
    data: dict[str, Any] = {"lang": language, "messages": languages().for_scripts(language, files)}
    other = second()
    if other is not None:  # a bilingual wall: its scripts show both languages
        data.update(lang2=other, messages2=languages().for_scripts(other, files))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="i18n">{text}</script>')


def remember(response: Any) -> Any:
    """Keep a language chosen from the page's menu on this phone (a cookie, a year)."""
    asked = known(request.args.get(COOKIE))
    if asked and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_AGE, samesite="Lax")
    return response


def easy_read() -> Any:
    """Return the Easy Read sentences of the phone page (fetched when its switch is turned on)."""
    response = jsonify(languages().easy_sentences)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def setup(app: Flask, catalogues: Languages) -> None:
    """Give the app Flask-Babel, its catalogues, and the helpers every template uses."""
    app.extensions["workshop.languages"] = catalogues
    babel = flask_babel.Babel()
    babel.init_app(app, locale_selector=current)
    babel.domain_instance = CatalogueDomain()
    app.after_request(remember)
    app.add_url_rule("/i18n/easyread.json", "easy_read", easy_read)

    def context() -> dict[str, Callable[..., Any] | Any]:
        return {
            "catalogue_tag": catalogue_tag,
            "page_language": current(),
            "language_names": LANGUAGES,
        }

    app.context_processor(context)
