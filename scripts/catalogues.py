"""Extract every interface sentence and bring the catalogues up to date.

    .venv/bin/python scripts/catalogues.py          # write messages.pot, merge into each .po
    .venv/bin/python scripts/catalogues.py --check  # exit 1 if a sentence is missing anywhere

Sentences come from three places (babel.cfg says the same for pybabel):
- Python: `_()` at the edges, `N_()` (marked, translated later at the edge), and the
  first argument of every refusal (`raise InvalidInput("...", name=...)`);
- Jinja templates: `{{ _("...") }}`;
- JavaScript: `W.t("...")`, `W.tn("one", "many", n)` and `W.N_("...")`.
The Easy Read catalogue (translations/en/LC_MESSAGES/easyread.po) holds every sentence
the phone page shows, in Easy Read English.
"""

from __future__ import annotations

import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "translations"
LANGUAGES = ("cy", "pl")
REFUSALS = (
    "WorkshopError",
    "InvalidInput",
    "NotFound",
    "WrongStage",
    "Forbidden",
    "NoDotsLeft",
    "LimitReached",
    "Conflict",
    "RateLimited",
    "SheetError",
)
# Each kind of source has its own markers: `say` and `t` mean something else elsewhere.
PYTHON_KEYWORDS: dict[str, object] = {
    "_": None,
    "gettext": None,
    "N_": None,
    "say": None,  # exports: the sentence in the workshop's language
    **{name: (1,) for name in REFUSALS},
    # the field a refusal names ("The {what} must be text."), translated with it
    **{name: (2,) for name in ("clean_text", "integer", "boolean", "optional_label")},
}
METHODS = [
    ("workshop/**.py", "python", PYTHON_KEYWORDS),
    ("templates/**.html", "jinja2.ext:babel_extract", {"_": None, "gettext": None}),
    ("static/js/**.js", "javascript", {"t": None, "tn": (1, 2), "N_": None, "W_": None}),
]
# What the phone shows: its page, the shared page frame and the phone's scripts.
PHONE_FILES = (
    "templates/phone.html",
    "templates/base.html",
    "templates/language_menu.html",
    "static/js/common.js",
    "static/js/phone.js",
    "static/js/phone-outbox.js",
    "static/js/phone-care.js",
    "static/js/phone-ballots.js",
    "static/js/phone-plan.js",
    "static/js/phone-themes.js",
    "static/js/easy-read.js",
    "static/js/phone-early.js",
    "static/js/phone-easy.js",
    "workshop/domain/words.py",
    # the refusals a phone can meet (joining, sharing, dots, a private word, flood limits)
    "workshop/domain/voting.py",
    "workshop/domain/stages.py",
    "workshop/domain/flood.py",
    "workshop/domain/errors.py",
    "workshop/usecases/workshops.py",
    "workshop/usecases/room.py",
    "workshop/usecases/care.py",
    "workshop/live/edge.py",
    "workshop/live/attendees.py",
    "workshop/live/server.py",
)


def extract() -> Catalog:
    """Return every translatable sentence of the project, with where it is used."""
    catalog = Catalog(project="workshop", locale="en", fuzzy=False)
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
    found = []
    for pattern, method, keywords in METHODS:
        found += extract_from_dir(
            ROOT,
            [(pattern, method)],
            options,
            keywords=keywords,  # type: ignore[arg-type]
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
    for filename, lineno, message, comments, context in found:
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path, locale: str) -> Catalog:
    """Return a .po file's catalogue (an empty one if it does not exist yet)."""
    if not path.exists():
        return Catalog(locale=locale)
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    """Write a catalogue, without line numbers (so a moved line is not a changed file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False)
    path.write_bytes(out.getvalue())


def is_phone(message: object) -> bool:
    """Say whether a sentence shows on the phone page."""
    return any(path in PHONE_FILES for path, _ in getattr(message, "locations", ()))


def phone_template(template: Catalog) -> Catalog:
    """Return the phone's sentences only: the Easy Read catalogue's template."""
    phone = Catalog(locale="en")
    for message in template:
        if message.id and is_phone(message):
            phone.add(message.id, None, message.locations)
    return phone


def update() -> None:
    """Write messages.pot and merge it into every language's and Easy Read's .po file."""
    template = extract()
    write(FOLDER / "messages.pot", template)
    for code in LANGUAGES:
        path = FOLDER / code / "LC_MESSAGES" / "messages.po"
        catalog = read(path, code)
        # no guessing: a new sentence starts untranslated, never with a neighbour's words
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        write(path, unguessed(catalog))
    path = FOLDER / "en" / "LC_MESSAGES" / "easyread.po"
    easy = read(path, "en")
    easy.update(phone_template(template), no_fuzzy_matching=True, update_header_comment=False)
    write(path, unguessed(easy))


def unguessed(catalog: Catalog) -> Catalog:
    """Empty every fuzzy entry: a guessed translation must not pass for a written one."""
    for message in catalog:
        if message.id and message.fuzzy:
            message.string = ("",) * len(message.id) if isinstance(message.id, tuple) else ""
            message.flags.discard("fuzzy")
            message.previous_id = []
    return catalog


def missing() -> list[str]:
    """Return a line for every sentence a catalogue lacks or leaves untranslated."""
    template = extract()
    problems: list[str] = []
    for code in LANGUAGES:
        catalog = read(FOLDER / code / "LC_MESSAGES" / "messages.po", code)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            strings = found.string if found is not None else None
            done = (
                found is not None
                and not found.fuzzy
                and (all(strings) if isinstance(strings, tuple) else bool(strings))
            )
            if not done:
                where = message.locations[0][0] if message.locations else "?"
                problems.append(f"{code}: {message.id!r} ({where})")
    easy = read(FOLDER / "en" / "LC_MESSAGES" / "easyread.po", "en")
    for message in phone_template(template):
        if message.id and not translated(easy.get(message.id)):
            problems.append(f"easyread: {message.id!r}")
    return problems


def translated(found: Message | None) -> bool:
    """Say whether a catalogue entry has every form written and is not marked fuzzy."""
    if found is None or found.fuzzy:
        return False
    strings = found.string
    return all(strings) if isinstance(strings, tuple) else bool(strings)


PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)s")


def placeholders(text: str) -> set[str]:
    """Return the named placeholders of a sentence ({name} and %(name)s alike)."""
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def wrong_placeholders() -> list[str]:
    """Return a line for every translation whose placeholders differ from its msgid's."""
    problems: list[str] = []
    for code, path in [
        *((c, FOLDER / c / "LC_MESSAGES" / "messages.po") for c in LANGUAGES),
        ("easyread", FOLDER / "en" / "LC_MESSAGES" / "easyread.po"),
    ]:
        for message in read(path, "en" if code == "easyread" else code):
            if not message.id or not message.string or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            want = set().union(*(placeholders(i) for i in ids))
            for text in strings:
                # a plural form may leave the number out ("one dot") but adds no new name
                # Easy Read may leave a detail out ("This round is not about dots.")
                dropped = not placeholders(text) >= want - {"n"} and code != "easyread"
                if text and (placeholders(text) - want or dropped):
                    problems.append(f"{code}: {message.id!r} -> {text!r}")
    return problems


if __name__ == "__main__":
    if "--check" in sys.argv:
        gaps = missing() + wrong_placeholders()
        print("\n".join(gaps) or "Every sentence is in every catalogue.")
        sys.exit(1 if gaps else 0)
    update()
