"""The interface's languages: which one a person gets, and its sentences from the catalogues.

The catalogues are gettext .po files under translations/ (English is the msgids
themselves). They are read once when the app is built, so no compiled .mo file has to
be committed or kept in step: the same dictionaries serve the templates (through
Flask-Babel, web/language.py), the refusals a socket sends (live/), the exports and the
small catalogue each page's JavaScript gets.

Easy Read is its own catalogue (domain "easyread", English only): the same msgids,
with plainer sentences, chosen on a phone whose Easy Read switch is on.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from workshop.domain.errors import Translate

DEFAULT = "en"
# The languages offered, each named in itself (how a person looks for their own).
LANGUAGES = {"en": "English", "cy": "Cymraeg", "pl": "Polski"}
EASY_READ = "easyread"


def _read(path: Path, locale: str) -> Catalog | None:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def known(value: object) -> str | None:
    """Return the language code named by value ("cy", "pl-PL", "en_GB"), or None."""
    if not isinstance(value, str):
        return None
    base = value.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def from_accept_language(header: str | None) -> str:
    """Return the best offered language for an Accept-Language header, English by default."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        code = known(tag)
        if code and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else DEFAULT


class Languages:
    """Every catalogue, read once: sentences by language, and the JavaScript's share."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.catalogues: dict[str, Catalog] = {}
        for code in LANGUAGES:
            found = _read(folder / code / "LC_MESSAGES" / "messages.po", code)
            if found is not None:
                self.catalogues[code] = found
        self.easy = _read(folder / DEFAULT / "LC_MESSAGES" / f"{EASY_READ}.po", DEFAULT)
        self.sentences = {code: _sentences(cat) for code, cat in self.catalogues.items()}
        self.easy_sentences = _sentences(self.easy) if self.easy is not None else {}

    def translate(self, language: str | None, easy: bool = False) -> Translate:
        """Return the function that puts an English msgid into this language."""
        table = self.sentences.get(language or DEFAULT, {})
        easy_table = self.easy_sentences if easy and (language or DEFAULT) == DEFAULT else {}

        def say(text: str) -> str:
            found = easy_table.get(text) or table.get(text)
            return found if isinstance(found, str) and found else text

        return say

    def catalogue(self, language: str | None) -> Catalog | None:
        """Return one language's catalogue (None for English, whose msgids are the text)."""
        return self.catalogues.get(language or DEFAULT)

    def for_scripts(self, language: str | None, scripts: Iterable[str]) -> dict[str, object]:
        """Return the translations the named static/js files use, for the page to embed.

        A page gets only its own scripts' sentences, so a phone on slow Wi-Fi downloads
        no console words. Plural entries are lists of forms, in the language's order.
        """
        return _by_location(self.catalogue(language), scripts)

    def easy_for_scripts(self, scripts: Iterable[str]) -> dict[str, object]:
        """Return the Easy Read forms of the named scripts' (and templates') sentences."""
        return _by_location(self.easy, scripts)

    def plural_forms(self, language: str | None) -> str:
        """Return the catalogue's plural rule (the gettext expression), for the record."""
        cat = self.catalogue(language)
        return cat.plural_expr if cat is not None else "(n != 1)"


def _entry(message: Message) -> tuple[str, object] | None:
    """Return a message's msgid and its translation (a list of forms when counted), if any."""
    if not message.id or message.fuzzy or not message.string:
        return None
    if isinstance(message.id, (tuple, list)):
        forms = [s for s in message.string if s] if not isinstance(message.string, str) else []
        return (str(message.id[0]), forms) if forms else None
    return (str(message.id), message.string) if isinstance(message.string, str) else None


def _sentences(catalogue: Catalog) -> dict[str, object]:
    return dict(entry for message in catalogue if (entry := _entry(message)) is not None)


def _by_location(catalogue: Catalog | None, scripts: Iterable[str]) -> dict[str, object]:
    if catalogue is None:
        return {}
    wanted = set(scripts)
    found: dict[str, object] = {}
    for message in catalogue:
        if any(path in wanted for path, _ in message.locations):
            entry = _entry(message)
            if entry is not None:
                found[entry[0]] = entry[1]
    return found
