"""The in-memory facet index agrees with the SQL facet counts and follows catalog changes."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog import facetindex
from civicdata.catalog.search import SearchQuery, facet_counts, matching_datasets
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db


def test_index_counts_match_sql_and_rebuild_after_writes():
    """Counts from numpy equal the SQL GROUP BY counts; a new dataset changes the stamp and the counts."""
    parks = make_organization("Parks", slug="parks")
    for number in range(6):
        make_dataset(parks, identifier=f"d{number}", keyword=["trees" if number % 2 else "benches", "parks"])
    make_dataset(parks, identifier="draft", published=False, keyword=["secret"])
    index = facetindex.facet_index()
    ids = index.candidates(include_all=False)
    queryset, _ranked = matching_datasets(SearchQuery())
    assert index.counts(ids, ["keyword", "publisher"], 10) == facet_counts(queryset, ["keyword", "publisher"])
    assert len(index.with_value(ids, "keyword", "trees")) == 3
    assert len(index.candidates(include_all=True)) == 7
    make_dataset(parks, identifier="d9", keyword=["trees"])
    rebuilt = facetindex.facet_index()
    assert rebuilt is not index
    assert dict(rebuilt.counts(rebuilt.candidates(include_all=False), ["keyword"], 10)["keyword"])["trees"] == 4


def test_remembered_answers_change_at_once_after_every_kind_of_write():
    """Search answers are remembered per state of the catalog: a new dataset, an edit and a withdrawal each
    change the very next answer (total, facet counts and the page)."""
    from civicdata.catalog import services
    from civicdata.catalog.search import search_datasets
    from civicdata.catalog.tests.factories import pod_dataset

    parks = make_organization("Parks", slug="parks")
    first = make_dataset(parks, identifier="t1", title="Street trees", keyword=["trees"])
    make_dataset(parks, identifier="t2", title="Park trees", keyword=["trees"])
    query = SearchQuery(text="trees")
    before = search_datasets(query)
    assert before.total == 2
    assert search_datasets(query).facets == before.facets  # the remembered answer is the same answer
    make_dataset(parks, identifier="t3", title="Trees planted", keyword=["planting"])
    added = search_datasets(query)
    assert added.total == 3
    assert dict(added.facets["keyword"]) == {"trees": 2, "planting": 1}
    services.update_dataset(
        first, data=pod_dataset(identifier="t1", title="Street benches", keyword=["benches"]), by=None
    )
    edited = search_datasets(query)
    assert edited.total == 2
    assert "benches" not in dict(edited.facets["keyword"])
    services.withdraw_dataset(first.__class__.objects.get(identifier="t2"), by=None, reason="Duplicate")
    withdrawn = search_datasets(query)
    assert [d.identifier for d in withdrawn.datasets] == ["t3"]
    assert withdrawn.facets["keyword"] == [("planting", 1)]
    browse = search_datasets(SearchQuery())
    assert browse.total == 2  # the benches and the planting, both visible


def test_ties_in_facet_counts_are_ordered_by_value_like_sql():
    """Values with equal counts come in value order, whatever order the catalog first met them in."""
    parks = make_organization("Parks", slug="parks")
    make_dataset(parks, identifier="a", keyword=["zebra", "apple"])
    make_dataset(parks, identifier="b", keyword=["mango"])
    index = facetindex.facet_index()
    ids = index.candidates(include_all=False)
    queryset, _ranked = matching_datasets(SearchQuery())
    assert index.counts(ids, ["keyword"], 10)["keyword"] == [("apple", 1), ("mango", 1), ("zebra", 1)]
    assert index.counts(ids, ["keyword"], 10) == facet_counts(queryset, ["keyword"])
    assert index.counts(ids, ["keyword"], 2)["keyword"] == [("apple", 1), ("mango", 1)]
