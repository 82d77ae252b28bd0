"""The SQL of the datasets' full-text index, written once: an FTS5 table kept by triggers on SQLite, a GIN
expression index on PostgreSQL. Migrations import it (0003 creates the index; later migrations that make
SQLite rebuild `catalog_dataset`, which drops its triggers, create the triggers again), and so does the bulk
indexing of search.py. Changing a statement here changes what those migrations did: add a new migration
with new statements instead."""

from __future__ import annotations

from typing import Any

SQLITE_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_dataset_fts USING fts5(
        title, description, keyword, publisher, tokenize = 'porter unicode61 remove_diacritics 2'
    )"""
SQLITE_INSERT_TRIGGER = """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_ai AFTER INSERT ON catalog_dataset BEGIN
        INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        VALUES (new.id, coalesce(new.title, ''), coalesce(new.description, ''), coalesce(new.keyword, ''),
                new.publisher_name);
    END"""
SQLITE_DELETE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_ad AFTER DELETE ON catalog_dataset BEGIN
        DELETE FROM catalog_dataset_fts WHERE rowid = old.id;
    END"""
SQLITE_UPDATE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_au
        AFTER UPDATE OF title, description, keyword, publisher_name ON catalog_dataset BEGIN
        DELETE FROM catalog_dataset_fts WHERE rowid = old.id;
        INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        VALUES (new.id, coalesce(new.title, ''), coalesce(new.description, ''), coalesce(new.keyword, ''),
                new.publisher_name);
    END"""
SQLITE_TRIGGERS = (SQLITE_INSERT_TRIGGER, SQLITE_DELETE_TRIGGER, SQLITE_UPDATE_TRIGGER)
SQLITE_FILL = """INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        SELECT id, coalesce(title, ''), coalesce(description, ''), coalesce(keyword, ''), publisher_name
        FROM catalog_dataset"""

SQLITE_FORWARD = [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_FILL]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_dataset_fts_ai",
    "DROP TRIGGER IF EXISTS catalog_dataset_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_dataset_fts_au",
    "DROP TABLE IF EXISTS catalog_dataset_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX IF NOT EXISTS catalog_dataset_search_gin ON catalog_dataset USING GIN (
        to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' ||
                    coalesce(keyword::text, '') || ' ' || publisher_name)
    )""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS catalog_dataset_search_gin"]


def create_index(apps: Any, schema_editor: Any) -> None:
    """Migration step: create the full-text index of this database (nothing on other databases)."""
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_index(apps: Any, schema_editor: Any) -> None:
    """Migration step, the reverse of `create_index`."""
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def recreate_sqlite_triggers(apps: Any, schema_editor: Any) -> None:
    """Migration step after a change that makes SQLite rebuild `catalog_dataset` (which drops its
    triggers): create the three triggers again. Idempotent; the FTS5 table and its rows are untouched."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
