"""Services of the Data API: loading, replacing, schema edits, PII decisions and publishing."""

from __future__ import annotations

import pytest

from civicdata.core.errors import Conflict, InvalidInput
from civicdata.core.models import AuditEntry
from civicdata.datastore import runtime, services
from civicdata.datastore.models import JobStatus, PiiFinding, TableStatus

from .factories import load_table, make_published_dataset, published_table

pytestmark = pytest.mark.django_db

PEOPLE = "name,email,phone,amount\nAna Diaz,ana@example.org,617-555-0101,10\nBo Li,bo@example.org,617-555-0102,20\n"


def test_load_creates_a_ready_table_with_schema_and_quality() -> None:
    """A load fills version, row count, Table Schema and quality report; the table is not public yet."""
    table, job = load_table(make_published_dataset())
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 1.0
    assert table.status == TableStatus.READY
    assert table.version == 1
    assert table.row_count == 5
    types = {f["name"]: f["type"] for f in table.schema["fields"]}
    assert types["occurred"] == "datetime"
    assert table.schema["x-geo"] == {"latitude": "lat", "longitude": "long"}
    assert table.quality["row_count"] == 5
    assert AuditEntry.objects.filter(action="datastore.ingest.finish").exists()


def test_bad_file_fails_the_job_and_keeps_the_previous_version() -> None:
    """Ragged rows fail the job with row numbers; the table keeps serving version 1."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset)
    table, job = load_table(dataset, "a,b\n1,2,3\n")
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "ragged_rows"
    assert job.error["row"] == 1
    assert table.version == 1
    cur = runtime.open_cursor(table)
    assert cur.execute("SELECT count(*) FROM data").fetchone() == (5,)


def test_new_version_replaces_the_table() -> None:
    """A second good file becomes version 2 and keeps staff titles for surviving columns."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset)
    services.update_schema(table, edits={"offense": {"title": "Offense type"}}, by=None)
    table, job = load_table(dataset, "Incident,Offense\nX-1,FRAUD\n")
    assert job.status == JobStatus.SUCCEEDED
    assert table.version == 2
    assert table.row_count == 1
    assert {f["name"]: f["title"] for f in table.schema["fields"]}["offense"] == "Offense type"


def test_pii_blocks_publishing_until_decided() -> None:
    """Flagged columns block publishing; drop removes the column, mask hides values, justify needs text."""
    table, _job = load_table(make_published_dataset(), PEOPLE)
    flagged = set(PiiFinding.objects.filter(table=table).values_list("column", flat=True))
    assert {"email", "phone", "name"} <= flagged
    with pytest.raises(Conflict):
        services.publish_table(table, by=None)
    services.decide_pii(table, column="email", action="drop", by=None)
    table.refresh_from_db()
    assert "email" not in [f["name"] for f in table.schema["fields"]]
    services.decide_pii(table, column="phone", action="mask", by=None)
    table.refresh_from_db()
    phones = runtime.open_cursor(table).execute("SELECT phone FROM data ORDER BY rowid").fetchall()
    assert phones[0][0] == "6••-5••-0•••"
    with pytest.raises(InvalidInput):
        services.decide_pii(table, column="name", action="justify", by=None)
    services.decide_pii(table, column="name", action="justify", justification="Officials' names are public.", by=None)
    table = services.publish_table(table, by=None)
    assert table.status == TableStatus.PUBLISHED


def test_decisions_are_reapplied_on_reload() -> None:
    """A column dropped for privacy stays dropped when a new version of the file is loaded."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset, PEOPLE, name="people")
    services.decide_pii(table, column="email", action="drop", by=None)
    table, job = load_table(dataset, PEOPLE + "Cy Wu,cy@example.org,617-555-0103,30\n", name="people")
    assert job.status == JobStatus.SUCCEEDED
    assert "email" not in [f["name"] for f in table.schema["fields"]]
    assert table.row_count == 3


def test_retyping_a_column_recasts_values_and_counts_failures() -> None:
    """Changing a text column to integer writes a new version and reports cells that do not fit."""
    table, _job = load_table(make_published_dataset(), "code,label\n1,a\n2,b\nx,c\n")
    assert {f["name"]: f["type"] for f in table.schema["fields"]}["code"] == "string"
    table = services.update_schema(table, edits={"code": {"type": "integer"}}, by=None)
    assert table.version == 2
    assert table.ingest_info["cast_failures"] == {"code": 1}
    assert runtime.open_cursor(table).execute("SELECT sum(code) FROM data").fetchone() == (3,)


def test_schema_edit_errors_list_every_problem() -> None:
    """Unknown columns and bad constraints are reported together."""
    table, _job = load_table(make_published_dataset())
    with pytest.raises(InvalidInput) as info:
        services.update_schema(
            table, edits={"nope": {"title": "x"}, "lat": {"constraints": {"minimum": "low"}}}, by=None
        )
    assert len(info.value.details) == 2


def test_constraints_feed_the_quality_report() -> None:
    """A staff constraint is checked against the data and its violations counted."""
    table, _job = load_table(make_published_dataset())
    table = services.update_schema(table, edits={"shooting": {"constraints": {"maximum": 0}}}, by=None)
    assert table.quality["constraint_violations"] == [{"column": "shooting", "constraint": "maximum", "count": 1}]


def test_save_chart_checks_columns() -> None:
    """A chart on an unknown column is refused with the valid choices."""
    table = published_table()
    with pytest.raises(InvalidInput) as info:
        services.save_chart(table, title="x", chart_type="bar", x="nope", by=None)
    assert "district" in info.value.message
    chart = services.save_chart(table, title="By district", chart_type="bar", x="district", by=None)
    assert chart.pk is not None


def test_create_table_refuses_duplicates() -> None:
    """Two tables of one dataset cannot share a name."""
    dataset = make_published_dataset()
    distribution = dataset.distributions.first()
    services.create_table(distribution=distribution, name="rows", by=None)
    with pytest.raises(Conflict):
        services.create_table(distribution=distribution, name="rows", by=None)


def test_start_ingest_needs_exactly_one_source() -> None:
    """Giving no source (or two) is a clear input error."""
    table = services.create_table(distribution=make_published_dataset().distributions.first(), name="t", by=None)
    with pytest.raises(InvalidInput):
        services.start_ingest(table, by=None)


def test_fetch_is_refused_for_private_addresses() -> None:
    """A URL pointing at the server itself is refused by the SSRF-safe fetcher; the job says why."""
    table = services.create_table(distribution=make_published_dataset().distributions.first(), name="t", by=None)
    job = services.start_ingest(table, by=None, url="http://127.0.0.1:8000/secret.csv")
    job = services.run_ingest_job(job_id=job.pk)
    assert job.status == JobStatus.FAILED
    assert job.error["code"].startswith("fetch.")


def test_pii_blockers_for_the_catalog_checklist() -> None:
    """The dataset-level helper names each table with undecided personal data."""
    dataset = make_published_dataset()
    table, _job = load_table(dataset, PEOPLE, name="people")
    reasons = services.pii_blockers(dataset)
    assert len(reasons) == 1
    assert "people" in reasons[0]
    for column in services.unresolved_pii(table):
        services.decide_pii(table, column=column, action="drop", by=None)
    assert services.pii_blockers(dataset) == []
