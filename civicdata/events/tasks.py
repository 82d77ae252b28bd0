"""Background work of the events app."""

from __future__ import annotations

from django.tasks import task

OFFER_SWEEP_MINUTES = 15


@task
def expire_registration_offers(reschedule: bool = True) -> int:
    """Every quarter of an hour: close unanswered offers of freed seats and offer them to the next person
    waiting, then queue itself again."""
    from datetime import timedelta

    from django.utils import timezone

    from civicdata.events import services

    lapsed = services.expire_offers()
    if reschedule:
        expire_registration_offers.using(run_after=timezone.now() + timedelta(minutes=OFFER_SWEEP_MINUTES)).enqueue()
    return lapsed
