"""Recognise personal data in one cell: e-mail addresses, phone numbers (Google's libphonenumber, US by
default), street addresses (DataMade's usaddress), person names (DataMade's probablepeople with the
Census name frequency lists in `data/`), dates of birth and national ids (US SSN and ITIN by their
validity rules).

Each `find_*` function returns the part of the value that matched, or None, so examples can be masked
without showing the rest of a long free-text cell.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import phonenumbers

#: Values longer than this are cut before they are examined (free text can run to pages).
MAX_VALUE_CHARS = 2000
DEFAULT_REGION = "US"

_DATA = Path(__file__).resolve().parent / "data"

EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# A number that could be a phone: 10 digits in groups, or 11 with a leading 1 / +1. Grouping is what
# tells "(615) 555-1234" from a 10-digit permit number such as "2023023374".
_PHONE_SHAPE = re.compile(r"(?<![\d-])(\+?1[\s.-]?)?(\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\d-])")
_PHONE_ONLY = re.compile(
    r"^\s*(tel|phone|ph|cell|mobile)?[.:]?\s*(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\s*$", re.I
)
#: SQL (RE2) pre-filters: rows that cannot match are skipped by DuckDB before Python looks at them.
PREFILTER = {
    "email": r"@",
    "phone": r"\d{3}\D{0,3}\d{3}\D{0,2}\d{4}",
    "ssn": r"\d{3}\D?\d{2}\D?\d{4}",
    "street_address": r"^\s*\d",
}

_SSN_DASHED = re.compile(r"(?<![\d/.-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d/-])")
_SSN_LABEL = re.compile(r"\b(ssn|ss#|soc\.? sec|social security|itin|taxpayer)", re.I)
_ID_LABEL = re.compile(r"(\b(no|num|number|case|permit|agreement|contract|order|file|ref|id)\b\.?|#)\W{0,3}$", re.I)
_SSN_BARE = re.compile(r"^\s*(\d{3})(\d{2})(\d{4})\s*$")
# Numbers the Social Security Administration calls invalid because they were printed in advertising.
_ADVERTISED_SSNS = frozenset({"078051120", "219099999"})

_STREET_START = re.compile(r"^\s*\d{1,6}[A-Za-z]?(-\d+)?\s+\S")

_DATE = r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|[A-Za-z]{3,9}\.? \d{1,2},? \d{4})"
_BIRTH_IN_TEXT = re.compile(
    r"\b(d\.?o\.?b\.?|date of birth|birth ?date|born(?: on)?|birthday|fecha de nacimiento|nacid[oa] el)\W{0,3}" + _DATE,
    re.I,
)

_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(['’-][^\W\d_]+)*\.?$")
_COMPANY = re.compile(
    r"\b(LLC|L\.L\.C|INC|CORP|CORPORATION|CO|COMPANY|LTD|LLP|LP|PLLC|PC|ASSOCIATION|ASSOCIATES|DEPT|DEPARTMENT|"
    r"CITY|COUNTY|STATE|DBA|D/B/A|T/A|TRUST|GROUP|HOMES|BUILDERS|CONSTRUCTION|CONTRACTOR|CONTRACTORS|SERVICES|"
    r"PROPERTIES|PROPERTY|HOLDINGS|PARTNERS|DEVELOPMENT|DEVELOPMENTS|ROOFING|ELECTRIC|PLUMBING|CHURCH|SCHOOL|"
    r"UNIVERSITY|BANK|FOUNDATION|SOCIETY|OFFICE|CENTER|CENTRE|HOSPITAL|CLINIC|AUTHORITY|BOARD|COUNCIL|NC|"
    r"STREET|ST|AVE|AVENUE|ROAD|RD|BLVD|BOULEVARD|DR|DRIVE|LN|LANE|PL|PLACE|TER|TERRACE|HWY|HIGHWAY|PKWY|CT|COURT|"
    r"CIR|SQ|ROW|WAY|PIKE|PARK|LAKE|HILLS|VALLEY|SELF|UNKNOWN|NONE|N/A)\b",
    re.I,
)
_PLACE_WORDS = frozenset({"NORTH", "SOUTH", "EAST", "WEST", "CENTRAL", "UPPER", "LOWER", "NEW", "OLD", "SAINT"})


@functools.cache
def given_names() -> frozenset[str]:
    """First names of the Census 1990 frequency files (upper case, without accents)."""
    return frozenset((_DATA / "given_names.txt").read_text(encoding="utf-8").split())


@functools.cache
def surnames() -> frozenset[str]:
    """The 25,000 commonest surnames of the Census 1990 frequency file (upper case, without accents)."""
    return frozenset((_DATA / "surnames.txt").read_text(encoding="utf-8").split())


def _plain(word: str) -> str:
    """Upper case without accents or punctuation ("Jesús" → "JESUS", "O'Neil" → "ONEIL")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch)).upper()


