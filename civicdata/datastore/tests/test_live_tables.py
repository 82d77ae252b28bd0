"""Live tables: a table or view of an office's database copied into the Data API, read-only, capped, on a
schedule, with the connection address stored encrypted and private hosts refused unless allowed."""

from __future__ import annotations

import os
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore import live
from civicdata.datastore.models import DataTable, LiveSource
from civicdata.datastore.runtime import get_store
from civicdata.datastore.services import live_sources

pytestmark = pytest.mark.django_db

PERMITS = [
    (1, "12 Main St", "2026-11-02", Decimal("1500.25"), "Roof"),
    (2, "40 Elm Ave", "2026-11-05", Decimal("320.00"), "Fence"),
    (3, "7 Oak Ct", "2026-11-09", None, "Deck"),
]


@pytest.fixture
def databases(tmp_path):
    folder = tmp_path / "office-databases"
    folder.mkdir()
    with override_settings(LIVE_TABLE_SQLITE_DIRS=[str(folder)]):
        yield folder


@pytest.fixture
def permits_db(databases) -> Path:
    path = databases / "permits.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE permits (id INTEGER PRIMARY KEY, address TEXT, issued TEXT, fee NUMERIC, kind TEXT)")
        conn.executemany(
            "INSERT INTO permits VALUES (?, ?, ?, ?, ?)", [(*p[:3], p[3] and str(p[3]), p[4]) for p in PERMITS]
        )
        conn.execute("CREATE VIEW roof_permits AS SELECT id, address FROM permits WHERE kind = 'Roof'")
    return path


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def connect(dataset, editor, url, relation, capture, **options):
    with capture(execute=True):
        return live_sources.register_live_source(
            dataset, connection_url=url, relation=relation, by=editor, site_url="https://data.example.gov/", **options
        )


def table_rows(table: DataTable) -> list[tuple]:
    table.refresh_from_db()
    return get_store().cursor(table.relation).execute("SELECT * FROM data ORDER BY 1").fetchall()


def test_a_sqlite_table_is_copied_into_the_data_api(parks, editor, permits_db, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    source = connect(dataset, editor, f"sqlite:///{permits_db}", "permits", django_capture_on_commit_callbacks)
    source.refresh_from_db()
    assert source.last_error == ""
    assert source.last_rows == 3
    assert not source.last_truncated
    assert source.engine == "SQLite"
    table = source.table
    table.refresh_from_db()
    assert table.is_loaded
    assert table.row_count == 3
    assert table.distribution.access_url == f"https://data.example.gov/data/{dataset.name}/permits/"
    assert table.distribution.format == "API"
    names = [field["name"] for field in table.schema["fields"]]
    assert names == ["id", "address", "issued", "fee", "kind"]
    types = {field["name"]: field["type"] for field in table.schema["fields"]}
    assert types["id"] == "integer"
    assert types["issued"] == "date"


def test_a_view_can_be_copied_and_the_row_cap_is_kept(parks, editor, permits_db, django_capture_on_commit_callbacks):
    dataset = make_dataset(parks, published=False)
    source = connect(dataset, editor, f"sqlite:///{permits_db}", "roof_permits", django_capture_on_commit_callbacks)
    source.refresh_from_db()
    assert source.last_rows == 1
    capped = connect(
        make_dataset(parks, published=False), editor, f"sqlite:///{permits_db}", "permits",
        django_capture_on_commit_callbacks, row_cap=2,
    )  # fmt: skip
    capped.refresh_from_db()
    assert (capped.last_rows, capped.last_truncated) == (2, True)
    capped.table.refresh_from_db()
    assert capped.table.row_count == 2


def test_a_refresh_brings_the_changes_and_a_failed_one_keeps_the_last_copy(
    parks, editor, permits_db, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    source = connect(dataset, editor, f"sqlite:///{permits_db}", "permits", django_capture_on_commit_callbacks)
    with sqlite3.connect(permits_db) as conn:
        conn.execute("INSERT INTO permits VALUES (4, '9 Pine Rd', '2026-11-20', 75, 'Shed')")
    with django_capture_on_commit_callbacks(execute=True):
        live_sources.request_refresh(source, by=editor)
    source.refresh_from_db()
    assert source.last_rows == 4
    assert [row[0] for row in table_rows(source.table)] == [1, 2, 3, 4]
    with sqlite3.connect(permits_db) as conn:
        conn.execute("DROP VIEW roof_permits")
        conn.execute("DROP TABLE permits")
    with django_capture_on_commit_callbacks(execute=True):
        live_sources.request_refresh(source, by=editor)
    source.refresh_from_db()
    assert "permits" in source.last_error
    assert [row[0] for row in table_rows(source.table)] == [1, 2, 3, 4]  # the last good copy stays


def test_the_connection_is_stored_encrypted(settings):
    token = live.encrypt("postgresql://reader:S3cret-pw@db.example.gov/permits")
    assert "S3cret" not in token
    assert live.decrypt(token).endswith("S3cret-pw@db.example.gov/permits")
    settings.LIVE_TABLE_SECRET_KEY = "another key"
    with pytest.raises(live.LiveSourceError) as refused:
        live.decrypt(token)
    assert refused.value.code == "live.secret_changed"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("postgresql://reader:pw@127.0.0.1/permits", "live.blocked_address"),
        ("postgresql://reader:pw@10.1.2.3:5432/permits", "live.blocked_address"),
        ("mysql://reader:pw@169.254.169.254/x", "live.blocked_address"),
        ("postgresql://reader:pw@/permits", "live.no_host"),
        ("postgresql://reader:pw@db.invalid/permits", "live.dns"),
        ("oracle://reader:pw@db.example.gov/x", "live.unsupported"),
        ("not an address", "live.url_malformed"),
        ("sqlite:////etc/passwd", "live.sqlite_folder"),
        ("sqlite:///:memory:", "live.sqlite_path"),
    ],
)
def test_addresses_the_rules_refuse_get_a_clear_error(url, code, databases):
    with pytest.raises(live.LiveSourceError) as refused:
        live.check_connection_url(url)
    assert refused.value.code == code
    assert "pw" not in refused.value.message


