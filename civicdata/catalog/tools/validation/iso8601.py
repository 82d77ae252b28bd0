"""ISO 8601 parsing for the date-like DCAT-US fields (modified, issued, temporal, accrualPeriodicity).

The schema's regular expressions accept impossible calendar dates (2021-02-31) and say nothing
about intervals that end before they start; these helpers check what a regex cannot.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from civicdata.core.iso8601 import ISO8601Error, parse_duration

_YEAR_RE = re.compile(r"^([+-]?\d{4})$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{2})(?:-?([1-7]))?$")
_ORDINAL_RE = re.compile(r"^(\d{4})-?(\d{3})$")
_TIME_RE = re.compile(r"^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$")

# The accrualPeriodicity values listed in the DCAT-US v1.1 guidance, with the plain word for each.
ACCRUAL_PERIODICITY_VALUES: dict[str, str] = {
    "R/P10Y": "decennial",
    "R/P4Y": "quadrennial",
    "R/P1Y": "annual",
    "R/P2M": "bimonthly",
    "R/P0.5M": "semimonthly",
    "R/P3.5D": "semiweekly",
    "R/P1D": "daily",
    "R/P2W": "biweekly",
    "R/P6M": "semiannual",
    "R/P2Y": "biennial",
    "R/P3Y": "triennial",
    "R/P0.33W": "three times a week",
    "R/P0.33M": "three times a month",
    "R/PT1S": "continuously updated",
    "R/P1M": "monthly",
    "R/P3M": "quarterly",
    "R/P1W": "weekly",
    "R/PT1H": "hourly",
    "irregular": "irregular",
}


@dataclass(frozen=True, slots=True)
class Moment:
    """A parsed date or date-time, kept with its precision so comparisons stay honest."""

    earliest: dt.datetime  # start of the period the value names (UTC, naive times treated as UTC)
    latest: dt.datetime  # end of that period


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _date_part(text: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day named by a calendar, week or ordinal date (or year/month)."""
    try:
        if m := _DATE_RE.match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _YEAR_MONTH_RE.match(text):
            first = dt.date(int(m[1]), int(m[2]), 1)
            nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if m := _YEAR_RE.match(text):
            year = int(m[1])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if m := _WEEK_RE.match(text):
            year, week = int(m[1]), int(m[2])
            if m[3]:
                day = dt.date.fromisocalendar(year, week, int(m[3]))
                return day, day
            return dt.date.fromisocalendar(year, week, 1), dt.date.fromisocalendar(year, week, 7)
        if m := _ORDINAL_RE.match(text):
            year, ordinal = int(m[1]), int(m[2])
            day = dt.date(year, 1, 1) + dt.timedelta(days=ordinal - 1)
            if day.year != year or ordinal < 1:
                raise ISO8601Error(f"day {ordinal} does not exist in {year}")
            return day, day
    except ValueError as exc:  # impossible calendar values such as 2021-02-31
        raise ISO8601Error(str(exc)) from exc
    raise ISO8601Error(f"“{text}” is not an ISO 8601 date")


def _time_part(text: str) -> tuple[dt.time, dt.tzinfo | None]:
    m = _TIME_RE.match(text)
    if not m:
        raise ISO8601Error(f"“{text}” is not an ISO 8601 time")
    hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    micro = int((m[4] or "0")[:6].ljust(6, "0"))
    if hour == 24 and minute == 0 and second == 0 and not micro:
        hour = 23
        minute = second = 59
        micro = 999999
    zone: dt.tzinfo | None = None
    if m[5]:
        if m[5] in ("Z", "z"):
            zone = dt.UTC
        else:
            sign = -1 if m[5][0] == "-" else 1
            digits = m[5][1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            if offset >= dt.timedelta(hours=24):
                raise ISO8601Error(f"time zone offset {m[5]} is out of range")
            zone = dt.timezone(sign * offset)
    try:
        return dt.time(hour, minute, second, micro), zone
    except ValueError as exc:
        raise ISO8601Error(str(exc)) from exc


def parse_moment(text: str) -> Moment:
    """Parse an ISO 8601 date or date-time (``2024``, ``2024-03``, ``2024-03-05T10:00Z``, ...)."""
    value = text.strip()
    date_text, sep, time_text = value.replace(" ", "T", 1).partition("T")
    first, last = _date_part(date_text)
    if sep:
        clock, zone = _time_part(time_text)
        moment = _utc(dt.datetime.combine(first, clock, zone))
        return Moment(moment, moment)
    start = dt.datetime.combine(first, dt.time.min, dt.UTC)
    end = dt.datetime.combine(last, dt.time.max, dt.UTC)
    return Moment(start, end)


def _strip_repeat(text: str) -> str:
    if text.startswith("R"):
        head, slash, rest = text.partition("/")
        if slash and re.fullmatch(r"R\d*", head):
            return rest
    return text


def check_date_or_duration(text: str) -> None:
    """Validate a ``modified``/``issued`` value: a date, a date-time, a duration or a repeating interval."""
    body = _strip_repeat(text.strip())
    if "/" in body:
        check_interval(body)
    elif body.startswith("P"):
        parse_duration(body)
    else:
        parse_moment(body)


def check_interval(text: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Validate a ``temporal`` interval ``start/end``, ``start/duration`` or ``duration/end``.

    Returns the start and end instants when both ends are dates; raises ISO8601Error for a
    malformed part or an interval that ends before it starts.
    """
    body = _strip_repeat(text.strip())
    start_text, slash, end_text = body.partition("/")
    if not slash or not start_text or not end_text:
        raise ISO8601Error(f"“{text}” is not an interval (expected start/end)")
    start = end = None
    if start_text.startswith("P"):
        parse_duration(start_text)
    else:
        start = parse_moment(start_text)
    if end_text.startswith("P"):
        parse_duration(end_text)
    else:
        end = parse_moment(end_text)
    if start is not None and end is not None and end.latest < start.earliest:
        raise ISO8601Error(f"the interval “{text}” ends before it starts")
    return (start.earliest if start else None, end.latest if end else None)


def check_accrual_periodicity(text: str) -> None:
    """Validate an ``accrualPeriodicity``: ``irregular`` or a repeating duration ``R/P...``."""
    if text == "irregular":
        return
    if not text.startswith("R/"):
        raise ISO8601Error(f"“{text}” is not a repeating duration such as R/P1M")
    parse_duration(text[2:])
