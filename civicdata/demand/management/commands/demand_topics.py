"""`civicdata demand topics`: cluster all demand into topics now and print them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from civicdata.demand import services


class Command(BaseCommand):
    help = "Recompute demand topics (TF-IDF + k-means) over every demand signal and store a snapshot."

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = services.compute_topics()
        for topic in snapshot.topics.all():
            flag = " (unmet)" if topic.is_unmet else ""
            self.stdout.write(f"{topic.index:>3} {topic.volume:>7}  {topic.label}{flag}")
        self.stdout.write(
            self.style.SUCCESS(f"{snapshot.k} topics over {snapshot.item_count} items in {snapshot.seconds:.1f} s.")
        )
