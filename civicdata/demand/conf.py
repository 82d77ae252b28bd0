"""Settings of the demand app, declared once so operators see them in `civicdata settings` and docs."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_int

SETTINGS = (
    Declared(
        "DEMAND_AUTO_HIDE_REPORTS",
        "3",
        "Reports after which a request or comment is hidden until a moderator decides.",
        as_int,
    ),
    Declared(
        "DEMAND_NEW_ACCOUNT_DAYS",
        "7",
        "Accounts younger than this many days may open fewer data requests per day.",
        as_int,
    ),
    Declared(
        "DEMAND_NEW_ACCOUNT_DAILY_REQUESTS",
        "2",
        "Data requests a new account may open in 24 hours.",
        as_int,
    ),
    Declared(
        "DEMAND_DAILY_REQUESTS",
        "10",
        "Data requests any other account may open in 24 hours (staff are not limited).",
        as_int,
    ),
    Declared(
        "DEMAND_LOG_MAX_MB",
        "25",
        "Largest request log (CSV or XLSX) staff may upload for import, in megabytes.",
        as_int,
    ),
    Declared(
        "DEMAND_LOG_MAX_ROWS",
        "200000",
        "Most data rows one imported request log may have.",
        as_int,
    ),
)
