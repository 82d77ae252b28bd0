"""Everything printable (posters, feedback cards, certificates, agendas, reports) is an HTML template
rendered to PDF by WeasyPrint, so every printed thing shares one look, Unicode text and print CSS.

Templates extend `core/print_base.html`. Static files (the print stylesheet, images) are read from the
finders, never fetched over the network: `url_fetcher` refuses every address that is not a static file
or an inline `data:` URL, so text typed by users cannot make the renderer fetch anything.
"""

from __future__ import annotations

import functools
import io
import mimetypes
from typing import Any

import segno
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


class PrintFetchRefused(ValueError):
    """A printable template asked for something that is not a static file."""


def _read_static(url: str) -> tuple[bytes, str]:
    """The bytes and path of the static file `url` names; anything else is refused."""
    from django.conf import settings

    for marker in (settings.STATIC_URL, "file:///static/"):
        if marker in url:
            path = finders.find(url.split(marker, 1)[1].split("?", 1)[0])
            if path:
                with open(path, "rb") as handle:
                    return handle.read(), path
    raise PrintFetchRefused(url)


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves static files and inline `data:` URLs; refuses everything else (no network, no disk)."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            body, path = _read_static(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """Render `template` with `context` and return the PDF bytes."""
    from weasyprint import HTML  # heavy import, only when something is printed

    html = render_to_string(template, context, request=request)
    return HTML(
        string=html, base_url="file:///static/", url_fetcher=_fetcher_class()(allowed_protocols={"data", "file"})
    ).write_pdf()


def pdf_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """A PDF download; `inline` opens it in the browser's viewer."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for `url`. segno's SVG holds only paths and fixed attributes, never the
    text it encodes, so it is safe to inline."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True, nl=False, omitsize=True)
    return mark_safe(buffer.getvalue().decode())
