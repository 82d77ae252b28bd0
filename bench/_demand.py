"""Shared helper of the demand benchmarks: a Django set-up on a scratch database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, scratch: str | None = None) -> str:
    """Configure Django on a scratch database (DATABASE_URL if set, else SQLite in a temp folder),
    migrate it, and return a description of the database."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATA_DIR"] = scratch or tempfile.mkdtemp(prefix="demand-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdata.settings.test")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    if not os.environ.get("DATABASE_URL"):
        # The test profile keeps SQLite in memory, one database per connection; the vote threads each
        # open their own connection, so they must all share a database file.
        settings.DATABASES["default"]["NAME"] = str(Path(os.environ["DATA_DIR"]) / "civicdata.sqlite3")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if os.environ.get("DATABASE_URL"):
        call_command("migrate", verbosity=0, skip_checks=True)
    else:
        from _common import create_schema

        create_schema()
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
