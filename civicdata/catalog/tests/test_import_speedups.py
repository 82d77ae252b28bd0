"""Large imports take shortcuts (indexes rebuilt once, the full-text index in one pass, rows prepared in bulk);
these tests check that an import and an unchanged re-import still write exactly what they should."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import services
from civicdata.catalog.models import Dataset, DatasetFacet, DatasetRevision, Distribution, RunStatus
from civicdata.catalog.search import SearchQuery, search_datasets
from civicdata.catalog.services._bulkwrite import _random_uuid_hex
from civicdata.core.models import AuditEntry
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db

FCC = "datajson/federal_agencies_2025-02/fcc.data.json"


def _rows() -> dict[str, object]:
    return {
        "datasets": Dataset.objects.count(),
        "distributions": sorted(Distribution.objects.values_list("dataset__identifier", "position", "uuid")),
        "facets": sorted(DatasetFacet.objects.values_list("dataset_id", "facet", "value")),
        "revisions": sorted(DatasetRevision.objects.values_list("dataset_id", "number", "content_hash")),
    }


def _indexes() -> list[tuple[str, str]]:
    if connection.vendor != "sqlite":
        pytest.skip("the deferred indexes are a SQLite shortcut")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        return cursor.fetchall()


def test_real_catalog_import_then_unchanged_reimport_writes_nothing_new():
    """Importing a real agency catalog twice: the second run finds every dataset unchanged, writes no
    dataset, distribution, facet or revision row, and still leaves its audit entry."""
    path = realdata_path(FCC)
    publisher = make_organization("FCC", slug="fcc")
    staff = make_user(staff=True)
    first = services.import_catalog_from(publisher=publisher, location=str(path), by=staff)
    assert first.status == RunStatus.SUCCEEDED, first.error
    listed = len(json.loads(path.read_bytes())["dataset"])
    assert (
        first.created_count
        == Dataset.objects.count()
        == listed - len([i for i in first.report if i["action"] == "skipped"])
    )
    before = _rows()
    assert before["revisions"]
    assert all(number == 1 for _, number, _ in before["revisions"])
    again = services.import_catalog_from(publisher=publisher, location=str(path), by=staff)
    assert (again.created_count, again.changed_count, again.unchanged_count) == (0, 0, first.created_count)
    assert _rows() == before
    assert AuditEntry.objects.filter(action="catalog.import").count() == 2


def test_changed_dataset_is_rewritten_and_found_by_its_new_title():
    """After a bulk import, one changed dataset gets a second revision, new facets and a new full-text entry."""
    path = realdata_path(FCC)
    document = json.loads(path.read_bytes())
    publisher = make_organization("FCC", slug="fcc")
    services.import_catalog(publisher=publisher, document=document, by=None)
    target = next(d for d in document["dataset"] if isinstance(d.get("identifier"), str))
    target["title"] = "Quixotic zebra crossings"
    target["keyword"] = ["zebra-crossings"]
    run = services.import_catalog(publisher=publisher, document=document, by=None)
    assert (run.created_count, run.changed_count) == (0, 1)
    dataset = Dataset.objects.get(identifier=target["identifier"])
    assert list(dataset.revisions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert ("keyword", "zebra-crossings") in set(dataset.facets.values_list("facet", "value"))
    assert [d.identifier for d in search_datasets(SearchQuery(text="quixotic zebra")).datasets] == [dataset.identifier]


def test_first_large_import_rebuilds_the_same_indexes():
    """The plain indexes dropped for a first import into empty tables are all there again afterwards,
    with the same definitions, and the import's rows are all in the full-text index."""
    before = _indexes()
    publisher = make_organization("FCC", slug="fcc")
    run = services.import_catalog_from(publisher=publisher, location=str(realdata_path(FCC)), by=None)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert _indexes() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_dataset_fts")
        assert cursor.fetchone()[0] == Dataset.objects.count() == run.created_count


def test_failed_import_keeps_the_indexes(monkeypatch):
    """An import that fails half-way rolls back the dropped indexes with everything else."""
    before = _indexes()
    publisher = make_organization("FCC", slug="fcc")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("civicdata.catalog.services.harvests._insert_facets", broken)
    run = services.import_catalog_from(publisher=publisher, location=str(realdata_path(FCC)), by=None)
    assert run.status == RunStatus.FAILED
    assert Dataset.objects.count() == 0
    assert _indexes() == before


def test_bulk_uuids_are_version_4():
    """The uuids made for bulk-inserted rows are random version-4 UUIDs, as uuid.uuid4() makes them."""
    import uuid

    made = {_random_uuid_hex() for _ in range(2000)}
    assert len(made) == 2000
    for text in made:
        value = uuid.UUID(hex=text)
        assert (value.version, value.variant, value.hex) == (4, uuid.RFC_4122, text)


