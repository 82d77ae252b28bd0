"""Full-text index of datasets: an FTS5 table kept by triggers on SQLite, a GIN expression index on
PostgreSQL. Other databases fall back to substring search (see civicdata/catalog/search.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS catalog_dataset_fts USING fts5(
        title, description, keyword, publisher, tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_ai AFTER INSERT ON catalog_dataset BEGIN
        INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        VALUES (new.id, coalesce(new.title, ''), coalesce(new.description, ''), coalesce(new.keyword, ''),
                new.publisher_name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_ad AFTER DELETE ON catalog_dataset BEGIN
        DELETE FROM catalog_dataset_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS catalog_dataset_fts_au
        AFTER UPDATE OF title, description, keyword, publisher_name ON catalog_dataset BEGIN
        DELETE FROM catalog_dataset_fts WHERE rowid = old.id;
        INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        VALUES (new.id, coalesce(new.title, ''), coalesce(new.description, ''), coalesce(new.keyword, ''),
                new.publisher_name);
    END""",
    """INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher)
        SELECT id, coalesce(title, ''), coalesce(description, ''), coalesce(keyword, ''), publisher_name
        FROM catalog_dataset""",
]
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


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_facets")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
