"""A read-only CKAN-compatible action API at `/api/3/action/<action>`, so existing CKAN clients, harvesters
and scripts (ckanapi, CKAN's harvesters, data.gov's tools) can read the catalog unchanged.

Only the Public Data Listing is exposed. CKAN's own names ("package", "resource", "organization",
"group", "tag") are used on the wire because that is what the clients expect. CKAN clients send POST
requests for reads; every action here is a read that ignores the session (answers as an anonymous
visitor), so CSRF protection has nothing to protect and is switched off for this one view.

Ids are stable UUIDs (datasets and distributions store one; publishers, categories and tags get one
derived from their database id or name); every action that takes an `id` also accepts the name.
`q` and `fq` are parsed by ckan_query.py. docs/api.md lists what is supported.
"""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Lower
from django.http import HttpRequest, JsonResponse
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt

from civicdata.accounts.models import Organization
from civicdata.catalog import ckan_query, records
from civicdata.catalog.ckan_mapping import ckan_format, named_uuid, organization_uuid, pod_extras
from civicdata.catalog.models import Dataset, DatasetFacet, Distribution, FacetKind
from civicdata.catalog.search import facet_counts, text_backend, visible_datasets

CKAN_VERSION = "2.10.0"
MAX_ROWS = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
# CKAN facet fields → our facet names.
FACET_FIELDS = {
    "organization": FacetKind.PUBLISHER,
    "tags": FacetKind.KEYWORD,
    "res_format": FacetKind.FORMAT,
    "groups": FacetKind.THEME,
    "license_id": FacetKind.LICENSE,
    "access_level": FacetKind.ACCESS_LEVEL,
}
# CKAN sort fields → Dataset columns ("score" is relevance to the text terms of q).
SORT_FIELDS = {
    "score": None,
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "title_string": "title",
    "name": "name",
    "views_recent": "view_count",
    "views_total": "view_count",
    "id": "uuid",
}
Params = dict[str, Any]


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def _public() -> QuerySet[Dataset]:
    return visible_datasets(include_all=False)


def _params(request: HttpRequest) -> Params:
    params: Params = dict(request.GET.items())
    if request.method == "POST":
        if request.content_type == "application/json" and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                raise ActionError(400, "Validation Error", "The request body is not valid JSON.") from None
            if isinstance(body, dict):
                params.update(body)
        else:
            params.update(request.POST.items())
    return params


def _int(params: Params, name: str, default: int, *, maximum: int | None = None, minimum: int = 0) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ActionError(409, "Validation Error", f"{name} must be an integer.") from None
    if value < minimum:
        raise ActionError(409, "Validation Error", f"{name} must be {minimum} or more.")
    return min(value, maximum) if maximum is not None else value


def _flag(params: Params, name: str, default: bool = False) -> bool:
    value = params.get(name)
    if value is None:
        return default
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


def _json_list(params: Params, name: str) -> list[str]:
    value = params.get(name) or []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if not isinstance(value, list):
        raise ActionError(409, "Validation Error", f"{name} must be a list.")
    return [str(item) for item in value]


