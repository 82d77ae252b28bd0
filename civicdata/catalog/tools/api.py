"""JSON API of the catalog tools: POST /api/catalog/validate and POST /api/catalog/merge.

A ninja Router mounted by the catalog app's ``api.py``. Both endpoints only read and compute;
they need no account. Validation results (including unreadable input) are answers, not errors:
HTTP 400 is kept for requests that cannot be understood (unknown profile, no input).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from civicdata.catalog.ingest.reading import CatalogTooLarge, ReadResult, read_catalog_bytes, read_limited
from civicdata.core.errors import InvalidInput

from .inputs import max_catalog_bytes, read_from_upload, read_from_url, read_from_urls, too_large, too_many_sources
from .merging import MergeError, RenameStyle, merge_catalogs
from .validation import PROFILES, validate_catalog

router = Router(tags=["catalog tools"])


def _check_profile(profile: str | None) -> str | None:
    if profile and profile not in PROFILES:
        raise InvalidInput(
            f"Unknown profile “{profile}”.", code="unknown_profile", details={"profiles": list(PROFILES)}
        )
    return profile or None


def _has_body(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > 0 or "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


def _read_request(request: HttpRequest, url: str | None) -> ReadResult:
    if url:
        if _has_body(request):
            raise InvalidInput(
                "Send the catalog either in the request body or as ?url=, not both.", code="ambiguous_input"
            )
        return read_from_url(url, note_redaction=True)
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the catalog as the form field “file”.", code="no_input")
        return read_from_upload(upload, note_redaction=True)
    limit = max_catalog_bytes()
    try:
        # Read the raw stream ourselves: request.body would apply the small form-data limit.
        data = read_limited(request, max_bytes=limit)
    except CatalogTooLarge:
        return too_large(limit)
    if not data.strip():
        raise InvalidInput(
            "Send the catalog as the request body, as the form field “file”, or give ?url=.", code="no_input"
        )
    return read_catalog_bytes(data, max_bytes=limit, content_type=content_type, note_redaction=True)


@router.post(
    "/validate",
    summary="Validate a data.json catalog",
    response=dict[str, Any],
    openapi_extra={
        "requestBody": {
            "required": False,
            "description": "The catalog as the body (any bytes: what cannot be read as a data.json document is "
            "reported in `read`, with HTTP 200), or as the multipart field `file`; none with `?url=`.",
            "content": {
                "application/json": {"schema": {}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                },
            },
        }
    },
)
def validate(request: HttpRequest, profile: str | None = None, url: str | None = None) -> dict[str, Any]:
    """Validate the catalog sent as the request body (or as multipart field ``file``, or fetched from
    ``?url=``) against ``?profile=`` (detected when omitted).

    Answers ``{"readable", "read", "valid", "report"}``; ``report`` is null when unreadable.
    """
    chosen = _check_profile(profile)
    read = _read_request(request, url)
    if not read.ok:
        return {"readable": False, "read": read.to_dict(), "valid": False, "report": None}
    report = validate_catalog(read.document, profile=chosen, redaction_free=read.redaction_free)
    return {"readable": True, "read": read.to_dict(), "valid": report.valid, "report": report.to_dict()}


class MergeSource(Schema):
    name: str
    url: str | None = None
    catalog: dict[str, Any] | None = None


class MergeIn(Schema):
    sources: list[MergeSource]
    rename: str = RenameStyle.SUFFIX.value
    profile: str | None = None
    include_catalog: bool = True


@router.post("/merge", summary="Merge component data.json catalogs", response=dict[str, Any])
def merge(request: HttpRequest, payload: MergeIn) -> dict[str, Any]:
    """Merge ``sources`` (each an inline ``catalog`` or a ``url``), first wins on identifier collisions.

    Answers the merged ``catalog`` (unless ``include_catalog`` is false), per-source counts,
    collisions with their resolution, and the validation report of the result. If any source is
    unreadable nothing is merged and ``unreadable`` lists why.
    """
    profile = _check_profile(payload.profile)
    if payload.rename not in {s.value for s in RenameStyle}:
        raise InvalidInput("rename must be “suffix” or “prefix”.", code="invalid_rename")
    if not payload.sources:
        raise InvalidInput("Give at least one source.", code="no_input")
    refusal = too_many_sources(len(payload.sources))
    if refusal:
        raise InvalidInput(refusal, code="too_many_sources")
    for source in payload.sources:
        if source.catalog is None and not source.url:
            raise InvalidInput(f"Source “{source.name}” needs a catalog or a url.", code="no_input")
    fetched = iter(read_from_urls([s.url for s in payload.sources if s.catalog is None and s.url]))
    components = []
    unreadable = []
    for source in payload.sources:
        if source.catalog is not None:
            components.append((source.name, source.catalog))
            continue
        read = next(fetched)
        if read.ok:
            components.append((source.name, read.document))
        else:
            unreadable.append({"name": source.name, **read.to_dict()})
    if unreadable:
        return {"merged": False, "unreadable": unreadable}
    try:
        result = merge_catalogs(components, rename=payload.rename, profile=profile)
    except MergeError as exc:
        raise InvalidInput(str(exc), code="not_a_catalog") from exc
    return {"merged": True, **result.to_dict(include_catalog=payload.include_catalog)}
