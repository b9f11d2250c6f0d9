"""Spot personal details in a proposal, so it waits for the facilitator instead of the wall.

A pure detector: it says which kind of detail it saw and where, never what to do.
It errs towards holding (a held proposal costs the facilitator one key press; a phone
number on the wall cannot be taken back), but it is measured against 200 ordinary
proposals of a recovery partnership review (tests/data/) so it stays quiet on place
names, organisations, money, counts and meeting dates. It reads English as typed:
a name written all in lower case ("john smith") is not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workshop.domain.errors import N_

# The kinds, in the order they are looked for; the first found is the reason given.
KINDS = ("email", "phone", "postcode", "address", "date_of_birth", "name")

REASONS = {
    "email": N_("It looks like it holds an email address."),
    "phone": N_("It looks like it holds a phone number."),
    "postcode": N_("It looks like it holds a postcode."),
    "address": N_("It looks like it holds a street address."),
    "date_of_birth": N_("It looks like it holds a date of birth."),
    "name": N_("It looks like it names a person."),
}


@dataclass(frozen=True)
class Finding:
    """One personal detail seen in a text: its kind, the sentence to show, and where it is."""

    kind: str
    start: int
    end: int

    @property
    def reason(self) -> str:
        """Return the sentence the facilitator reads beside the held proposal."""
        return REASONS[self.kind]


def find_personal_details(text: str, this_year: int) -> Finding | None:
    """Return the first personal detail in text (in the order of KINDS), or None."""
    for kind in KINDS:
        found = FINDERS[kind](text, this_year)
        if found is not None:
            return Finding(kind, *found)
    return None


Span = tuple[int, int]

# -- email -------------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# "jo at example dot com", "jo(at)example(dot)co(dot)uk": people dodging spam filters.
SPELLED_EMAIL = re.compile(
    r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
    r"(?:com|org|net|uk|co|gov)\b",
    re.IGNORECASE,
)


def _email(text: str, _year: int) -> Span | None:
    found = EMAIL.search(text) or SPELLED_EMAIL.search(text)
    return found.span() if found else None


# -- phone numbers -----------------------------------------------------------------

# Where a number may start: +44, 0044, +48..., or a 0 (UK numbers), perhaps in brackets.
PHONE_START = re.compile(r"(?<![\w+])(?P<intl>\+|00)(?=[1-9])|(?<![\w+(])\(?(?=0\d)")
# The next group of digits, after at most two separators ("07700 900123", "(01622) 765").
PHONE_GROUP = re.compile(r"[\s.()-]{0,2}(?:\(0\))?[\s.-]?(\d+)")


def _phone(text: str, _year: int) -> Span | None:
    for start in PHONE_START.finditer(text):
        international = start.group("intl") is not None
        position, digits, end = start.end(), 0, start.end()
        while (group := PHONE_GROUP.match(text, position)) is not None:
            if group.start(1) > position + 4:
                break
            digits += len(group.group(1))
            position = end = group.end()
            # A UK number has 10 or 11 digits with its 0; an international one 8 to 15.
            if international and 8 <= digits <= 15 and not _digit_follows(text, end):
                return start.start(), end
            if not international and digits in (10, 11) and not _digit_follows(text, end):
                return start.start(), end
            if digits > 15:
                break
    return None


def _digit_follows(text: str, end: int) -> bool:
    """Say whether more digits follow closely (then the number is longer than it looks)."""
    return re.match(r"[\s.-]?\d", text[end : end + 2]) is not None


# -- postcodes and street addresses --------------------------------------------------

POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)


def _postcode(text: str, _year: int) -> Span | None:
    for found in POSTCODE.finditer(text):
        if ORDINAL.match(found.group(2)):
            continue  # "the A20 2nd exit": a road and an ordinal, not a postcode
        return found.span()
    return None


STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Gardens|"
    "Terrace|Grove|Hill|Row|Square|Walk|Mews|Rise|View|Parade|Green|Park"
)
ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’-]+\s+){1,3}(?:" + STREET_WORDS + r")\b"
)
FLAT = re.compile(r"\b(?:flat|apartment|apt)\.?\s+\d+[A-Za-z]?,?\s+\d{1,4}\s+[A-Z]", re.IGNORECASE)


def _address(text: str, _year: int) -> Span | None:
    found = ADDRESS.search(text) or FLAT.search(text)
    return found.span() if found else None


# -- dates of birth ------------------------------------------------------------------

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})"
WORDED_DATE = (
    r"\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:" + MONTHS + r")\.?,?\s+(\d{4})"
    r"|(?:" + MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(\d{4})"
)
ANY_DATE = re.compile(NUMERIC_DATE + "|" + WORDED_DATE, re.IGNORECASE)
BIRTH_WORDS = re.compile(
    r"\b(?:born|date of birth|d\.?o\.?b\b\.?|birthday)\W{0,3}(?:\w+\W+){0,3}?"
    r"(?:" + NUMERIC_DATE + "|" + WORDED_DATE + r"|\d{4})",
    re.IGNORECASE,
)
# A full date this many years back or more is a birthday, not a meeting or a deadline.
YEARS_BACK = 12


def _date_of_birth(text: str, this_year: int) -> Span | None:
    found = BIRTH_WORDS.search(text)
    if found:
        return found.span()
    for date in ANY_DATE.finditer(text):
        year_text = next(group for group in date.groups() if group)
        year = int(year_text)
        if len(year_text) == 4 and year <= this_year - YEARS_BACK:
            return date.span()
    return None


# -- names of people -----------------------------------------------------------------

# Common first names in England (and in Kent's Polish, Romanian, South Asian and African
# communities). Names that are also everyday words or places (Will, May, Grace, Hope,
# Victoria, Mark, Dawn, Rose...) are left out: they cost more false holds than they catch.
_FIRST_NAMES = """
    Aaron Abdul Abigail Adam Adrian Agnieszka Ahmed Aidan Aisha Alan Albert Alex Alexander
    Alexandra Ali Alice Alison Amanda Amir Amy Andrea Andrei Andrew Andrzej Andy Angela Ann
    Anna Anne Anthony Anton Antony Barbara Barry Ben Benjamin Beth Bethany Beverley Brian
    Bridget Callum Carl Carla Caroline Catherine Charles Charlie Charlotte Chidi Chloe Chris
    Christine Christopher Claire Colin Connor Craig Daniel Danny Darren Dave David Dean
    Debbie Deborah Deepak Denise Dennis Derek Diane Donna Dorothy Duncan Eleanor Elizabeth
    Ellie Emily Emma Eric Fatima Fiona Gareth Gary Gavin Gemma Geoffrey George Georgia Gordon
    Graham Gurpreet Hannah Harpreet Harriet Heather Helen Ian Ionut Jacob James Jamie Jane
    Janet Jaspreet Jason Jennifer Jenny Jessica Jim Jimmy Joanne Joe John Jonathan Joseph
    Josh Joshua Julie Justin Karen Kate Katarzyna Katie Kayleigh Keith Kelly Kevin Kieran
    Kirsty Kwame Laura Lauren Leanne Lee Lesley Lewis Liam Linda Lisa Louise Lucy Luke Lynn
    Manjit Marek Margaret Maria Marie Martin Mary Matthew Megan Melanie Michael Michelle Mihai
    Mike Mohammed Muhammad Natalie Neil Nicholas Nicola Nigel Oliver Olena Oluwaseun Paul
    Paula Pauline Peter Philip Piotr Priya Rachel Rajesh Rebecca Richard Robert Ryan Sam
    Samantha Samuel Sandra Sanjay Sarah Scott Sean Sharon Shaun Simon Sophie Stacey Stephen
    Steve Steven Stuart Susan Tanya Teresa Thomas Tim Timothy Tina Tom Tomasz Tony Tracey
    Tracy Trevor Vicky Wayne William Zoe Ahmad Bilal Imran Kamal Nadia Omar Tariq Yusuf