def _timestamp(moment: datetime) -> str:
    """CKAN's timestamps: UTC without an offset, microseconds kept."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def _search_error(message: str) -> ActionError:
    return ActionError(409, "Search Query Error", f"Search Query is invalid: {message}")


# --- dictionaries in CKAN's shapes -----------------------------------------------------------------


def organization_dict(org: Organization, *, package_count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": organization_uuid(org.pk),
        "name": org.slug,
        "title": org.name,
        "display_name": org.name,
        "description": org.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": _timestamp(org.created_at),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(name: str, title: str, *, package_count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": named_uuid("group", name),
        "name": name,
        "title": title,
        "display_name": title,
        "description": "",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def tag_dict(name: str) -> dict[str, Any]:
    return {"id": named_uuid("tag", name), "name": name, "display_name": name, "vocabulary_id": None}


def resource_dict(dist: Distribution, package_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(dist.uuid),
        "package_id": package_id,
        "url": dist.url or "",
        "name": dist.title or ckan_format(dist.format or dist.media_type, dist.url) or "",
        "description": dist.description or "",
        "format": ckan_format(dist.format or dist.media_type, dist.url),
        "mimetype": dist.media_type,
        "position": dist.position,
        "state": "active",
        "url_type": None,
        "resource_type": "file" if dist.download_url else "api",
    }
    if dist.download_url and dist.access_url:
        data["accessURL"] = dist.access_url
    for key, value in (
        ("conformsTo", dist.conforms_to),
        ("describedBy", dist.described_by),
        ("describedByType", dist.described_by_type),
    ):
        if value:
            data[key] = value
    return data


def package_dict(dataset: Dataset, data: dict[str, Any], dists: list[Distribution]) -> dict[str, Any]:
    """The CKAN package dict of a dataset (its POD object `data` and its distributions)."""
    keywords = [k for k in dataset.keyword or [] if isinstance(k, str)]
    themes = [t for t in dataset.theme or [] if isinstance(t, str)]
    package_id = str(dataset.uuid)
    return {
        "id": package_id,
        "name": dataset.name,
        "title": dataset.title or "",
        "notes": dataset.description or "",
        "url": dataset.landing_page or "",
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": dataset.license or "",
        "license_title": dataset.license or "",
        "license_url": dataset.license or "",
        "maintainer": dataset.contact_name,
        "maintainer_email": (dataset.contact_email or "").removeprefix("mailto:") or None,
        "author": dataset.publisher.name,
        "author_email": None,
        "metadata_created": _timestamp(dataset.created_at),
        "metadata_modified": _timestamp(dataset.updated_at),
        "owner_org": organization_uuid(dataset.publisher_id),
        "organization": organization_dict(dataset.publisher),
        "tags": [{**tag_dict(k), "state": "active"} for k in keywords],
        "num_tags": len(keywords),
        "groups": [group_dict(slugify(t) or t, t) for t in themes],
        "resources": [resource_dict(d, package_id) for d in dists],
        "num_resources": len(dists),
        "extras": pod_extras(data),
    }


def _packages(datasets: list[Dataset]) -> list[dict[str, Any]]:
    pods = records.pods_for(datasets)
    dists: dict[int, list[Distribution]] = {}
    for dist in Distribution.objects.filter(dataset__in=datasets).order_by("dataset_id", "position"):
        dists.setdefault(dist.dataset_id, []).append(dist)
    return [package_dict(d, pods[d.pk], dists.get(d.pk, [])) for d in datasets]


def _as_uuid(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def _find_package(params: Params) -> Dataset:
    key = str(params.get("id") or params.get("name") or "")
    if not key:
        raise ActionError(409, "Validation Error", "Missing value: id")
    public = _public().select_related("publisher")
    found = public.filter(uuid=as_uuid).first() if (as_uuid := _as_uuid(key)) else None
    found = found or public.filter(name=key).first() or public.filter(identifier=key).first()
    if found is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return found


# --- package actions -------------------------------------------------------------------------------


def package_list(params: Params, request: HttpRequest) -> Any:
    """Return the names of every dataset in the public listing, by name.

    :param limit: at most this many names (up to 1000); all when not given
    :param offset: skip this many names first
    """
    queryset = _public().order_by("name").values_list("name", flat=True)
    offset = _int(params, "offset", 0)
    if params.get("limit") is not None:
        return list(queryset[offset : offset + _int(params, "limit", 0, maximum=MAX_ROWS)])
    return list(queryset[offset:])


def package_show(params: Params, request: HttpRequest) -> Any:
    """Return one dataset.

    :param id: the dataset's id (a UUID), its name, or its DCAT-US identifier
    """
    return _packages([_find_package(params)])[0]


def current_package_list_with_resources(params: Params, request: HttpRequest) -> Any:
    """Return datasets with their resources, most recently modified first.

    :param limit: datasets per page (up to 1000; 1000 when not given)
    :param offset: skip this many datasets first
    :param page: page number (1-based), with limit; overrides offset
    """
    limit = _int(params, "limit", MAX_ROWS, maximum=MAX_ROWS)
    offset = _int(params, "offset", 0)
    if params.get("page") is not None:
        offset = (_int(params, "page", 1, minimum=1) - 1) * limit
    queryset = _public().select_related("publisher").order_by("-updated_at", "-id")
    return _packages(list(queryset[offset : offset + limit]))


def _sort_clauses(text: str) -> list[tuple[str, bool]]:
    clauses: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise _search_error(f'Can\'t determine the sort order of "{part.strip()}": use "<field> asc|desc".')
        field = words[0]
        if field not in SORT_FIELDS:
            known = ", ".join(SORT_FIELDS)
            raise _search_error(f'Invalid sort field "{field}". Sortable fields: {known}.')
        clauses.append((field, words[1].lower() == "desc"))
    if not clauses:
        raise _search_error("sort is empty.")
    return clauses


def _parse(text: str) -> ckan_query.Node | ckan_query.Term:
    try:
        return ckan_query.parse(text)
    except ckan_query.QuerySyntaxError as exc:
        raise _search_error(str(exc)) from None


def _filtered(trees: list[ckan_query.Node | ckan_query.Term]) -> QuerySet[Dataset]:
    queryset = _public()
    try:
        for tree in trees:
            condition = ckan_query.to_q(tree)
            if condition is not None:
                queryset = queryset.filter(condition)
    except ckan_query.QuerySyntaxError as exc:
        raise _search_error(str(exc)) from None
    return queryset


def _ordered_page(
    queryset: QuerySet[Dataset], clauses: list[tuple[str, bool]], ranking: list[ckan_query.Term], start: int, rows: int
) -> list[Dataset]:
    engine = text_backend()
    if not ranking or engine == "substring":
        clauses = [clause for clause in clauses if clause[0] != "score"] or [("metadata_modified", True)]
    if engine == "fts5" and any(field == "score" for field, _desc in clauses):
        return _fts5_scored_page(queryset, clauses, ranking, start, rows)
    order: list[Any] = []
    if engine == "postgres" and any(field == "score" for field, _desc in clauses):
        vector = ckan_query.pg_text_vector("catalog_dataset")  # the page query joins the publisher table
        sql = f"ts_rank(to_tsvector('simple', {vector}), to_tsquery('simple', %s))"
        queryset = queryset.annotate(score=RawSQL(sql, (ckan_query.pg_ranking(ranking),)))  # noqa: S611 - fixed SQL
    for field, desc in clauses:
        column = SORT_FIELDS[field] or "score"
        expression: Any = Lower(column) if column == "title" else F(column)
        if column in ("title", "name") and connection.vendor == "postgresql":
            expression = Collate(expression, "C")  # code point order on every database, like Solr's strings
        order.append(expression.desc(nulls_last=True) if desc else expression.asc(nulls_last=True))
    page = queryset.select_related("publisher").order_by(*order, "id")[start : start + rows]
    return list(page)


def _fts5_scored_page(
    queryset: QuerySet[Dataset], clauses: list[tuple[str, bool]], ranking: list[ckan_query.Term], start: int, rows: int
) -> list[Dataset]:
    """Relevance order on SQLite: FTS5 scores the text terms once (bm25, lower is better) and the matching
    rows are ordered in Python by the sort clauses, then one page is loaded."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(catalog_dataset_fts, 10.0, 1.0, 4.0, 2.0) FROM catalog_dataset_fts "
            "WHERE catalog_dataset_fts MATCH %s",
            [ckan_query.fts5_ranking(ranking)],
        )
        scores = dict(cursor.fetchall())
    columns = [SORT_FIELDS[field] for field, _desc in clauses if field != "score"]
    rows_found = list(queryset.values_list("id", *[c for c in columns if c is not None]))
    worst = max(scores.values(), default=0.0) + 1.0
    keyed = []
    for row in rows_found:
        values = dict(zip(columns, row[1:], strict=True))
        # Higher score is better: negate bm25 so that "score desc" is a plain descending sort.
        values["score"] = -scores.get(row[0], worst)
        keyed.append((row[0], values))
    keyed.sort(key=lambda item: item[0])
    for field, desc in reversed(clauses):
        column = "score" if field == "score" else SORT_FIELDS[field]
        present = [item for item in keyed if item[1][column] is not None]
        missing = [item for item in keyed if item[1][column] is None]

        def key(item: tuple[int, dict[str, Any]], column: str = column) -> Any:
            value = item[1][column]
            return value.lower() if isinstance(value, str) else value

        present.sort(key=key, reverse=desc)
        keyed = present + missing
    ids = [pk for pk, _values in keyed[start : start + rows]]
    found = Dataset.objects.select_related("publisher").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _facet_name(field: str, value: str) -> str:
    """The CKAN facet value for a stored one: short format names, group names (slugs)."""
    if field == "res_format":
        return ckan_format(value) or value
    if field == "groups":
        return slugify(value) or value
    return value


