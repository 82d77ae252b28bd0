"""Settings of the projects app, declared once so operators see them in `civicdata settings` and docs."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_int

SETTINGS = (
    Declared(
        "PROJECTS_MIN_COMMENT_DAYS",
        "1",
        "Shortest public comment period, in days, that staff may open on an intervention plan.",
        as_int,
    ),
)