"""
FIRST_NAMES = frozenset(_FIRST_NAMES.split())
# Capitalised words that follow a first name in a place or an organisation, not a surname.
_NOT_SURNAMES = """
    Street Road Avenue Lane Close Drive Way Crescent Court Place Gardens Terrace Grove Hill
    Row Square Walk Park House Centre Center Hall Church Chapel Hospital Ambulance Trust Group
    Club College School Academy Library Museum Market Station Surgery Hub Project Foundation
    Fund Team Council Partnership Ward Unit Clinic Estate Community Primary
"""
NOT_SURNAMES = frozenset(_NOT_SURNAMES.split())
SURNAME = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?"
CAPITALISED = re.compile(r"(?<![A-Za-z.'’])[A-Z][a-z]+")
FULL_NAME = re.compile(r"(?P<first>[A-Z][a-z]+)\s+(?:[A-Z]\.?\s+)?(?P<last>" + SURNAME + r")\b")
TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+" + SURNAME + r"\b")
# "my keyworker Emma", "my sponsor Gary": a first name beside a role or a relation.
ROLES = (
    "keyworker|key worker|worker|counsellor|counselor|sponsor|nurse|doctor|GP|therapist|"
    "officer|mentor|manager|receptionist|pharmacist|husband|wife|partner|boyfriend|"
    "girlfriend|son|daughter|brother|sister|mum|mother|dad|father|friend|neighbour|cousin|"
    "uncle|aunt|called|named"
)
ROLE_NAME = re.compile(r"\b(?:" + ROLES + r")\s+(?:is\s+|was\s+)?(?P<first>[A-Z][a-z]+)\b")
SAINT = re.compile(r"\b(?:St|Saint)\.?\s+$")


def _name(text: str, _year: int) -> Span | None:
    titled = TITLED.search(text)
    if titled:
        return titled.span()
    for word in CAPITALISED.finditer(text):
        found = FULL_NAME.match(text, word.start())
        if found is None:
            continue
        if found.group("first") not in FIRST_NAMES or found.group("last") in NOT_SURNAMES:
            continue
        if SAINT.search(text[: found.start()]):
            continue  # "St John Ambulance": a saint, not a person in the room
        return found.span()
    for found in ROLE_NAME.finditer(text):
        if found.group("first") in FIRST_NAMES:
            return found.span()
    return None


FINDERS = {
    "email": _email,
    "phone": _phone,
    "postcode": _postcode,
    "address": _address,
    "date_of_birth": _date_of_birth,
    "name": _name,
}
