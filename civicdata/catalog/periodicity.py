"""Reading `accrualPeriodicity` values and deciding whether a dataset is overdue for an update.

The standard asks for an ISO 8601 repeating duration (``R/P1Y``) or ``irregular``; real catalogs also use
words ("Weekly", "Annually"). Both are understood; anything else is "unknown" and never reported stale.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

# Calendar units are approximated in days: staleness is a nudge for publishers, not an accounting rule.
_UNIT_DAYS = {"Y": 365.25, "M": 30.44, "W": 7.0, "D": 1.0}
_UNIT_SECONDS = {"H": 3600.0, "M": 60.0, "S": 1.0}
_DURATION = re.compile(
    r"^R/P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<M>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?(?:(?P<D>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_WORDS = {
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
    "biweekly": timedelta(days=14),
    "bi-weekly": timedelta(days=14),
    "every 2 weeks": timedelta(days=14),
    "monthly": timedelta(days=30.44),
    "quarterly": timedelta(days=91.31),
    "semiannual": timedelta(days=182.6),
    "annual": timedelta(days=365.25),
    "annually": timedelta(days=365.25),
    "yearly": timedelta(days=365.25),
    "biennial": timedelta(days=730.5),
}
IRREGULAR = {
    "irregular",
    "ad hoc",
    "as needed",
    "never",
    "n/a",
    "no longer being updated",
}

# A dataset counts as stale once it is this much later than its period (one missed cycle plus slack).
GRACE_FACTOR = 1.5


def parse_periodicity(value: str | None) -> timedelta | None:
    """The expected interval between updates, or None for irregular/unknown values."""
    if not value:
        return None
    text = value.strip()
    if text.lower() in IRREGULAR:
        return None
    match = _DURATION.match(text.upper()) if text.upper().startswith("R/P") else None
    if match:
        parts = match.groupdict()
        days = sum(float(parts[unit]) * factor for unit, factor in _UNIT_DAYS.items() if parts[unit])
        seconds = sum(float(parts[group]) * _UNIT_SECONDS[group.upper()] for group in ("h", "m", "s") if parts[group])
        total = timedelta(days=days, seconds=seconds)
        return total if total > timedelta(0) else None
    return _WORDS.get(text.lower())


def parse_modified(value: str | None) -> datetime | None:
    """The start of a `modified` value as a naive UTC datetime (date, datetime or ``R/...`` interval)."""
    if not value:
        return None
    text = value.strip()
    text = text.removeprefix("R/").split("/")[0]
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = (parsed - parsed.utcoffset()).replace(tzinfo=None)
    return parsed


def is_stale(modified: str | None, periodicity: str | None, *, now: datetime) -> bool:
    """True when the dataset's last update is older than its promised periodicity allows.

    Datasets without a readable periodicity or `modified` value are never reported stale: the
    dashboard lists them as "missing fields" instead.
    """
    interval = parse_periodicity(periodicity)
    last = parse_modified(modified)
    if interval is None or last is None:
        return False
    naive_now = now.replace(tzinfo=None)
    return naive_now - last > interval * GRACE_FACTOR
