"""Stable UUIDs for datasets and distributions (the CKAN API's package and resource ids): the columns
arrive empty here, 0006 fills them and 0007 makes them required and unique. Three migrations so that
PostgreSQL never alters a table with pending row updates in the same transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_facet_index")]

    operations = [
        migrations.AddField(model_name="dataset", name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.AddField(model_name="distribution", name="uuid", field=models.UUIDField(null=True, editable=False)),
    ]
