"""Where catalogs come from: local files, `file:` harvest sources in allowed folders, and remote
data.json, CKAN or DCAT-US 3.0 addresses fetched through the SSRF-safe fetcher.

`load_document` returns a DCAT-US v1.1 catalog document (CKAN and 3.0 sources are converted) or raises
`SourceError` with a plain-language message; nothing here writes to the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from civicdata.catalog import dcat3
from civicdata.catalog.ckan_mapping import ckan_package_to_pod
from civicdata.catalog.ingest import reading
from civicdata.core.fetch import FetchError, fetch

CKAN_PAGE_SIZE = 1000
CKAN_MAX_PAGES = 500


class SourceError(Exception):
    """The catalog could not be obtained or read; `message` is for people, `code` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _max_bytes() -> int:
    return int(getattr(settings, "CATALOG_MAX_BYTES", reading.DEFAULT_MAX_BYTES))


def _allowed_dirs() -> list[Path]:
    from civicdata.catalog.services import harvest_file_dirs

    return [folder.resolve() for folder in harvest_file_dirs()]


def _file_path(location: str) -> Path | None:
    """The local path named by `location` (a `file:` URL or a plain path), or None for http(s)."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https"):
        return None
    if parts.scheme == "file":
        return Path(unquote(parts.path if parts.netloc in ("", "localhost") else f"//{parts.netloc}{parts.path}"))
    if parts.scheme and len(parts.scheme) > 1:
        raise SourceError("source.scheme", _("Only http, https and file addresses can be read."))
    return Path(location)


def check_location(location: str, *, allow_any_file: bool = False) -> None:
    """Refuse addresses a harvest source may not use (raises SourceError)."""
    path = _file_path(location)
    if path is None:
        return
    if allow_any_file:
        return
    resolved = path.resolve()
    if not any(resolved.is_relative_to(folder) for folder in _allowed_dirs()):
        raise SourceError(
            "source.file_not_allowed",
            _(
                "This file is not in a folder the site may harvest from. To import a data.json from your "
                "computer, use “Import a data.json file” instead."
            ),
        )


def _parse(data: bytes, *, content_type: str | None = None) -> Any:
    result = reading.read_catalog_bytes(data, max_bytes=_max_bytes(), content_type=content_type)
    if result.ok:
        # Lone surrogates, if any, are repaired per dataset when an import is planned (planning.py).
        return result.document
    first = result.errors[0]
    # orjson refuses lone UTF-16 surrogate escapes that the JSON grammar allows and real agency
    # catalogs contain; the standard library reads them, so such files are still importable.
    if first.code == "json.invalid" and "surrogate" in first.message:
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            pass
    raise SourceError(first.code, first.message)


def _read_bytes(location: str, *, allow_any_file: bool, deadline: float | None = None) -> tuple[bytes, str | None]:
    check_location(location, allow_any_file=allow_any_file)
    path = _file_path(location)
    if path is not None:
        try:
            size = path.stat().st_size
        except OSError:
            raise SourceError("source.missing", _("The file %(path)s cannot be opened.") % {"path": path}) from None
        if not path.is_file():
            raise SourceError(
                "source.not_a_file",
                _("%(path)s is a folder, not a file. Give the address of the catalog file itself.") % {"path": path},
            )
        if size > _max_bytes():
            raise SourceError("input.too_large", _("The file is larger than the catalog size limit."))
        return path.read_bytes(), None
    try:
        response = fetch(location, max_bytes=_max_bytes(), deadline=deadline)
    except FetchError as exc:
        raise SourceError(exc.code, exc.message) from None
    if response.status >= 400:
        message = _("The server answered %(status)s for %(url)s.") % {"status": response.status, "url": location}
        raise SourceError("source.status", message)
    return response.body, response.content_type


def _ckan_catalog(base: str, *, deadline: float | None = None) -> dict[str, Any]:
    """Page through a CKAN portal's package_search and convert every package to a v1.1 dataset."""
    base = base.rstrip("/")
    api = base if base.endswith("/api/3/action") else f"{base}/api/3/action"
    site = api.removesuffix("/api/3/action")
    datasets: list[dict[str, Any]] = []
    for page in range(CKAN_MAX_PAGES):
        url = f"{api}/package_search?{urlencode({'rows': CKAN_PAGE_SIZE, 'start': page * CKAN_PAGE_SIZE})}"
        try:
            response = fetch(url, max_bytes=_max_bytes(), deadline=deadline)
        except FetchError as exc:
            raise SourceError(exc.code, exc.message) from None
        try:
            body = json.loads(response.body)
        except ValueError:
            raise SourceError("ckan.not_json", _("The CKAN API did not answer with JSON.")) from None
        if not isinstance(body, dict) or not body.get("success"):
            raise SourceError("ckan.error", _("The CKAN API reported an error for %(url)s.") % {"url": url})
        results = (body.get("result") or {}).get("results") or []
        datasets.extend(ckan_package_to_pod(pkg, site_url=site) for pkg in results if isinstance(pkg, dict))
        if len(results) < CKAN_PAGE_SIZE:
            break
    return {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": datasets}


def document_from_bytes(data: bytes) -> Any:
    """The v1.1 catalog document in the bytes of an uploaded data.json (3.0 catalogs are converted);
    SourceError explains what is wrong with it."""
    document = _parse(data)
    if dcat3.looks_like_dcat3(document):
        return dcat3.catalog_to_v11(document)
    return document


def max_bytes() -> int:
    """The largest catalog the site reads (CATALOG_MAX_BYTES)."""
    return _max_bytes()


def load_document(
    location: str, *, kind: str = "datajson", allow_any_file: bool = False, deadline: float | None = None
) -> Any:
    """The v1.1 catalog document at `location` (kind: datajson, ckan or dcat-us3). `deadline` bounds each
    fetch (default FETCH_DEADLINE, for someone waiting; the worker passes FETCH_BACKGROUND_DEADLINE)."""
    if kind == "ckan":
        if _file_path(location) is not None:
            raise SourceError("source.scheme", _("A CKAN source must be an http(s) address."))
        return _ckan_catalog(location, deadline=deadline)
    data, content_type = _read_bytes(location, allow_any_file=allow_any_file, deadline=deadline)
    document = _parse(data, content_type=content_type)
    if kind == "dcat-us3" or dcat3.looks_like_dcat3(document):
        return dcat3.catalog_to_v11(document)
    return document
