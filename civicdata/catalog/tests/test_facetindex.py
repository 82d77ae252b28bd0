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