def _merged_counts(queryset: QuerySet[Dataset], field: str) -> tuple[dict[str, int], dict[str, str]]:
    """Counts of datasets per CKAN value when several stored values become one ("CSV" and "text/csv"):
    each dataset counts once per CKAN value."""
    rows = DatasetFacet.objects.filter(facet=FACET_FIELDS[field], dataset__in=queryset.order_by().values("id"))
    datasets: dict[str, set[int]] = {}
    display: dict[str, str] = {}
    for dataset_id, value in rows.values_list("dataset_id", "value").iterator(chunk_size=5000):
        name = _facet_name(field, value)
        datasets.setdefault(name, set()).add(dataset_id)
        display.setdefault(name, value if field == "groups" else name)
    return {name: len(ids) for name, ids in datasets.items()}, display


def _facets(queryset: QuerySet[Dataset], fields: list[str], limit: int | None, mincount: int) -> dict[str, Any]:
    unknown = [field for field in fields if field not in FACET_FIELDS]
    if unknown:
        raise _search_error(f"Unsupported facet field: {', '.join(unknown)}. Facets: {', '.join(FACET_FIELDS)}.")
    plain = [field for field in fields if field not in ("res_format", "groups")]
    counts = facet_counts(queryset, [FACET_FIELDS[field] for field in plain], limit=None)
    titles: dict[str, str] = {}
    if "organization" in fields:
        slugs = [value for value, _n in counts.get(FacetKind.PUBLISHER, [])]
        titles.update(Organization.objects.filter(slug__in=slugs).values_list("slug", "name"))
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field in fields:
        if field in plain:
            merged = dict(counts.get(FACET_FIELDS[field], []))
            display = {name: titles.get(name, name) for name in merged}
        else:
            merged, display = _merged_counts(queryset, field)
        items = sorted(((name, n) for name, n in merged.items() if n >= mincount), key=lambda item: (-item[1], item[0]))
        if limit is not None:
            items = items[:limit]
        facets[field] = dict(items)
        search_facets[field] = {
            "title": field,
            "items": [{"name": name, "display_name": display[name], "count": n} for name, n in items],
        }
    return {"facets": facets, "search_facets": search_facets}