def test_a_private_host_named_by_the_setting_is_allowed(settings):
    settings.LIVE_TABLE_ALLOWED_HOSTS = ["10.0.0.0/8"]
    connection = live.check_connection_url("postgres://reader:pw@10.1.2.3/permits")
    assert connection.address == "10.1.2.3"
    assert connection.url.port == 5432
    assert connection.engine_name == "PostgreSQL"
    assert "pw" not in connection.display
    assert "***" in connection.display


def test_sqlite_files_are_opened_read_only(parks, editor, permits_db):
    connection = live.check_connection_url(f"sqlite:///{permits_db}")
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    with live.connected(connection) as conn, pytest.raises(OperationalError, match="readonly"):
        conn.execute(text("DELETE FROM permits"))
    with sqlite3.connect(permits_db) as check:
        assert check.execute("SELECT count(*) FROM permits").fetchone() == (3,)


def test_a_table_the_database_lacks_is_refused_before_anything_is_saved(parks, editor, permits_db):
    dataset = make_dataset(parks, published=False)
    distributions = dataset.distributions.count()
    with pytest.raises(live.LiveSourceError) as refused:
        live_sources.register_live_source(
            dataset, connection_url=f"sqlite:///{permits_db}", relation="permits; DROP TABLE permits",
            by=editor, site_url="https://data.example.gov/",
        )  # fmt: skip
    assert refused.value.code == "live.no_table"
    assert not LiveSource.objects.exists()
    assert not DataTable.objects.exists()
    assert dataset.distributions.count() == distributions
    with sqlite3.connect(permits_db) as check:
        assert check.execute("SELECT count(*) FROM permits").fetchone() == (3,)


def test_only_the_publishers_editors_connect_tables(parks, permits_db):
    from civicdata.core.errors import ActionRefused

    dataset = make_dataset(parks, published=False)
    outsider = make_member(make_organization("Water", slug="water"))
    for person in (make_user(), outsider):
        with pytest.raises(ActionRefused):
            live_sources.register_live_source(
                dataset, connection_url=f"sqlite:///{permits_db}", relation="permits",
                by=person, site_url="https://data.example.gov/",
            )  # fmt: skip


def test_the_pages_list_tables_connect_one_and_refresh_it(
    client, parks, editor, permits_db, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    url = f"/data/{dataset.name}/load/database/"
    form = {"connection_url": f"sqlite:///{permits_db}", "refresh": "daily", "action": "list"}
    listed = client.post(url, form).content.decode()
    assert '<option value="permits">' in listed
    assert '<option value="roof_permits">' in listed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form, "action": "connect", "relation": "permits", "title": "Building permits"})
    assert response.status_code == 302
    assert response["Location"] == "/catalog/tools/live-tables/"
    page = client.get("/catalog/tools/live-tables/").content.decode()
    assert "Building permits" in page
    assert "3 rows" in page
    source = LiveSource.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/catalog/tools/live-tables/{source.pk}/schedule/", {"refresh": "hourly"})
    source.refresh_from_db()
    assert source.refresh == "hourly"
    assert client.get(f"/catalog/tools/live-tables/{source.pk}/refresh/").status_code == 405  # no change on GET
    resident = make_user()
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(f"/catalog/tools/live-tables/{source.pk}/stop/").status_code == 403