def _schema_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA schema_version")
        return cursor.fetchone()[0]


def test_unchanged_reimport_leaves_the_schema_alone():
    """A re-import with nothing new neither drops nor recreates the full-text trigger or any index: the
    schema version (which every DROP and CREATE bumps, making other connections re-read the schema) stays."""
    if connection.vendor != "sqlite":
        pytest.skip("the full-text trigger and deferred indexes are SQLite shortcuts")
    publisher = make_organization("FCC", slug="fcc")
    path = str(realdata_path(FCC))
    assert services.import_catalog_from(publisher=publisher, location=path, by=None).created_count
    before = (_schema_version(), _indexes())
    again = services.import_catalog_from(publisher=publisher, location=path, by=None)
    assert (again.status, again.created_count, again.changed_count) == (RunStatus.SUCCEEDED, 0, 0)
    assert (_schema_version(), _indexes()) == before


def test_import_restores_the_connection_pragmas():
    """The bigger page cache and in-memory temp store last only while the import writes."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")

    def pragmas() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA temp_store")
            return cache, cursor.fetchone()[0]

    before = pragmas()
    publisher = make_organization("FCC", slug="fcc")
    run = services.import_catalog_from(publisher=publisher, location=str(realdata_path(FCC)), by=None)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert pragmas() == before


def test_facet_rows_are_stored_exactly_as_given():
    """Facet rows go to SQLite packed as JSON; values JSON cannot carry exactly (a NUL character) take the
    row-by-row path, and every value comes back unchanged, in the order given."""
    if connection.vendor != "sqlite":
        pytest.skip("the JSON-packed facet insert is SQLite's path (PostgreSQL refuses NUL in text anyway)")
    from civicdata.catalog.services.datasets import _facets_as_json, _insert_facets

    publisher = make_organization("FCC", slug="fcc")
    services.import_catalog(publisher=publisher, document={"dataset": [{"identifier": "a", "title": "A"}]}, by=None)
    dataset_id = Dataset.objects.get(identifier="a").pk
    DatasetFacet.objects.all().delete()
    tricky = ["plain", "naïve café", "😀 emoji", '"quoted" \\ back', "null", "12", " spaced ", "line\nbreak", "\u2028"]
    rows = [(dataset_id, "keyword", value) for value in tricky]
    assert _facets_as_json(rows) is not None
    assert _facets_as_json([(dataset_id, "keyword", "nul\x00inside")]) is None
    _insert_facets(rows)
    _insert_facets([(dataset_id, "theme", "nul\x00inside"), (dataset_id, "theme", "after")])
    stored = list(DatasetFacet.objects.order_by("id").values_list("dataset_id", "facet", "value"))
    assert stored == [*rows, (dataset_id, "theme", "nul\x00inside"), (dataset_id, "theme", "after")]


def test_row_builder_matches_the_column_plan():
    """The generated row builder stores given values through their converters and fills missing ones with
    their defaults (made fresh per row where the default is a callable)."""
    if connection.vendor != "sqlite":
        pytest.skip("the generated row builder's JSON text is SQLite's; PostgreSQL binds psycopg Jsonb adapters")
    import datetime

    from civicdata.catalog.services import _bulkwrite

    fields = [f for f in DatasetRevision._meta.concrete_fields if not f.primary_key]
    plan = [_bulkwrite._column_plan(f) for f in fields]
    build = _bulkwrite._row_builder(plan)
    moment = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    given = {"dataset_id": 7, "number": 1, "source": "import", "author_id": None, "created_at": moment,
             "snapshot": {"title": "é"}, "diff": [], "content_hash": "h", "summary": ""}  # fmt: skip
    row = dict(zip([f.attname for f in fields], build(given), strict=True))
    for attname, convert, _default in plan:
        if attname in given:
            value = given[attname]
            assert row[attname] == (convert(value) if convert is not None else value), attname
    assert row["snapshot"] == '{"title":"é"}'
    loose = {k: v for k, v in given.items() if k not in ("summary", "diff")}
    first, second = build(loose), build(loose)
    defaults = {f.attname: f.get_default() for f in fields}
    row = dict(zip([f.attname for f in fields], first, strict=True))
    assert row["summary"] == defaults["summary"]
    assert row["diff"] == _bulkwrite._json_text(defaults["diff"])
    assert first == second
    if connection.vendor == "sqlite":  # elsewhere uuid4 objects are made by Django's own field preparation
        dist_fields = [f for f in Distribution._meta.concrete_fields if not f.primary_key]
        build_dist = _bulkwrite._row_builder([_bulkwrite._column_plan(f) for f in dist_fields])
        uuids = [dict(zip([f.attname for f in dist_fields], build_dist({}), strict=True))["uuid"] for _ in range(3)]
        assert len(set(uuids)) == 3
