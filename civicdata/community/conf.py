"""Settings of the community app, declared once so operators see them in `civicdata settings` and docs."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_int

SETTINGS = (
    Declared(
        "COMMUNITY_QUALITY_RESPONSE_DAYS",
        "10",
        "Days a dataset's steward has to answer a data-quality report before it counts as overdue.",
        as_int,
    ),
    Declared(
        "COMMUNITY_DAILY_REPORTS",
        "10",
        "Data-quality reports one account may send in 24 hours (staff are not limited).",
        as_int,
    ),
    Declared(
        "COMMUNITY_NEW_ACCOUNT_DAILY_REPORTS",
        "3",
        "Data-quality reports an account younger than DEMAND_NEW_ACCOUNT_DAYS may send in 24 hours.",
        as_int,
    ),
    Declared(
        "COMMUNITY_DAILY_POSTS",
        "30",
        "Discussion questions and answers one account may post in 24 hours (staff are not limited).",
        as_int,
    ),
)
