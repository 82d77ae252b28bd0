"""Request fingerprints no longer include the log's source label (issue 11, item 6): recompute the stored ones
with the same rule as civicdata.demand.logs.row_fingerprint (copied: migrations never import app code).

Items with a tracking number get the tracking fingerprint (exact). Items without one use their stored date
and text, which are the received date and description of the row. When two stored items now share a
fingerprint (the same request imported twice under two labels) the older one keeps it and the later one
loses it, so the unique constraint holds.
"""

import hashlib
import re
import unicodedata

from django.db import migrations


def _normalise(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def _fingerprint(tracking_number, received, description):
    number = re.sub(r"\s+", "", _normalise(tracking_number))
    if number:
        parts = ["tracking", number]
    else:
        parts = ["row", received.isoformat() if received else "", _normalise(description)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def recompute(apps, schema_editor):
    DemandItem = apps.get_model("demand", "DemandItem")
    items = DemandItem.objects.filter(fingerprint__isnull=False).order_by("pk")
    taken = set()
    updates = []
    for item in items.only("pk", "tracking_number", "occurred_on", "text").iterator(chunk_size=2000):
        new = _fingerprint(item.tracking_number, item.occurred_on, item.text)
        item.fingerprint = None if new in taken else new
        taken.add(new)
        updates.append(item)
    # Clear first so a new value never meets an old one still held by another row.
    DemandItem.objects.filter(pk__in=[item.pk for item in updates]).update(fingerprint=None)
    DemandItem.objects.bulk_update(updates, ["fingerprint"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("demand", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
