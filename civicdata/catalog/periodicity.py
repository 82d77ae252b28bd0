"""Reading `accrualPeriodicity` values and deciding whether a dataset is overdue for an update.

The standard asks for an ISO 8601 repeating duration (``R/P1Y``) or ``irregular``; real catalogs also use
words ("Weekly", "Annually"). Both are understood; anything else is "unknown" and never reported stale.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from civicdata.core.iso8601 import ISO8601Error, parse_duration

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
    if text.upper().startswith("R/P"):
        try:
            total = parse_duration(text.upper()[2:])
        except ISO8601Error:
            return None
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