_CHEAP_FIELDS: dict[str, Callable[[Dataset], Any]] = {
    "id": lambda d: str(d.uuid),
    "name": lambda d: d.name,
    "title": lambda d: d.title or "",
    "metadata_modified": lambda d: _timestamp(d.updated_at),
    "metadata_created": lambda d: _timestamp(d.created_at),
}


def _fields(page: list[Dataset], fl: str) -> list[dict[str, Any]]:
    """Full package dicts, or only the `fl` fields (built without loading resources when they allow)."""
    wanted = [name.strip() for name in fl.replace(" ", ",").split(",") if name.strip()]
    if not wanted:
        return _packages(page)
    if all(name in _CHEAP_FIELDS for name in wanted):
        return [{name: _CHEAP_FIELDS[name](dataset) for name in wanted} for dataset in page]
    return [{name: package.get(name) for name in wanted} for package in _packages(page)]


def package_search(params: Params, request: HttpRequest) -> Any:
    """Search datasets with Solr syntax (see docs/api.md for the grammar, fields and sorts).

    :param q: the query; default operator AND, default field `text` (title, description, keywords, publisher)
    :param fq: a filter query in the same syntax (does not change the relevance score)
    :param fq_list: more filter queries, each ANDed
    :param sort: comma-separated "<field> asc|desc"; default "score desc, metadata_modified desc"
    :param rows: results per page (default 10, at most 1000)
    :param start: skip this many results first
    :param facet.field: a JSON list of facet fields (organization, tags, res_format, groups, license_id)
    :param facet.limit: values per facet (default 50; -1 for all)
    :param facet.mincount: leave out values with fewer datasets (default 1)
    :param fl: return only these fields of each package (comma-separated, e.g. "id,name")
    """
    query_tree = _parse(str(params.get("q") or ""))
    filter_trees = [_parse(str(params.get("fq") or ""))] + [_parse(str(fq)) for fq in _json_list(params, "fq_list")]
    sort_text = str(params.get("sort") or DEFAULT_SORT)
    clauses = _sort_clauses(sort_text)
    rows = _int(params, "rows", 10, maximum=MAX_ROWS)
    start = _int(params, "start", 0)
    facet_limit_value = _int(params, "facet.limit", 50, minimum=-1)
    facet_limit = None if facet_limit_value < 0 else facet_limit_value
    mincount = _int(params, "facet.mincount", 1)
    fields = _json_list(params, "facet.field") if _flag(params, "facet", True) else []
    queryset = _filtered([query_tree, *filter_trees])
    page = _ordered_page(queryset, clauses, ckan_query.ranking_terms(query_tree), start, rows)
    return {
        "count": queryset.order_by().count(),
        "results": _fields(page, str(params.get("fl") or "")),
        "sort": sort_text,
        **_facets(queryset, fields, facet_limit, mincount),
    }


