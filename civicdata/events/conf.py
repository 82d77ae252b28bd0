"""Settings of the events app, declared once so operators see them in `civicdata settings` and docs."""

from __future__ import annotations

from civicdata.settings.declared import Declared, as_int

SETTINGS = (
    Declared(
        "EVENTS_OFFER_HOURS",
        "48",
        "Hours a person from an event's waiting list has to accept a freed seat before it is offered to the next.",
        as_int,
    ),
)
