"""Issue 15: answers of public tables are cached per version file; a re-load answers anew at once, and
restricted or unpublished tables are never cached (so no answer crosses permission levels)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from civicdata.accounts.tests.factories import make_member
from civicdata.datastore import result_cache, services
from civicdata.datastore.models import DataTable

from .factories import load_table, make_published_dataset, published_table

pytestmark = pytest.mark.django_db

QUERY = "?offense=LARCENY&sort=-occurred&fields=incident,district&limit=2"
NEW_CSV = (
    "Incident,Offense,District,Shooting,Occurred,Lat,Long,Note\n"
    "J-1,LARCENY,Back Bay,0,7/14/2021 19:49,42.35,-71.08,x\n"
    "J-2,LARCENY,Back Bay,0,7/15/2021 19:49,42.35,-71.08,y\n"
)


def ask(client: Client, table: DataTable, query: str = QUERY) -> dict:
    response = client.get(table.api_path + query)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def cache() -> result_cache.ResultCache:
    found = result_cache.get_cache()
    assert found is not None  # on by default
    return found


def test_a_repeated_question_is_answered_from_the_cache(client: Client) -> None:
    table = published_table()
    first = ask(client, table)
    hits, misses = cache().hits, cache().misses
    assert ask(client, table) == first
    assert cache().hits >= hits + 2  # the page and the matching count
    assert cache().misses == misses  # nothing of it computed again


def test_the_count_is_computed_once_per_filter_while_paging(client: Client) -> None:
    """Following `next` reuses the matching count of the first page (same filter, other page)."""
    table = published_table()
    first = ask(client, table)
    hits = cache().hits
    second = json.loads(client.get(first["next"]).content)
    assert [r["incident"] for r in second["rows"]] == ["I-5"]
    assert second["matching_count"] == 3
    assert cache().hits == hits + 1  # the count; the page itself was new


def test_reloading_the_table_changes_the_answer_at_once(client: Client) -> None:
    table = published_table()
    before = ask(client, table)
    assert before["matching_count"] == 3
    assert ask(client, table) == before  # now cached
    grouped = ask(client, table, "?group_by=district&sort=district")
    assert [r["district"] for r in grouped["rows"]] == ["Dorchester", "Roxbury", "South End"]

    reloaded, job = load_table(table.dataset, NEW_CSV)
    assert job.status == "succeeded", job.error
    assert reloaded.version > table.version
    after = ask(client, reloaded)
    assert [r["incident"] for r in after["rows"]] == ["J-2", "J-1"]
    assert after["matching_count"] == 2
    assert after["row_count"] == 2
    assert [r["district"] for r in ask(client, reloaded, "?group_by=district&sort=district")["rows"]] == ["Back Bay"]
    html = client.get(reloaded.get_absolute_url() + QUERY).content.decode()
    assert "J-2" in html
    assert "I-1" not in html


def test_masking_a_column_changes_the_answer_at_once(client: Client) -> None:
    """A personal-data decision writes a new version file with the same columns and row count; the cached
    rows of the old file are not served."""
    table = published_table()
    assert [r["district"] for r in ask(client, table)["rows"]] == ["South End", "Roxbury"]
    services.decide_pii(table, column="district", action="mask", justification="test", by=None)
    table.refresh_from_db()
    masked = ask(client, table)
    assert masked["matching_count"] == 3
    assert [r["incident"] for r in masked["rows"]] == ["I-1", "I-3"]
    assert not {r["district"] for r in masked["rows"]} & {"South End", "Roxbury"}


def restricted_table() -> DataTable:
    dataset = make_published_dataset(accessLevel="restricted public")
    table, job = load_table(dataset)
    assert job.status == "succeeded", job.error
    for column in services.unresolved_pii(table):
        services.decide_pii(table, column=column, action="justify", justification="Public record.", by=None)
    return services.publish_table(table, by=None)


def test_restricted_tables_are_never_cached(client: Client) -> None:
    table = restricted_table()
    assert result_cache.table_key(table) is None
    client.force_login(make_member(table.dataset.publisher))
    entries = len(cache())
    assert ask(client, table)["matching_count"] == 3
    assert ask(client, table)["matching_count"] == 3
    assert len(cache()) == entries  # nothing stored for this table
    client.logout()
    assert client.get(table.api_path + QUERY).status_code == 404


def test_an_unpublished_table_stops_answering_at_once(client: Client) -> None:
    """Permission is checked before the cache: cached answers of a table taken out of view are not served."""
    table = published_table()
    ask(client, table)
    services.unpublish_table(table, by=None)
    assert client.get(table.api_path + QUERY).status_code == 404
    table.refresh_from_db()
    assert result_cache.table_key(table) is None
    client.force_login(make_member(table.dataset.publisher))
    assert ask(client, table)["matching_count"] == 3


def test_answers_are_the_same_with_the_cache_off(client: Client, settings) -> None:
    table = published_table()
    queries = [QUERY, "?group_by=district&sort=-count", "?_facet=district&q=larceny", "?district=Roxbury"]
    cached = [ask(client, table, q) for q in queries] + [ask(client, table, q) for q in queries]
    settings.DATASTORE_RESULT_CACHE_MB = 0
    assert result_cache.get_cache() is None
    fresh = [ask(client, table, q) for q in queries]
    assert cached == fresh + fresh


def test_the_cache_keeps_within_its_size() -> None:
    small = result_cache.ResultCache(max_bytes=4 * 1024)
    for i in range(100):
        small.put(("k", i), i, 100)
    assert small.get(("k", 0)) is None  # the oldest went first
    assert small.get(("k", 99)) == 99
    assert len(small) * (100 + result_cache.ENTRY_OVERHEAD) <= 4 * 1024
    small.put(("huge",), "x", 10 * 1024)
    assert small.get(("huge",)) is None  # one answer larger than a quarter of the cache is not kept
    assert result_cache.typed([1]) != result_cache.typed([True]) != result_cache.typed([1.0])
