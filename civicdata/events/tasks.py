"""Background work of the events app."""

from __future__ import annotations

from django.tasks import task

# --- follow-up reminders (d) ---


@task
def events_daily_followup(reschedule: bool = True) -> int:
    """Remind the owners of open commitments that are due soon or overdue, then queue itself for the same
    time tomorrow. Returns how many reminders were sent."""
    from datetime import timedelta

    from django.utils import timezone

    from civicdata.events import services

    sent = services.send_commitment_reminders()
    if reschedule:
        events_daily_followup.using(run_after=timezone.now() + timedelta(days=1)).enqueue()
    return sent
