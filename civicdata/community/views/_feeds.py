"""What the community's lists share: Atom feeds and CSV downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from civicdata.core import spreadsheet
from civicdata.core.text import plain_text


def atom_response(
    request: HttpRequest, *, title: str, description: str, link: str, feed_url: str, items: Iterable[Any], summary: Any
) -> HttpResponse:
    """An Atom feed of published items (each with `title`, `published_at`, `updated_at`, a URL)."""
    site = request.build_absolute_uri("/").rstrip("/")
    atom = Atom1Feed(
        title=title, link=site + link, description=description, feed_url=site + feed_url, language=request.LANGUAGE_CODE
    )
    for item in items:
        url = site + item.get_absolute_url()
        atom.add_item(
            title=item.title,
            link=url,
            # Atom's summary is typed html: escape the plain text so readers show it, never run it.
            description=escape(plain_text(summary(item), limit=500)),
            pubdate=item.published_at,
            updateddate=max(item.published_at, item.updated_at),
            unique_id=url,
        )
    return HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """Stream a CSV download; people's text stays text (formula-safe)."""
    chunks = (chunk.encode("utf-8") for chunk in spreadsheet.csv_chunks(list(header), rows))
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
