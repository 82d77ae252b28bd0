"""Fast multi-row INSERTs for catalog imports (called only by harvests.py).

Django's bulk_create spends most of its time preparing each field of each row (about 30 µs per value);
a 100k-dataset import writes millions of values. Here each column gets one converter chosen up front
and rows go to the database with `executemany`. On databases other than SQLite the converters fall back
to Django's own field preparation, so behaviour stays identical where speed matters less.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """The function that turns a Python value into what the database stores (None: the value itself)."""
    if connection.vendor != "sqlite":
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.JSONField):
        return _json_text
    if isinstance(field, models.DateTimeField):
        # Imports stamp thousands of rows with the same few moments: convert each moment once.
        return functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.UUIDField):  # sqlite3 cannot bind uuid.UUID; Django stores 32 hex digits
        return lambda value: value.hex if value is not None else None
    return None


def _random_uuid_hex() -> str:
    """What `uuid.uuid4().hex` returns, without building a UUID object (a third of the cost)."""
    number = int.from_bytes(os.urandom(16))
    number = (number & ~(0xC000 << 48) | (0x8000 << 48)) & ~(0xF000 << 64) | (4 << 76)
    return f"{number:032x}"


class _Factory:
    """A default made fresh for every row (a callable default), already in its stored form."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def _column_plan(field: models.Field) -> tuple[str, Callable[[Any], Any] | None, Any]:
    """(attname, converter, stored default) for one column; the default is a _Factory when it must be
    made per row. Constant defaults (and empty dict/list ones) are converted once, not once per row."""
    convert = _converter(field)
    if not field.has_default():
        default: Any = None
    elif field.default is uuid.uuid4 and connection.vendor == "sqlite":
        default = _Factory(_random_uuid_hex)
    elif callable(field.default) and field.default not in (dict, list):
        make = field.default
        default = _Factory((lambda: convert(make())) if convert is not None else make)
    else:
        value = field.get_default()
        if isinstance(value, enum.Enum):  # a choice: bind its plain value (sqlite3 adapts subclasses slowly)
            value = value.value
        default = convert(value) if convert is not None else value
    return field.attname, convert, default


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows given as {attname: value} (every non-primary-key concrete field must be present or
    defaulted); returns the number of rows written. Runs inside the caller's transaction."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = [_column_plan(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    written = 0
    batch: list[tuple[Any, ...]] = []
    build = _row_builder(plan)
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(build(row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


_MISSING = object()


def _row_builder(plan: list[tuple[str, Callable[[Any], Any] | None, Any]]) -> Callable[[dict[str, Any]], tuple]:
    """A function turning one row {attname: value} into the tuple of its stored values, column by column as
    `plan` says: a given value through its converter, a missing one replaced by its (stored) default.

    Generated as one tuple expression, so each value costs a dictionary lookup and, where needed, a call,
    without the interpreter looping over the plan for each of the millions of values of a large import.
    The generated source holds only the attribute names (repr'd) and names bound in its own namespace.
    """
    namespace: dict[str, Any] = {"MISSING": _MISSING}
    parts = []
    for position, (attname, convert, default) in enumerate(plan):
        if type(default) is _Factory:
            namespace[f"make{position}"] = default.make
            fallback = f"make{position}()"
        else:
            namespace[f"default{position}"] = default
            fallback = f"default{position}"
        given = "value"
        if convert is not None:
            namespace[f"convert{position}"] = convert
            given = f"convert{position}(value)"
        parts.append(f"({given} if (value := get({attname!r}, MISSING)) is not MISSING else {fallback})")
    source = f"def build(row):\n    get = row.get\n    return ({', '.join(parts)},)\n"
    exec(compile(source, "<bulkwrite row builder>", "exec"), namespace)  # noqa: S102
    return namespace["build"]


@contextmanager
def deferred_indexes(models: Iterable[type[models.Model]], *, incoming: int) -> Iterator[bool]:
    """On SQLite, when at least as many rows are coming as the first model's table holds, drop the tables'
    plain (non-unique) indexes and build them again at the end of the block. Building an index once from
    all its keys is several times faster than updating a dozen B-trees row by row. Must run inside the
    caller's transaction: SQLite's DDL is transactional, so a failed import rolls the drop back too, and no
    other connection ever sees the tables without their indexes. Unique indexes stay, so constraints hold.
    Yields whether the indexes were dropped.
    """
    tables = [model._meta.db_table for model in models]
    if connection.vendor != "sqlite" or not tables:
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(tables[0])}")  # noqa: S608
        (present,) = cursor.fetchone()
        if incoming < max(present, 1):
            indexes = []
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%'",
                tables,
            )
            indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield bool(indexes)
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
