"""Places where the apps above the datastore add to its pages, without the datastore importing them.

- Problem-report links: `register_report_link(fn)` with `fn(table) -> URL` ("" for none): where the table
  page's "Report a problem" links go. The page adds `&column=<name>` to a column's link and
  `&row=<column>=<value>` (the row's first value) to a row's, so the report arrives anchored there.

Apps register in `AppConfig.ready()`; registering the same function twice keeps one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ReportLink = Callable[[Any], str]
_report_links: dict[str, ReportLink] = {}


def register_report_link(fn: ReportLink) -> ReportLink:
    """Offer "report a problem" on Data API table pages: `fn(table)` returns the form's address."""
    _report_links[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def report_link(table: Any) -> str:
    """The first registered report address for this table ("" when no app offers one)."""
    for fn in _report_links.values():
        url = fn(table)
        if url:
            return url
    return ""