def test_listing_says_how_many_tables_were_found(client, parks, editor, permits_db):
    """After "List tables" the hint under the list counts what was found (not the hint to list them)."""
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    url = f"/data/{dataset.name}/load/database/"
    form = {"connection_url": f"sqlite:///{permits_db}", "refresh": "daily", "action": "list"}
    listed = client.post(url, form).content.decode()
    assert "2 tables and views found." in listed
    assert "see the tables and views the account can read" not in listed
    with sqlite3.connect(permits_db) as conn:
        conn.execute("DROP VIEW roof_permits")
    conn.close()
    assert "1 table or view found." in client.post(url, form).content.decode()


def test_a_bad_address_on_the_page_is_said_at_the_field(client, parks, editor, databases):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    page = client.post(
        f"/data/{dataset.name}/load/database/",
        {"connection_url": "postgresql://reader:pw@127.0.0.1/permits", "refresh": "daily", "action": "list"},
    ).content.decode()
    assert "LIVE_TABLE_ALLOWED_HOSTS" in page
    assert 'value="postgresql://reader:pw@127.0.0.1/permits"' in page  # what was typed is kept


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else ""


@pytest.mark.skipif(not _postgres_url(), reason="needs the suite's PostgreSQL server (the CI PostgreSQL stage)")
def test_a_throwaway_postgresql_table_is_copied_read_only(parks, editor, settings, django_capture_on_commit_callbacks):
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    server = make_url(_postgres_url())
    name = f"live_src_{uuid.uuid4().hex[:10]}"
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        source_url = server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
        with psycopg.connect(source_url, autocommit=True) as conn:
            conn.execute("CREATE TABLE inspections (id int PRIMARY KEY, place text, score numeric(4,1), at date)")
            conn.execute(
                "INSERT INTO inspections VALUES (1, 'Cafe Uno', 92.5, '2026-10-01'), (2, 'Deli Dos', 78, '2026-10-03')"
            )
        settings.LIVE_TABLE_ALLOWED_HOSTS = [server.host]
        connection = live.check_connection_url(source_url)
        with live.connected(connection) as conn:
            assert conn.execute(text("SHOW default_transaction_read_only")).scalar() == "on"
        assert "inspections" in live.list_relations(connection)
        dataset = make_dataset(parks, published=False)
        source = connect(dataset, editor, source_url, "inspections", django_capture_on_commit_callbacks)
        source.refresh_from_db()
        assert source.last_error == ""
        assert source.last_rows == 2
        assert source.engine == "PostgreSQL"
        assert [row[1] for row in table_rows(source.table)] == ["Cafe Uno", "Deli Dos"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_api_connects_lists_refreshes_and_stops_a_live_table(
    client, parks, editor, permits_db, django_capture_on_commit_callbacks
):
    dataset = make_dataset(parks, published=False)
    client.force_login(editor)
    body = {"dataset": dataset.name, "connection_url": f"sqlite:///{permits_db}", "relation": "permits"}
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/tools/live-tables", body, content_type="application/json")
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["relation"] == "permits"
    assert answer["engine"] == "SQLite"
    listed = client.get("/api/tools/live-tables").json()
    assert [item["id"] for item in listed] == [answer["id"]]
    assert listed[0]["last_rows"] == 3
    missing = client.post(
        "/api/tools/live-tables", {**body, "relation": "nope"}, content_type="application/json"
    ).json()
    assert missing["error"]["code"] == "live.no_table"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/tools/live-tables/{answer['id']}/refresh").status_code == 202
    client.force_login(make_user())
    assert client.get(f"/api/tools/live-tables/{answer['id']}").status_code == 403
    assert client.get("/api/tools/live-tables").json() == []
    client.force_login(editor)
    assert client.delete(f"/api/tools/live-tables/{answer['id']}").status_code == 204
    assert not LiveSource.objects.exists()
    assert DataTable.objects.get().row_count == 3  # the table stays with its last copy
