"""ISO 8601 durations (``P1Y2M``, ``PT6H``, ``P0.5M``), read once for every app.

Catalog validation checks `accrualPeriodicity`, `modified` and `temporal` values with it, and the
catalog's staleness check turns a periodicity into an expected interval between updates.
"""

from __future__ import annotations

import datetime as dt
import re

# Calendar units become average lengths in days: durations here are nudges and checks, not accounting.
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = 30.44

_NUMBER = r"(\d+(?:[.,]\d+)?)"
# At least one component after P, and a T must be followed by a time component.
_DURATION_RE = re.compile(
    rf"^P(?!$)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)


class ISO8601Error(ValueError):
    """A value that is not a valid ISO 8601 date, date-time, duration or interval."""


def parse_duration(text: str) -> dt.timedelta:
    """Parse an ISO 8601 duration; a year counts as 365.25 days and a month as 30.44.

    Decimal fractions may use a point or a comma (both are ISO 8601). Raises ISO8601Error for
    anything else, including a bare ``P`` or ``PT``.
    """
    m = _DURATION_RE.match(text.strip())
    if not m:
        raise ISO8601Error(f"“{text}” is not an ISO 8601 duration")
    years, months, weeks, days, hours, minutes, seconds = (float((g or "0").replace(",", ".")) for g in m.groups())
    return dt.timedelta(
        days=years * DAYS_PER_YEAR + months * DAYS_PER_MONTH + weeks * 7 + days,
        hours=hours,
        minutes=minutes,
        seconds=seconds,
    )
