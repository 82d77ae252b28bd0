"""Dataset search behind one interface: full text (SQLite FTS5, PostgreSQL full-text search, or a
substring fallback), facet filters and counts, sorts and a bounding-box filter.

`search_datasets(SearchQuery(...), user=...)` returns a `SearchResult` with one page of datasets, the
total and the facet counts. Visibility is decided here too: people see the Public Data Listing; site
staff also see unpublished and non-public datasets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from civicdata.accounts.models import Organization
from civicdata.accounts.permissions import is_site_staff
from civicdata.catalog import fulltext_sql
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset, DatasetFacet, FacetKind
from civicdata.catalog.spatial import BBox

if TYPE_CHECKING:
    from civicdata.catalog.facetindex import FacetIndex

FACETS: tuple[str, ...] = tuple(FacetKind.values)
FACET_LIMIT = 10


class Sort:
    RELEVANCE = "relevance"
    MODIFIED = "modified"
    VIEWS = "views"
    TITLE = "title"
    CHOICES = (RELEVANCE, MODIFIED, VIEWS, TITLE)


@dataclass(slots=True)
class SearchQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = Sort.RELEVANCE
    bbox: BBox | None = None
    offset: int = 0
    limit: int = 20
    include_all: bool = False  # staff view: unpublished and non-public datasets too


@dataclass(slots=True)
class SearchResult:
    datasets: list[Dataset]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    backend: str


_TOKEN = re.compile(r"\w+", re.UNICODE)


@contextmanager
def bulk_index_mode() -> Iterator[Callable[[list[int]], None]]:
    """For large imports on SQLite: index new datasets in bulk instead of row by row.

    Must run inside the caller's transaction. The per-row insert trigger is dropped for the duration
    (the drop is part of the transaction, so no other connection ever sees the catalog without it) and
    the yielded function indexes a batch of dataset ids with one INSERT … SELECT, about ten times faster.
    On other databases it is a no-op (PostgreSQL indexes through its GIN expression index).
    """
    if _backend_cached() != "fts5":
        yield lambda ids: None
        return

    def index(ids: list[int]) -> None:
        if not ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 5000):
                chunk = ids[start : start + 5000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    "INSERT INTO catalog_dataset_fts(rowid, title, description, keyword, publisher) "  # noqa: S608
                    "SELECT id, coalesce(title, ''), coalesce(description, ''), coalesce(keyword, ''), "
                    f"publisher_name FROM catalog_dataset WHERE id IN ({marks})",
                    chunk,
                )

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS catalog_dataset_fts_ai")
    try:
        yield index
    finally:
        with connection.cursor() as cursor:
            cursor.execute(fulltext_sql.SQLITE_INSERT_TRIGGER)


def _fts5_query(text: str) -> str:
    """A safe FTS5 MATCH expression: every word must appear (prefix match on the last one)."""
    words = _TOKEN.findall(text)[:12]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


def backend() -> str:
    """Which full-text engine the current database offers."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='catalog_dataset_fts'")
            return "fts5" if cursor.fetchone() else "substring"
    if connection.vendor == "postgresql":
        return "postgres"
    return "substring"


_BACKEND_CACHE: dict[str, str] = {}


def text_backend() -> str:
    """The full-text engine of the current database ("fts5", "postgres" or "substring"), cached."""
    return _backend_cached()


def _backend_cached() -> str:
    key = connection.settings_dict.get("NAME", "") or "default"
    key = f"{connection.vendor}:{key}"
    if key not in _BACKEND_CACHE:
        _BACKEND_CACHE[key] = backend()
    return _BACKEND_CACHE[key]


def visible_datasets(*, include_all: bool) -> QuerySet[Dataset]:
    """Datasets the searcher may see: the public listing, or everything not withdrawn for staff."""
    queryset = Dataset.objects.filter(withdrawn_at__isnull=True)
    if not include_all:
        queryset = queryset.filter(is_published=True, access_level__in=PUBLIC_LEVELS)
    return queryset


def _text_filter(queryset: QuerySet[Dataset], text: str, engine: str) -> tuple[QuerySet[Dataset], bool]:
    """Narrow to matches; returns (queryset, ranked) where ranked means a `rank` annotation exists."""
    if not text.strip():
        return queryset, False
    if engine == "fts5":
        expression = _fts5_query(text)
        if not expression:
            return queryset, False
        matches = RawSQL("SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s", (expression,))
        return queryset.filter(id__in=matches), True
    if engine == "postgres":
        from django.contrib.postgres.search import SearchQuery as PgQuery
        from django.contrib.postgres.search import SearchRank, SearchVector

        # Same rule as FTS5: every word must appear, the last one as a prefix ("tree" finds "trees").
        words = [word.lower() for word in _TOKEN.findall(text)[:12]]
        if not words:
            return queryset, False
        raw = " & ".join([*(f"'{word}'" for word in words[:-1]), f"'{words[-1]}':*"])
        vector = SearchVector("title", "description", "keyword", "publisher_name", config="simple")
        query = PgQuery(raw, config="simple", search_type="raw")
        return queryset.annotate(search=vector, rank=-SearchRank(vector, query)).filter(search=query), True
    condition = Q()
    for word in _TOKEN.findall(text)[:12]:
        condition &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(publisher_name__icontains=word)
            | Q(keyword__icontains=word)
        )
    return queryset.filter(condition), False


