"""Tests of dataset search: full text, facets, sorts, bounding box, visibility and the demand hook."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import search, signals
from civicdata.catalog.search import SearchQuery, Sort, search_datasets
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    parks = make_organization("Parks", slug="parks")
    police = make_organization("Police", slug="police")
    return {
        "trees": make_dataset(
            parks, identifier="trees", title="Street trees", keyword=["Trees", "Urban forest"], theme=["Environment"],
            spatial="-75.3,39.8,-74.9,40.1",
        ),
        "benches": make_dataset(
            parks, identifier="benches", title="Park benches",
            description="Every bench in every park, with its material and condition.",
            keyword=["furniture"], license="https://opendatacommons.org/licenses/odbl/",
        ),
        "crime": make_dataset(
            police, identifier="crime", title="Crime incidents", keyword=["crime", "safety"], theme=["Public safety"],
            spatial="-71.2,42.2,-70.9,42.4",
        ),
        "draft": make_dataset(police, identifier="secret", title="Tree inspections draft", published=False),
    }  # fmt: skip


def titles(result) -> list[str]:
    return sorted(d.title for d in result.datasets)


def test_full_text_matches_title_keywords_publisher(catalog):
    """Words match in titles, keywords, descriptions and the publisher name (prefix on the last word),
    with SQLite's FTS5 on the embedded database and PostgreSQL's full-text search in production."""
    from django.db import connection

    assert search.backend() == ("postgres" if connection.vendor == "postgresql" else "fts5")
    assert titles(search_datasets(SearchQuery(text="tree"))) == ["Street trees"]
    assert titles(search_datasets(SearchQuery(text="urban forest"))) == ["Street trees"]
    assert titles(search_datasets(SearchQuery(text="bench park"))) == ["Park benches"]
    assert titles(search_datasets(SearchQuery(text="police"))) == ["Crime incidents"]
    assert search_datasets(SearchQuery(text='"; DROP TABLE x; --')).total == 0


def test_drafts_are_visible_to_staff_only(catalog):
    """The public search never shows drafts; the staff view does."""
    assert "Tree inspections draft" not in titles(search_datasets(SearchQuery(text="tree")))
    assert "Tree inspections draft" in titles(search_datasets(SearchQuery(text="tree", include_all=True)))


def test_facets_count_and_filter(catalog):
    """Facet counts reflect the matches, and facet filters narrow the results."""
    result = search_datasets(SearchQuery())
    assert dict(result.facets["publisher"]) == {"parks": 2, "police": 1}
    assert dict(result.facets["theme"]) == {"Environment": 1, "Public safety": 1}
    assert ("CSV", 3) in result.facets["format"]
    filtered = search_datasets(SearchQuery(filters={"publisher": ["parks"], "keyword": ["trees"]}))
    assert titles(filtered) == ["Street trees"]
    odbl = search_datasets(SearchQuery(filters={"license": ["https://opendatacommons.org/licenses/odbl/"]}))
    assert titles(odbl) == ["Park benches"]


def test_bbox_filter_keeps_overlapping_extents(catalog):
    """Only datasets whose spatial box overlaps the requested box are returned."""
    philly = search_datasets(SearchQuery(bbox=(-75.5, 39.5, -74.5, 40.5)))
    assert titles(philly) == ["Street trees"]


def test_sorts(catalog):
    """Most viewed puts the most viewed first; title sorts alphabetically."""
    from civicdata.catalog.models import Dataset

    Dataset.objects.filter(identifier="crime").update(view_count=50)
    assert search_datasets(SearchQuery(sort=Sort.VIEWS)).datasets[0].identifier == "crime"
    assert search_datasets(SearchQuery(sort=Sort.TITLE)).datasets[0].title == "Crime incidents"


def test_search_page_renders_facets_with_bounded_queries(client, catalog, django_assert_max_num_queries):
    """/datasets/ lists results and facets with a fixed number of queries."""
    for number in range(25):
        make_dataset(catalog["trees"].publisher, identifier=f"extra-{number}")
    with django_assert_max_num_queries(14):
        response = client.get("/datasets/", {"q": "trees", "sort": "relevance"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Street trees" in content
    assert "Filter results" in content
    # Facet links keep the current query and add the facet value.
    assert 'href="?q=trees&amp;sort=relevance&amp;publisher=parks"' in content


def test_a_search_that_finds_nothing_is_announced(client, catalog):
    """A first page with no results sends `search_found_nothing` with the query and language."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signals.search_found_nothing.connect(receiver)
    try:
        client.get("/datasets/", {"q": "zebra crossings"})
        client.get("/datasets/", {"q": "trees"})  # found something: not announced
    finally:
        signals.search_found_nothing.disconnect(receiver)
    assert calls == [{"signal": signals.search_found_nothing, "query": "zebra crossings", "language": "en"}]


def test_staff_see_drafts_on_the_page(client, catalog):
    """Site staff searching the page see draft datasets, marked as drafts."""
    client.force_login(make_user(staff=True))
    content = client.get("/datasets/", {"q": "inspections"}).content.decode()
    assert "Tree inspections draft" in content


def test_relevance_puts_title_matches_first(catalog):
    """A word in the title outranks the same word only in the description."""
    parks = catalog["trees"].publisher
    harbour = "Mentions canal once, among harbour tides and moorings."
    make_dataset(parks, identifier="desc", title="Harbour data", description=harbour)
    locks = "Opening times of the locks, listed for every day of the year."
    make_dataset(parks, identifier="title", title="Canal locks", description=locks)
    result = search_datasets(SearchQuery(text="canal"))
    assert [d.identifier for d in result.datasets] == ["title", "desc"]
    assert result.total == 2
