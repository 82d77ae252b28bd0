"""Fast multi-row INSERTs for catalog imports (called only by harvests.py).

Django's bulk_create spends most of its time preparing each field of each row (about 30 µs per value);
a 100k-dataset import writes millions of values. Here each column gets one converter chosen up front
and rows go to the database with `executemany`. On databases other than SQLite the converters fall back
to Django's own field preparation, so behaviour stays identical where speed matters less.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from django.db import connection, models

BATCH = 2000


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # values orjson refuses (lone surrogates, huge integers) take the slow, exact path
        return json.dumps(value)


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if connection.vendor != "sqlite":
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.UUIDField):  # sqlite3 cannot bind uuid.UUID; Django stores 32 hex digits
        return lambda value: value.hex if value is not None else None
    return lambda value: value


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as {attname: value} (every non-primary-key concrete field must be present or
    defaulted); returns the number of rows written. Runs inside the caller's transaction."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = [(f.attname, _converter(f), f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    written = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for attname, convert, field in converters:
                if attname in row:
                    value = row[attname]
                elif field.has_default():
                    value = field.get_default()
                else:
                    value = None
                values.append(convert(value))
            batch.append(tuple(values))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
