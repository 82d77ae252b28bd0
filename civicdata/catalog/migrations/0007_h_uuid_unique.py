"""The dataset and distribution UUIDs are required and unique from now on (see 0005).

On SQLite, altering a column rebuilds the table, which drops its triggers: the full-text triggers of
migration 0003 are created again afterwards (the FTS5 table itself is untouched; ids are kept)."""

import uuid

from django.db import migrations, models

from civicdata.catalog import fulltext_sql


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_h_uuid_backfill")]

    operations = [
        migrations.AlterField(
            model_name="dataset",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="distribution",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.RunPython(fulltext_sql.recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
