"""Background work of the demand app: daily e-mail digests and recomputing demand topics."""

from __future__ import annotations

from django.tasks import task


@task
def send_demand_digests() -> int:
    """Send the daily digest to everyone in daily mode (run once a day: `civicdata demand send-digests`)."""
    from civicdata.demand import services

    return services.send_daily_digests()


@task
def recompute_demand_topics() -> int:
    """Cluster all demand again and store a new topic snapshot; returns the snapshot id."""
    from civicdata.demand import services

    return services.compute_topics().pk


@task
def email_notifications(notification_ids: list[int]) -> int:
    """Send immediate-mode notification e-mails outside the web request."""
    from civicdata.demand import services

    return services.send_notification_emails(notification_ids=notification_ids)


@task
def demand_daily_tick(reschedule: bool = True) -> int:
    """The demand app's schedule: send the daily digests, then queue itself for the same time tomorrow."""
    from datetime import timedelta

    from django.utils import timezone

    from civicdata.demand import services

    sent = services.send_daily_digests()
    if reschedule:
        demand_daily_tick.using(run_after=timezone.now() + timedelta(days=1)).enqueue()
    return sent
