"""Give every existing dataset and distribution a random UUID (see 0005)."""

import uuid

from django.db import migrations

BATCH = 1000


def backfill(apps, schema_editor):
    for model_name in ("Dataset", "Distribution"):
        model = apps.get_model("catalog", model_name)
        while True:
            rows = list(model.objects.filter(uuid__isnull=True).only("id")[:BATCH])
            if not rows:
                break
            for row in rows:
                row.uuid = uuid.uuid4()
            model.objects.bulk_update(rows, ["uuid"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_h_uuid_add")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
