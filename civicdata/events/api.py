"""API of the events app, mounted at /api/events/: events, series, goals against actuals and aggregated
attendance. Personal data never leaves the organisers' pages."""

from __future__ import annotations

from ninja import Router

from civicdata.events.api_registrations import router as registrations_router

router = Router()
router.add_router("", registrations_router)
