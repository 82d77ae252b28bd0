"""Full-text index of datasets: an FTS5 table kept by triggers on SQLite, a GIN expression index on
PostgreSQL (the SQL is in civicdata/catalog/fulltext_sql.py). Other databases fall back to substring search
(see civicdata/catalog/search.py)."""

from django.db import migrations

from civicdata.catalog import fulltext_sql


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_facets")]

    operations = [
        migrations.RunPython(fulltext_sql.create_index, fulltext_sql.drop_index),
    ]
