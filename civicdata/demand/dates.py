"""Parse the many date spellings found in public-records, 311 and search logs.

Real logs mix ISO dates, US month/day/year with two- or four-digit years, spelled-out months,
Excel serial numbers and epoch milliseconds; this module turns all of them into `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

# Cells agencies use to mean "no date yet" (USDA writes "-", others "N/A" or "pending").
NULL_MARKERS = frozenset(
    {
        "",
        "-",
        "--",
        "n/a",
        "na",
        "none",
        "null",
        "nan",
        "pending",
        "open",
        "tbd",
        "nat",
        "0",
    }
)

MONTHS = {
    "jan": 1, "january": 1, "ene": 1, "enero": 1,
    "feb": 2, "february": 2, "febrero": 2,
    "mar": 3, "march": 3, "marzo": 3,
    "apr": 4, "april": 4, "abr": 4, "abril": 4,
    "may": 5, "mayo": 5,
    "jun": 6, "june": 6, "junio": 6,
    "jul": 7, "july": 7, "julio": 7,
    "aug": 8, "august": 8, "ago": 8, "agosto": 8,
    "sep": 9, "sept": 9, "september": 9, "septiembre": 9, "setiembre": 9,
    "oct": 10, "october": 10, "octubre": 10,
    "nov": 11, "november": 11, "noviembre": 11,
    "dec": 12, "december": 12, "dic": 12, "diciembre": 12,
}  # fmt: skip

# Serial dates are only believable inside this window (1995-01-01 .. 2100-01-01).
_EXCEL_MIN, _EXCEL_MAX = 34700, 73051
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})(?:[ t,].*)?$")
_DAY_NAME_FIRST = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{2}|\d{4})(?:\s.*)?$")
_NAME_FIRST = re.compile(r"^([a-z]+)\.?[\s\-/.]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/.]+(\d{4})(?:\s.*)?$")
_EPOCH_MS = re.compile(r"^1\d{12}$")
_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+")


class UnparseableDate(ValueError):
    """Raised when a non-empty cell cannot be read as a date."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Logs with two-digit years are from this century or the late 1900s.
        year += 2000 if year < 70 else 1900
    return year


def _build(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise UnparseableDate(raw) from exc


def parse_log_date(value: object, *, day_first: bool = False) -> dt.date | None:
    """Read one log cell as a date; None for empty or "no date" markers.

    `day_first` resolves 03/04/2020 as 3 April; a first number above 12 is always a day.
    Raises UnparseableDate for anything else.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(float(value), str(value))
    raw = str(value)
    text = raw.strip().lower()
    if text in NULL_MARKERS:
        return None
    text = _WEEKDAY.sub("", text)
    if m := _ISO.match(text):
        return _build(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _COMPACT.match(text):
        return _build(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _NUMERIC.match(text):
        first, second, year = int(m[1]), int(m[3]), _year(m[4])
        if first > 12 or (day_first and second <= 12):
            first, second = second, first
        return _build(year, first, second, raw)
    if m := _DAY_NAME_FIRST.match(text):
        month = MONTHS.get(m[2])
        if month:
            return _build(_year(m[3]), month, int(m[1]), raw)
    if m := _NAME_FIRST.match(text):
        month = MONTHS.get(m[1])
        if month:
            return _build(int(m[3]), month, int(m[2]), raw)
    if _EPOCH_MS.match(text):
        return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC).date()
    try:
        number = float(text)
    except ValueError:
        raise UnparseableDate(raw) from None
    return _from_number(number, raw)


def _from_number(number: float, raw: str) -> dt.date:
    """Spreadsheet serial days (what Excel leaves behind in CSV exports) or epoch milliseconds."""
    if _EXCEL_MIN <= number <= _EXCEL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number))
    if 1e12 <= number < 2e12:
        return dt.datetime.fromtimestamp(number / 1000, tz=dt.UTC).date()
    raise UnparseableDate(raw)


def infer_day_first(values: Iterable[object], *, sample: int = 2000) -> bool:
    """Guess whether a column writes day before month (03/04 = 3 April).

    A column is day-first only if some value has a first number above 12 and none has a second
    number above 12; US order is the default because most US logs use it.
    """
    day_first_evidence = month_first_evidence = False
    for index, value in enumerate(values):
        if index >= sample:
            break
        if not isinstance(value, str):
            continue
        m = _NUMERIC.match(value.strip())
        if not m:
            continue
        if int(m[1]) > 12:
            day_first_evidence = True
        if int(m[3]) > 12:
            month_first_evidence = True
    return day_first_evidence and not month_first_evidence
