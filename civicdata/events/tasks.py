"""Background work of the events app: commitment reminders after events and the sweep of unanswered
offers of freed seats."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

OFFER_SWEEP_MINUTES = 15


@task
def events_daily_followup(reschedule: bool = True) -> int:
    """Remind the owners of open commitments that are due soon or overdue, then queue itself for the same
    time tomorrow. Returns how many reminders were sent."""
    from civicdata.events import services

    sent = services.send_commitment_reminders()
    if reschedule:
        events_daily_followup.using(run_after=timezone.now() + timedelta(days=1)).enqueue()
    return sent


@task
def expire_registration_offers(reschedule: bool = True) -> int:
    """Every quarter of an hour: close unanswered offers of freed seats and offer them to the next person
    waiting, then queue itself again."""
    from civicdata.events import services

    lapsed = services.expire_offers()
    if reschedule:
        expire_registration_offers.using(run_after=timezone.now() + timedelta(minutes=OFFER_SWEEP_MINUTES)).enqueue()
    return lapsed
