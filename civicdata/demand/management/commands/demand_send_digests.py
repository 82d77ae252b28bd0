"""`civicdata demand send-digests`: send today's e-mail digests (schedule it once a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civicdata.demand import services


class Command(BaseCommand):
    help = "E-mail each person in daily-digest mode the request updates they have not received yet."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_daily_digests()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digests."))
