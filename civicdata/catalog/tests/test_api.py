"""Tests of the native catalog API at /api/catalog/."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    parks = make_organization("Parks", slug="parks")
    for number in range(5):
        make_dataset(parks, identifier=f"https://data.example.org/id/{number}", title=f"Trees {number}")
    make_dataset(parks, identifier="draft", published=False)
    return parks


def test_list_pages_with_cursor_and_bounded_queries(client, catalog, django_assert_max_num_queries):
    """Pages follow the cursor convention and never show drafts; queries stay constant."""
    with django_assert_max_num_queries(6):
        first = client.get("/api/catalog/datasets", {"limit": 3, "sort": "title"}).json()
    assert [item["title"] for item in first["items"]] == ["Trees 0", "Trees 1", "Trees 2"]
    assert first["total"] == 5
    second = client.get("/api/catalog/datasets", {"limit": 3, "sort": "title", "cursor": first["next_cursor"]}).json()
    assert [item["title"] for item in second["items"]] == ["Trees 3", "Trees 4"]
    assert second["next_cursor"] is None


def test_search_with_facets(client, catalog):
    """q and facet filters narrow the list; facets=true adds counts."""
    body = client.get("/api/catalog/datasets", {"q": "trees", "facets": "true", "keyword": "parks"}).json()
    assert body["total"] == 5
    assert body["facets"]["publisher"] == [["parks", 5]]


def test_bad_parameters_use_the_error_envelope(client, catalog):
    """Invalid limit, sort, bbox or cursor answer 400 with the shared error shape."""
    for params in ({"limit": 0}, {"sort": "random"}, {"bbox": "1,2"}, {"cursor": "!!"}):
        response = client.get("/api/catalog/datasets", params)
        assert response.status_code == 400, params
        assert "error" in response.json()


def test_detail_by_identifier_with_slashes(client, catalog):
    """The detail endpoint accepts URL identifiers and returns the POD record."""
    body = client.get("/api/catalog/datasets/https://data.example.org/id/2").json()
    assert body["pod"]["identifier"] == "https://data.example.org/id/2"
    assert client.get("/api/catalog/datasets/draft").status_code == 404


def test_publishers(client, catalog):
    """Publishers list their public dataset count and their data.json address."""
    body = client.get("/api/catalog/publishers").json()
    assert {k: body[0][k] for k in ("slug", "dataset_count")} == {"slug": "parks", "dataset_count": 5}
    assert body[0]["data_json"] == "/publishers/parks/data.json"