# --- organizations, groups, tags -------------------------------------------------------------------


def _list_sort(params: Params) -> tuple[str, bool]:
    text = str(params.get("sort") or params.get("order_by") or "title asc").strip()
    words = text.split()
    field = words[0] if words else "title"
    desc = len(words) > 1 and words[1].lower() == "desc"
    if field not in ("name", "title", "package_count") or (len(words) > 1 and words[1].lower() not in ("asc", "desc")):
        raise ActionError(
            409, "Validation Error", f'Invalid sort "{text}": use name, title or package_count, asc|desc.'
        )
    return field, desc


def _paged_list(params: Params, items: list[dict[str, Any]], wanted: str) -> Any:
    field, desc = _list_sort(params)
    names = _json_list(params, wanted)
    if names:
        items = [item for item in items if item["name"] in names or item["id"] in names]
    if params.get("q"):
        needle = str(params["q"]).lower()
        items = [item for item in items if needle in item["name"].lower() or needle in item["title"].lower()]

    def key(item: dict[str, Any]) -> Any:
        value = item[field]
        return value.lower() if isinstance(value, str) else value

    items.sort(key=lambda item: item["name"])
    items.sort(key=key, reverse=desc)
    offset = _int(params, "offset", 0)
    if params.get("limit") is not None:
        items = items[offset : offset + _int(params, "limit", 0, maximum=MAX_ROWS)]
    else:
        items = items[offset:]
    if _flag(params, "all_fields"):
        if not _flag(params, "include_dataset_count", True):
            for item in items:
                item.pop("package_count", None)
        return items
    return [item["name"] for item in items]


def _publisher_counts() -> dict[str, int]:
    return dict(
        DatasetFacet.objects.filter(facet=FacetKind.PUBLISHER, dataset__in=_public())
        .values_list("value")
        .annotate(n=Count("dataset_id"))
    )


def organization_list(params: Params, request: HttpRequest) -> Any:
    """Return every publisher: names, or dictionaries with all_fields.

    :param all_fields: return dictionaries (with package_count) instead of names
    :param sort: "name", "title" or "package_count", then asc|desc (default "title asc")
    :param limit: at most this many (up to 1000); all when not given
    :param offset: skip this many first
    :param organizations: only these names or ids (a JSON list)
    :param q: only those whose name or title contains this text
    """
    counts = _publisher_counts()
    orgs = Organization.objects.filter(kind="publisher")
    items = [organization_dict(org, package_count=counts.get(org.slug, 0)) for org in orgs]
    return _paged_list(params, items, "organizations")


def _find_organization(params: Params) -> Organization:
    key = str(params.get("id") or "")
    orgs = Organization.objects.filter(kind="publisher")
    org = orgs.filter(slug=key).first() if key else None
    if org is None and _as_uuid(key):
        org = next((o for o in orgs if organization_uuid(o.pk) == key.lower()), None)
    if org is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return org


def organization_show(params: Params, request: HttpRequest) -> Any:
    """Return one publisher.

    :param id: its id (a UUID) or name
    :param include_datasets: also return its datasets (at most 1000)
    """
    org = _find_organization(params)
    datasets = _public().filter(publisher=org)
    data = organization_dict(org, package_count=datasets.count())
    if _flag(params, "include_datasets"):
        data["packages"] = _packages(list(datasets.select_related("publisher").order_by("name")[:MAX_ROWS]))
    return data


def _groups() -> list[dict[str, Any]]:
    counts, titles = _merged_counts(_public(), "groups")  # "Health" and "health" are one group
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [group_dict(name, titles[name], package_count=n) for name, n in ordered]


