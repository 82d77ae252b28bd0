from django.db import migrations, models

from civicdata.catalog import fulltext_sql


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_f_pdf_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="received_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="dataset",
            name="received_repairs",
            field=models.CharField(blank=True, default="", max_length=1000),
        ),
        # SQLite rebuilds catalog_dataset to add NOT NULL columns, which drops the full-text triggers of
        # 0003_fulltext; they are created again here (same statements, idempotent).
        migrations.RunPython(fulltext_sql.recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
