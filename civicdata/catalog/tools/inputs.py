"""Where the validator and merger get a catalog from: uploaded bytes, pasted text, a file path or a URL.

Shared by the CLI, the web pages and the API so that all three enforce the same size limit
(setting ``CATALOG_MAX_BYTES``) and fetch URLs only through the SSRF-safe ``civicdata.core.fetch``.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from civicdata.catalog.ingest.reading import (
    DEFAULT_MAX_BYTES,
    CatalogTooLarge,
    ReadProblem,
    ReadResult,
    read_catalog_bytes,
    read_catalog_file,
    read_catalog_text,
    read_limited,
)

#: Component catalogs of one merge fetched at the same time.
PARALLEL_FETCHES = 4


def max_catalog_bytes() -> int:
    """The configured size limit for one catalog."""
    return int(getattr(settings, "CATALOG_MAX_BYTES", DEFAULT_MAX_BYTES))


def looks_like_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_from_url(url: str, *, note_redaction: bool = False) -> ReadResult:
    """Fetch a catalog over HTTP(S) through the SSRF-safe fetcher and read it."""
    # Imported here: the HTTP client costs a third of a second at start-up and most sources are files.
    from civicdata.core.fetch import FetchError, fetch

    limit = max_catalog_bytes()
    try:
        response = fetch(url, max_bytes=limit)
    except FetchError as exc:
        code = "input.too_large" if exc.code == "fetch.too_large" else "input.fetch_failed"
        return ReadResult(errors=[ReadProblem(code, f"Could not download {url}: {exc.message}")])
    result = read_catalog_bytes(
        response.body, max_bytes=limit, content_type=response.content_type, note_redaction=note_redaction
    )
    if response.status >= 400:
        # Say the status first: the body of an error page only confirms it.
        result.document = None
        result.errors.insert(
            0,
            ReadProblem(
                "input.http_status",
                f"The server answered {response.status} for {response.url}, so there is no catalog to check.",
            ),
        )
    return result


def max_merge_sources() -> int:
    return int(getattr(settings, "CATALOG_MERGE_MAX_SOURCES", 10))


def too_many_sources(count: int) -> str | None:
    """The refusal for a merge of `count` components, or None when it is within CATALOG_MERGE_MAX_SOURCES."""
    limit = max_merge_sources()
    if count <= limit:
        return None
    return _("A merge takes at most %(limit)s catalogs; this one has %(count)s.") % {"limit": limit, "count": count}


def read_from_urls(urls: list[str]) -> list[ReadResult]:
    """Fetch several catalogs at once (each under the overall fetch deadline), results in the given order:
    a merge of slow sources takes as long as the slowest one, not their sum."""
    if len(urls) <= 1:
        return [read_from_url(url) for url in urls]
    from concurrent.futures import ThreadPoolExecutor  # here: the file tools start without threads

    with ThreadPoolExecutor(max_workers=min(len(urls), PARALLEL_FETCHES), thread_name_prefix="merge-fetch") as pool:
        return list(pool.map(read_from_url, urls))


def read_from_path(path: str, *, note_redaction: bool = False) -> ReadResult:
    """Read a catalog file from disk (CLI)."""
    return read_catalog_file(path, max_bytes=max_catalog_bytes(), note_redaction=note_redaction)


def read_from_upload(stream: IO[bytes], *, note_redaction: bool = False) -> ReadResult:
    """Read an uploaded file object without loading more than the limit."""
    limit = max_catalog_bytes()
    try:
        data = read_limited(stream, max_bytes=limit)
    except CatalogTooLarge:
        return too_large(limit)
    return read_catalog_bytes(data, max_bytes=limit, note_redaction=note_redaction)


def read_from_text(text: str, *, note_redaction: bool = False) -> ReadResult:
    """Read pasted text."""
    return read_catalog_text(text, max_bytes=max_catalog_bytes(), note_redaction=note_redaction)


def read_source(source: str, *, stdin: IO[bytes] | None = None, note_redaction: bool = False) -> ReadResult:
    """A CLI argument: ``-`` for standard input, a URL when it starts with http(s)://, else a file path.
    ``note_redaction``: see ``ReadResult.redaction_free``."""
    if source == "-" and stdin is not None:
        return read_from_upload(stdin, note_redaction=note_redaction)
    if looks_like_url(source):
        return read_from_url(source, note_redaction=note_redaction)
    return read_from_path(source, note_redaction=note_redaction)


def too_large(limit: int) -> ReadResult:
    """The unreadable result for input over the limit (checked while reading a stream)."""
    return ReadResult(
        errors=[
            ReadProblem(
                "input.too_large",
                f"The file is larger than the limit of {limit // (1024 * 1024)} MB (setting CATALOG_MAX_BYTES).",
            )
        ]
    )