def group_list(params: Params, request: HttpRequest) -> Any:
    """Return every category (CKAN group) of public datasets: names, or dictionaries with all_fields.

    Takes the same parameters as organization_list (`groups` instead of `organizations`).
    """
    return _paged_list(params, _groups(), "groups")


def group_show(params: Params, request: HttpRequest) -> Any:
    """Return one category (CKAN group).

    :param id: its id (a UUID) or name
    :param include_datasets: also return its datasets (at most 1000)
    """
    key = str(params.get("id") or "").lower()
    group = next((g for g in _groups() if key and key in (g["name"], g["id"])), None)
    if group is None:
        raise ActionError(404, "Not Found Error", "Not found")
    if _flag(params, "include_datasets"):
        queryset = _filtered([ckan_query.Term("groups", "word", group["name"])])
        group["packages"] = _packages(list(queryset.select_related("publisher").order_by("name")[:MAX_ROWS]))
    return group


def tag_list(params: Params, request: HttpRequest) -> Any:
    """Return every keyword (CKAN tag) of public datasets, in alphabetical order.

    :param query: only tags containing this text
    :param all_fields: return dictionaries instead of names
    """
    tags = DatasetFacet.objects.filter(facet=FacetKind.KEYWORD, dataset__in=_public())
    if params.get("query"):
        tags = tags.filter(value__icontains=str(params["query"]).lower())
    names = list(tags.values_list("value", flat=True).distinct().order_by("value"))
    if _flag(params, "all_fields"):
        return [tag_dict(name) for name in names]
    return names


# --- resources, status, help -----------------------------------------------------------------------


def resource_show(params: Params, request: HttpRequest) -> Any:
    """Return one resource (distribution).

    :param id: the resource's id (a UUID)
    """
    key = str(params.get("id") or "")
    found = Distribution.objects.select_related("dataset").filter(dataset__in=_public())
    if as_uuid := _as_uuid(key):
        dist = found.filter(uuid=as_uuid).first()
    elif key.isdigit():  # the numeric ids this API gave before it had UUIDs
        dist = found.filter(pk=int(key)).first()
    else:
        dist = None
    if dist is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return resource_dict(dist, str(dist.dataset.uuid))


def status_show(params: Params, request: HttpRequest) -> Any:
    """Return the site's title, address and the CKAN version this API follows."""
    from civicdata.catalog.services import catalog_settings

    current = catalog_settings()
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": current.title,
        "site_description": current.description,
        "site_url": settings.SITE_URL or request.build_absolute_uri("/").rstrip("/"),
        "extensions": ["civicdata-catalog (read-only)"],
        "locale_default": "en",
        "error_emails_to": None,
    }


def help_show(params: Params, request: HttpRequest) -> Any:
    """Return the documentation of an action.

    :param name: the action's name
    """
    name = str(params.get("name") or "")
    if not name:
        raise ActionError(409, "Validation Error", "Missing value: name")
    handler = ACTIONS.get(name)
    if handler is None:
        raise ActionError(404, "Not Found Error", f"Action function not found: {name}")
    return inspect.cleandoc(handler.__doc__ or name)


ACTIONS: dict[str, Callable[[Params, HttpRequest], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "current_package_list_with_resources": current_package_list_with_resources,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "group_show": group_show,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "status_show": status_show,
    "help_show": help_show,
}


def version(request: HttpRequest) -> JsonResponse:
    """`/api/3`: CKAN's API version document."""
    return JsonResponse({"version": 3})


@csrf_exempt
def dispatch(request: HttpRequest, action: str) -> JsonResponse:
    """Run one CKAN action and wrap the answer in CKAN's {help, success, result} envelope."""
    help_url = request.build_absolute_uri(f"/api/3/action/help_show?name={action}")
    handler = ACTIONS.get(action)
    if request.method not in ("GET", "POST"):
        return JsonResponse(
            {"help": help_url, "success": False, "error": {"__type": "Bad request", "message": "GET or POST only"}},
            status=405,
        )
    if handler is None:
        error = {"__type": "Bad request", "message": f"Action name not known: {action}"}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=400)
    try:
        result = handler(_params(request), request)
    except ActionError as exc:
        error = {"__type": exc.kind, "message": exc.message}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=exc.status)
    return JsonResponse({"help": help_url, "success": True, "result": result})