def _apply_filters(queryset: QuerySet[Dataset], filters: dict[str, list[str]]) -> QuerySet[Dataset]:
    for facet, values in filters.items():
        if facet not in FACETS:
            continue
        for value in values[:5]:
            # Several values of one facet narrow further (AND), like CKAN's fq.
            queryset = queryset.filter(
                id__in=DatasetFacet.objects.filter(facet=facet, value=value).values("dataset_id")
            )
    return queryset


def _apply_bbox(queryset: QuerySet[Dataset], bbox: BBox | None) -> QuerySet[Dataset]:
    if bbox is None:
        return queryset
    west, south, east, north = bbox
    return queryset.filter(bbox_west__lte=east, bbox_east__gte=west, bbox_south__lte=north, bbox_north__gte=south)


def _order(queryset: QuerySet[Dataset], sort: str, ranked: bool) -> QuerySet[Dataset]:
    if sort == Sort.MODIFIED:
        return queryset.order_by("-modified_at", "-id")
    if sort == Sort.VIEWS:
        return queryset.order_by("-view_count", "-id")
    if sort == Sort.TITLE:
        return queryset.order_by("title", "id")
    if ranked:
        return queryset.order_by("rank", "-id")
    return queryset.order_by("-modified_at", "-id")


def facet_counts(
    queryset: QuerySet[Dataset], facets: Sequence[str] = FACETS, *, limit: int | None = FACET_LIMIT
) -> dict[str, list[tuple[str, int]]]:
    """The most frequent values of each facet among `queryset`, with counts (`limit` per facet; None: all).

    One query for all facets: the matching datasets' facet rows are grouped once and a window function
    keeps the top values of each facet, instead of one pass over the facet table per facet.
    """
    wanted = [facet for facet in facets if facet in FACETS]
    counts: dict[str, list[tuple[str, int]]] = {facet: [] for facet in wanted}
    if not wanted:
        return counts
    inner_sql, inner_params = queryset.order_by().values("id").query.sql_with_params()
    table = DatasetFacet._meta.db_table
    marks = ", ".join(["%s"] * len(wanted))
    sql = (
        "SELECT facet, value, n FROM ("  # noqa: S608 - fixed table names, bound parameters
        " SELECT facet, value, COUNT(*) AS n,"
        " ROW_NUMBER() OVER (PARTITION BY facet ORDER BY COUNT(*) DESC, value) AS position"
        f" FROM {table} WHERE facet IN ({marks}) AND dataset_id IN ({inner_sql})"
        " GROUP BY facet, value"
        ") ranked WHERE position <= %s ORDER BY facet, position"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*wanted, *inner_params, limit if limit is not None else 2**31 - 1))
        for facet, value, n in cursor.fetchall():
            counts[facet].append((value, n))
    return counts


