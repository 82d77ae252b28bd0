"""A read-only CKAN-compatible action API at `/api/3/action/<action>`, so existing CKAN clients, harvesters
and scripts (ckanapi, data.gov's harvester) can read the catalog unchanged.

Only the Public Data Listing is exposed. CKAN's own names ("package", "resource", "organization",
"group", "tag") are used on the wire because that is what the clients expect. CKAN clients send POST
requests for reads; every action here is a read that ignores the session (answers as an anonymous
visitor), so CSRF protection has nothing to protect and is switched off for this one view.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, JsonResponse
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt

from civicdata.accounts.models import Organization
from civicdata.catalog import records
from civicdata.catalog.models import PUBLIC_LEVELS, Dataset, DatasetFacet, Distribution, FacetKind
from civicdata.catalog.search import SearchQuery, Sort, facet_counts, matching_datasets, search_datasets

CKAN_VERSION = "2.10.0"
MAX_ROWS = 1000
# CKAN's fq field names → our facet names.
FQ_FIELDS = {
    "organization": FacetKind.PUBLISHER,
    "owner_org": FacetKind.PUBLISHER,
    "tags": FacetKind.KEYWORD,
    "res_format": FacetKind.FORMAT,
    "groups": FacetKind.THEME,
    "license_id": FacetKind.LICENSE,
    "access_level": FacetKind.ACCESS_LEVEL,
}
FACET_FIELDS = {value: key for key, value in FQ_FIELDS.items() if key != "owner_org"}


class ActionError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def _public() -> Any:
    return Dataset.objects.filter(withdrawn_at__isnull=True, is_published=True, access_level__in=PUBLIC_LEVELS)


def _params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.GET.items())
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


def _int(params: dict[str, Any], name: str, default: int, *, maximum: int | None = None) -> int:
    try:
        value = int(params.get(name, default))
    except (TypeError, ValueError):
        raise ActionError(409, "Validation Error", f"{name} must be an integer.") from None
    if value < 0:
        raise ActionError(409, "Validation Error", f"{name} must be zero or more.")
    return min(value, maximum) if maximum is not None else value


def organization_dict(org: Organization, *, package_count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": org.slug,
        "name": org.slug,
        "title": org.name,
        "display_name": org.name,
        "description": org.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": org.created_at.isoformat(),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


_EXTRA_KEYS = (
    "identifier", "accessLevel", "modified", "issued", "accrualPeriodicity", "spatial", "temporal", "rights",
    "bureauCode", "programCode", "language", "isPartOf", "conformsTo", "describedBy",
)  # fmt: skip


def _extras(data: dict[str, Any]) -> list[dict[str, str]]:
    extras = []
    for key in _EXTRA_KEYS:
        value = data.get(key)
        if value is None:
            continue
        text = ",".join(map(str, value)) if isinstance(value, list) else value
        extras.append({"key": key, "value": text if isinstance(text, str) else json.dumps(text)})
    publisher = data.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        extras.append({"key": "publisher", "value": publisher["name"]})
    return extras


def resource_dict(dist: Distribution, package_name: str) -> dict[str, Any]:
    return {
        "id": str(dist.pk),
        "package_id": package_name,
        "url": dist.url or "",
        "name": dist.title or dist.format or "",
        "description": dist.description or "",
        "format": dist.format or "",
        "mimetype": dist.media_type,
        "position": dist.position,
        "state": "active",
        "url_type": None,
        "resource_type": "file" if dist.download_url else "api",
    }


def package_dict(dataset: Dataset, data: dict[str, Any], dists: list[Distribution]) -> dict[str, Any]:
    """The CKAN package dict of a dataset (its POD object `data` and its distributions)."""
    keywords = [k for k in dataset.keyword or [] if isinstance(k, str)]
    themes = [t for t in dataset.theme or [] if isinstance(t, str)]
    return {
        "id": dataset.name,
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
        "maintainer_email": dataset.contact_email,
        "author": dataset.publisher.name,
        "author_email": None,
        "metadata_created": dataset.created_at.isoformat(),
        "metadata_modified": dataset.updated_at.isoformat(),
        "owner_org": dataset.publisher.slug,
        "organization": organization_dict(dataset.publisher),
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in keywords],
        "num_tags": len(keywords),
        "groups": [{"name": slugify(t) or t, "title": t, "display_name": t} for t in themes],
        "resources": [resource_dict(d, dataset.name) for d in dists],
        "num_resources": len(dists),
        "extras": _extras(data),
    }


def _packages(datasets: list[Dataset]) -> list[dict[str, Any]]:
    pods = records.pods_for(datasets)
    dists: dict[int, list[Distribution]] = {}
    for dist in Distribution.objects.filter(dataset__in=datasets).order_by("dataset_id", "position"):
        dists.setdefault(dist.dataset_id, []).append(dist)
    return [package_dict(d, pods[d.pk], dists.get(d.pk, [])) for d in datasets]


def _find_package(params: dict[str, Any]) -> Dataset:
    key = params.get("id") or params.get("name")
    if not key:
        raise ActionError(409, "Validation Error", "Missing value: id")
    found = _public().select_related("publisher").filter(name=str(key)).first()
    found = found or _public().select_related("publisher").filter(identifier=str(key)).first()
    if found is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return found


# --- actions --------------------------------------------------------------------------------------


def package_list(params: dict[str, Any]) -> Any:
    queryset = _public().order_by("name").values_list("name", flat=True)
    offset = _int(params, "offset", 0)
    limit = params.get("limit")
    if limit is not None:
        return list(queryset[offset : offset + _int(params, "limit", 0, maximum=MAX_ROWS)])
    return list(queryset[offset:])


def package_show(params: dict[str, Any]) -> Any:
    return _packages([_find_package(params)])[0]


_FQ_TERM = re.compile(r"^(?P<neg>-?)(?P<field>[\w.]+):(?P<value>.+)$")


def _parse_fq(fq: str) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    try:
        terms = shlex.split(fq)
    except ValueError:
        raise ActionError(409, "Search Query Error", "fq could not be parsed.") from None
    for term in terms:
        if term.upper() in ("AND", "+"):
            continue
        match = _FQ_TERM.match(term.lstrip("+"))
        if not match or match["neg"]:
            raise ActionError(409, "Search Query Error", f"Unsupported fq term: {term}")
        facet = FQ_FIELDS.get(match["field"])
        if facet is None:
            raise ActionError(409, "Search Query Error", f"Unsupported fq field: {match['field']}")
        value = match["value"].strip('"')
        filters.setdefault(facet, []).append(value.lower() if facet == FacetKind.KEYWORD else value)
    return filters


_SORTS = {
    "score desc": Sort.RELEVANCE,
    "relevance": Sort.RELEVANCE,
    "metadata_modified desc": Sort.MODIFIED,
    "views_recent desc": Sort.VIEWS,
    "title_string asc": Sort.TITLE,
    "name asc": Sort.TITLE,
}


def package_search(params: dict[str, Any]) -> Any:
    text = str(params.get("q") or "")
    if text.strip() in ("*:*", "*"):
        text = ""
    sort_param = str(params.get("sort") or "score desc").strip().lower()
    sort = _SORTS.get(sort_param, Sort.RELEVANCE if text else Sort.MODIFIED)
    if sort == Sort.RELEVANCE and not text:
        sort = Sort.MODIFIED
    rows = _int(params, "rows", 10, maximum=MAX_ROWS)
    start = _int(params, "start", 0)
    fields = params.get("facet.field") or []
    if isinstance(fields, str):
        try:
            fields = json.loads(fields)
        except ValueError:
            raise ActionError(409, "Validation Error", "facet.field must be a JSON list.") from None
    facet_limit = _int(params, "facet.limit", 50, maximum=1000)
    wanted = [FQ_FIELDS[f] for f in fields if f in FQ_FIELDS]
    query = SearchQuery(text=text, filters=_parse_fq(str(params.get("fq") or "")), sort=sort, offset=start, limit=rows)
    result = search_datasets(query, facets=())
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    if wanted:
        queryset, _ranked = matching_datasets(query)
        counts = facet_counts(queryset, wanted)
        for facet in wanted:
            name = FACET_FIELDS[facet]
            items = counts.get(facet, [])[:facet_limit]
            facets[name] = dict(items)
            search_facets[name] = {
                "title": name,
                "items": [{"name": v, "display_name": v, "count": n} for v, n in items],
            }
    return {
        "count": result.total,
        "results": _packages(result.datasets),
        "sort": sort_param,
        "facets": facets,
        "search_facets": search_facets,
    }


def organization_list(params: dict[str, Any]) -> Any:
    orgs = Organization.objects.filter(kind="publisher").order_by("slug")
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        counts = dict(
            DatasetFacet.objects.filter(facet=FacetKind.PUBLISHER, dataset__in=_public())
            .values_list("value")
            .annotate(n=Count("id"))
        )
        return [organization_dict(org, package_count=counts.get(org.slug, 0)) for org in orgs]
    return [org.slug for org in orgs]


def organization_show(params: dict[str, Any]) -> Any:
    key = params.get("id")
    org = Organization.objects.filter(kind="publisher", slug=str(key)).first() if key else None
    if org is None:
        raise ActionError(404, "Not Found Error", "Not found")
    datasets = _public().filter(publisher=org)
    data = organization_dict(org, package_count=datasets.count())
    if str(params.get("include_datasets", "")).lower() in ("true", "1"):
        data["packages"] = _packages(list(datasets.select_related("publisher").order_by("name")[:1000]))
    return data


def group_list(params: dict[str, Any]) -> Any:
    themes = (
        DatasetFacet.objects.filter(facet=FacetKind.THEME, dataset__in=_public())
        .values_list("value", flat=True)
        .distinct()
        .order_by("value")
    )
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [{"name": slugify(t) or t, "title": t, "display_name": t, "type": "group"} for t in themes]
    return [slugify(t) or t for t in themes]


def tag_list(params: dict[str, Any]) -> Any:
    tags = DatasetFacet.objects.filter(facet=FacetKind.KEYWORD, dataset__in=_public())
    if params.get("query"):
        tags = tags.filter(value__icontains=str(params["query"]).lower())
    names = list(tags.values_list("value", flat=True).distinct().order_by("value")[:MAX_ROWS])
    if str(params.get("all_fields", "")).lower() in ("true", "1"):
        return [{"name": n, "display_name": n, "id": n} for n in names]
    return names


def resource_show(params: dict[str, Any]) -> Any:
    key = params.get("id")
    try:
        pk = int(str(key))
    except (TypeError, ValueError):
        raise ActionError(404, "Not Found Error", "Not found") from None
    dist = Distribution.objects.select_related("dataset").filter(pk=pk, dataset__in=_public()).first()
    if dist is None:
        raise ActionError(404, "Not Found Error", "Not found")
    return resource_dict(dist, dist.dataset.name)


def status_show(params: dict[str, Any]) -> Any:
    from civicdata.catalog.services import catalog_settings

    current = catalog_settings()
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": current.title,
        "site_description": current.description,
        "site_url": "",
        "extensions": ["civicdata-catalog (read-only)"],
        "locale_default": "en",
    }


ACTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "package_list": package_list,
    "package_show": package_show,
    "package_search": package_search,
    "organization_list": organization_list,
    "organization_show": organization_show,
    "group_list": group_list,
    "tag_list": tag_list,
    "resource_show": resource_show,
    "status_show": status_show,
}


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
        result = handler(_params(request))
    except ActionError as exc:
        error = {"__type": exc.kind, "message": exc.message}
        return JsonResponse({"help": help_url, "success": False, "error": error}, status=exc.status)
    return JsonResponse({"help": help_url, "success": True, "result": result})