def cut(value: str) -> str:
    return value[:MAX_VALUE_CHARS]


def find_email(value: str) -> str | None:
    found = EMAIL.search(value)
    return found.group(0) if found else None


def _valid_phone(candidate: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def find_phone(value: str, *, free_text: bool = False, hinted: bool = False) -> str | None:
    """A valid phone number written as one (grouped digits; bare digits only under a phone header)."""
    if not free_text:
        if _PHONE_ONLY.match(value) and (hinted or _PHONE_SHAPE.search(value)) and _valid_phone(value):
            return value.strip()
        return None
    for found in _PHONE_SHAPE.finditer(value):
        if _valid_phone(found.group(0)):
            return found.group(0).strip()
    return None


def _valid_ssn(area: str, group: str, serial: str) -> bool:
    """SSA rules: area 001–899 but not 666, group 01–99, serial 0001–9999; 9xx areas are ITINs (taxpayer
    numbers for people without an SSN) when the group is 50–65, 70–88, 90–92 or 94–99."""
    if group == "00" or serial == "0000" or area in ("000", "666") or area + group + serial in _ADVERTISED_SSNS:
        return False
    if area.startswith("9"):
        g = int(group)
        return 50 <= g <= 65 or 70 <= g <= 88 or 90 <= g <= 92 or 94 <= g <= 99
    return True


def find_national_id(value: str, *, free_text: bool = False, hinted: bool = False) -> str | None:
    """A US Social Security or taxpayer number. Nine bare digits are usually record ids, so they count
    only under an SSN header."""
    if free_text:
        for found in _SSN_DASHED.finditer(value):
            before = value[max(0, found.start() - 24) : found.start()]
            if _ID_LABEL.search(before) and not _SSN_LABEL.search(before):
                continue  # "MOU Number: 225-06-4000" names a document, not a person
            if _valid_ssn(found[1], found[3], found[4]):
                return found.group(0)
        return None
    found = _SSN_DASHED.fullmatch(value.strip())
    if found:
        return found.group(0) if _valid_ssn(found[1], found[3], found[4]) else None
    found = _SSN_BARE.match(value) if hinted else None
    return found.group(0).strip() if found and _valid_ssn(*found.groups()) else None


def find_street_address(value: str) -> str | None:
    """A street address with a house number ("1916 18TH AVE S"); a bare street name is not personal."""
    if not _STREET_START.match(value) or len(value) > 120:
        return None
    import usaddress

    try:
        tagged, kind = usaddress.tag(value)
    except usaddress.RepeatedLabelError:
        return None
    if kind == "Street Address" and "AddressNumber" in tagged and "StreetName" in tagged:
        return value.strip()
    return None


def find_birth_date(value: str) -> str | None:
    """A date of birth named as such inside a text ("DOB: 04/12/1961")."""
    found = _BIRTH_IN_TEXT.search(value)
    return found.group(0) if found else None


def find_person_name(value: str) -> str | None:
    """A person's name: "First [Middle] Last" or "Last, First [Middle]", two to four words, whose first
    name is in the Census list and whose surname is in the list or probablepeople reads it as a person.
    Companies, places and categories ("MAKER CONSTRUCTION LLC", "South End") do not count."""
    text = value.strip()
    if not 3 <= len(text) <= 60 or _COMPANY.search(text) or any(ch.isdigit() for ch in text):
        return None
    if "," in text:
        last, _sep, rest = text.partition(",")
        words, surname_words = rest.split(), last.split()
        if not words or not surname_words or "," in rest:
            return None
        given, surname = words[0], surname_words[-1]
        tokens = surname_words + words
    else:
        tokens = text.split()
        if len(tokens) < 2:
            return None
        given, surname = tokens[0], tokens[-1]
    if not 2 <= len(tokens) <= 4 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    given_key, surname_key = _plain(given), _plain(surname)
    if given_key not in given_names() or given_key in _PLACE_WORDS or len(surname_key) < 2:
        return None
    if surname_key in surnames():
        return text
    import probablepeople

    try:
        _tagged, kind = probablepeople.tag(text)
    except probablepeople.RepeatedLabelError:
        return None
    return text if kind == "Person" else None