def _fts5_ranked_page(queryset: QuerySet[Dataset], query: SearchQuery) -> list[Dataset]:
    """One page in bm25 order: FTS5 ranks its own matches, restricted to the filtered ids."""
    inner_sql, inner_params = queryset.order_by().values("id").query.sql_with_params()
    expression = _fts5_query(query.text)
    # bm25 weights per column: title counts most, then keywords, publisher, description.
    sql = (
        "SELECT rowid FROM catalog_dataset_fts WHERE catalog_dataset_fts MATCH %s "  # noqa: S608 - fixed SQL
        f"AND rowid IN ({inner_sql}) ORDER BY bm25(catalog_dataset_fts, 10.0, 1.0, 4.0, 2.0), rowid DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (expression, *inner_params, query.limit, query.offset))
        ids = [row[0] for row in cursor.fetchall()]
    found = Dataset.objects.select_related("publisher").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _indexed_search(
    query: SearchQuery, facets: Sequence[str]
) -> tuple[int, dict[str, list[tuple[str, int]]], list[int] | None]:
    """Total, facet counts and (for relevance order) the page's ids, computed on the facet index with
    the same rules as matching_datasets. FTS5 scores every match once (bm25); numpy filters and orders."""
    from civicdata.catalog.facetindex import facet_index

    index = facet_index()
    expression = _fts5_query(query.text) if query.text.strip() else ""
    # Remembered per state of the catalog: the index is replaced by any write, and its memo with it. Only a
    # relevance-ordered answer depends on the page; every page of a query shares its total and counts.
    ranked_page = (bool(expression) and query.sort == Sort.RELEVANCE) or _newest_first(query, expression)
    key = (
        expression,
        tuple((facet, tuple(values)) for facet, values in query.filters.items()),
        query.bbox,
        query.include_all,
        (ranked_page, query.offset, query.limit) if ranked_page else None,
        tuple(facets),
    )
    return index.remembered(key, lambda: _indexed_answer(index, query, expression, facets))


def _indexed_answer(
    index: FacetIndex, query: SearchQuery, expression: str, facets: Sequence[str]
) -> tuple[int, dict[str, list[tuple[str, int]]], list[int] | None]:
    import numpy as np

    ranked_ids = ranked_scores = None
    if expression:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, bm25(catalog_dataset_fts, 10.0, 1.0, 4.0, 2.0) FROM catalog_dataset_fts "
                "WHERE catalog_dataset_fts MATCH %s",
                [expression],
            )
            rows = cursor.fetchall()
        ranked_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        ranked_scores = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
        ids = index.visible(np.unique(ranked_ids), include_all=query.include_all)
    else:
        ids = index.candidates(include_all=query.include_all)
    for facet, values in query.filters.items():
        if facet in FACETS:
            for value in values[:5]:
                ids = index.with_value(ids, facet, value)
    if query.bbox is not None:
        ids = index.within(ids, query.bbox)
    counts = index.counts(ids, [f for f in facets if f in FACETS], FACET_LIMIT)
    page_ids = None
    if ranked_ids is not None and query.sort == Sort.RELEVANCE:
        keep = np.isin(ranked_ids, ids)
        kept_ids, kept_scores = ranked_ids[keep], ranked_scores[keep]
        # bm25 is lower-is-better; ties go to the newer dataset (higher id), like the SQL order.
        order = np.lexsort((-kept_ids, kept_scores))
        page_ids = [int(pk) for pk in kept_ids[order][query.offset : query.offset + query.limit]]
    elif _newest_first(query, expression):
        # Ordered here too: SQLite would sort every visible dataset for the page (its filter index wins over
        # the date index), about 0.5 s at 100,000 datasets.
        page_ids = index.newest_first(ids, query.offset, query.limit)
    return len(ids), counts, page_ids


def _newest_first(query: SearchQuery, expression: str) -> bool:
    """Whether the page is in `-modified_at, -id` order (the date sort, and browsing without words)."""
    return query.sort == Sort.MODIFIED or (not expression and query.sort == Sort.RELEVANCE)


def matching_datasets(query: SearchQuery) -> tuple[QuerySet[Dataset], bool]:
    """The unordered datasets matching a query, and whether they carry a relevance `rank`."""
    queryset = visible_datasets(include_all=query.include_all)
    queryset = _apply_filters(queryset, query.filters)
    queryset = _apply_bbox(queryset, query.bbox)
    return _text_filter(queryset, query.text, _backend_cached())


def search_datasets(query: SearchQuery, *, facets: Sequence[str] = FACETS) -> SearchResult:
    """Run one search: filter, count, facet and fetch one page (publisher loaded with the rows)."""
    engine = _backend_cached()
    queryset, ranked = matching_datasets(query)
    page_ids = None
    if engine == "fts5":
        # Totals, facet counts and the relevance order from the in-memory facet index (facetindex.py).
        total, counts, page_ids = _indexed_search(query, facets)
    else:
        total = queryset.order_by().count()
        counts = facet_counts(queryset, facets) if facets else {}
    if page_ids is not None:
        found = Dataset.objects.select_related("publisher").in_bulk(page_ids)
        page = [found[pk] for pk in page_ids if pk in found]
    elif ranked and engine == "fts5" and query.sort == Sort.RELEVANCE:
        page = _fts5_ranked_page(queryset, query)
    else:
        ordered = _order(queryset, query.sort, ranked and engine == "postgres")
        page = list(ordered.select_related("publisher")[query.offset : query.offset + query.limit])
    return SearchResult(datasets=page, total=total, facets=counts, backend=engine)


def publisher_labels(slugs: Sequence[str]) -> dict[str, str]:
    """Display names for publisher facet values (which are slugs)."""
    return dict(Organization.objects.filter(slug__in=list(slugs)).values_list("slug", "name"))


def query_for_user(user: Any, **kwargs: Any) -> SearchQuery:
    """A SearchQuery whose visibility matches the person asking."""
    return SearchQuery(include_all=is_site_staff(user), **kwargs)
