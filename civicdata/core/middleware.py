"""Request plumbing: HEAD answered as GET, compressed pages, CORS for read-only API calls and a size
limit on uploads."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.translation import gettext as _

from civicdata.core.api_errors import error_response

READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
CORS_PREFIXES = ("/api/", "/data.json")


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered: the view sees GET and the response loses its body.

    django-ninja routes by method and refuses HEAD, and a view that branches on `request.method ==
    "GET"` would treat HEAD as a form post; running GET is what HTTP asks for (RFC 9110, 9.3.2). The
    body is dropped here, not left to the server, so a streamed export is never generated for HEAD.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            # Not iterated, so never generated; the server's response.close() still closes the original
            # iterator (Django keeps its close()), which releases what it holds.
            response.streaming_content = []
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class ReadOnlyApiCorsMiddleware:
    """Let any web page read the public API and data.json; writes stay same-origin (no credentials)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        applies = request.path.startswith(CORS_PREFIXES) or request.path.endswith("/data.json")
        if applies and request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            if request.META["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] in READ_ONLY_METHODS:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
                response["Access-Control-Max-Age"] = "86400"
            return response
        response = self.get_response(request)
        if applies and request.method in READ_ONLY_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
        return response


class UploadLimitMiddleware:
    """Refuse bodies over MAX_UPLOAD_MB before Django reads them, with a message that names the limit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.MAX_UPLOAD_BYTES
        if length.isdigit() and int(length) > limit:
            message = _("The upload is larger than the %(limit)d MB limit.") % {"limit": limit // (1024 * 1024)}
            if request.path.startswith("/api/"):
                return error_response(413, message)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NullCharacterMiddleware:
    """Refuse addresses containing a NUL character: no database stores it, and PostgreSQL raises on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                return error_response(400, message, code="invalid_character")
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


#: Media types worth compressing (text): pages, JSON answers and GeoJSON for maps.
COMPRESSIBLE_TYPES = ("text/html", "application/json", "application/geo+json", "application/schema+json")


class CompressPagesMiddleware(GZipMiddleware):
    """Gzip pages and JSON answers for clients that accept it (a table page shrinks about tenfold).

    Left alone: streamed responses (data.json, exports, distribution files: core/downloads.py sends them
    as they are, with their length, ETag and byte ranges), attachments, partial content, other media
    types, and responses marked `Cache-Control: no-store` — pages that show a secret once (a new API
    token), which BREACH could otherwise guess by reflecting typed text beside it. The CSRF token in
    forms is masked afresh on every response and Django pads each gzip body with random bytes, so
    other pages are safe to compress (docs/deploy.md). Brotli is kept for static files (whitenoise):
    the random padding is gzip's.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        media_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if (
            response.streaming
            or media_type not in COMPRESSIBLE_TYPES
            or response.status_code == 206
            or "attachment" in response.get("Content-Disposition", "")
            or "no-store" in response.get("Cache-Control", "")
        ):
            return response
        return super().process_response(request, response)
