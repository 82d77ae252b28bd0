"""Create the database cache table (login throttling, API rate limits) with the other tables, so no
deployment step can forget it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_add_audit_entry")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
