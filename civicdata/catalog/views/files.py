"""Uploaded distribution files: the editors' upload page and the stable download address (ETag,
Last-Modified, conditional requests and byte ranges)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from civicdata.catalog import files, permissions, services
from civicdata.catalog.forms import DistributionFileForm
from civicdata.catalog.models import Dataset, DistributionFile
from civicdata.catalog.registry import handle_uploaded_file
from civicdata.core import downloads
from civicdata.core.errors import InvalidInput

CHUNK = 64 * 1024


@require_http_methods(["GET", "HEAD", "POST"])
def file_upload(request: HttpRequest, name: str) -> HttpResponse:
    """Upload a data file from the editor's computer as a new distribution of the dataset.

    The catalog stores and serves it; the apps above act on it (the Data API queues a table load and the
    editor lands on its progress page).
    """
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=name)
    permissions.ensure_can_edit_dataset(request.user, dataset)
    form = DistributionFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            distribution = services.add_distribution_file(
                dataset,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data.get("title") or "",
                by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except InvalidInput as exc:
            form.add_error("file", exc.message)
        else:
            following = handle_uploaded_file(distribution, by=request.user)
            messages.success(
                request, _("“%(title)s” was added to the dataset's files.") % {"title": distribution.title}
            )
            if following:
                return redirect(following)
            return redirect("catalog:dataset_edit", name=dataset.name)
    limit_mb = services.upload_limit_mb()
    return render(request, "catalog/file_upload.html", {"dataset": dataset, "form": form, "limit_mb": limit_mb})


def _matches(header: str, etag: str) -> bool:
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    return "*" in candidates or etag in candidates


def _stream(handle: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    with handle:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


@require_safe
def distribution_file(request: HttpRequest, name: str, key: str, filename: str) -> HttpResponse:
    """The stable download address of an uploaded file (the distribution's downloadURL).

    Access follows the dataset (public once published with access level "public", else its editors);
    answers 304 to a matching If-None-Match / If-Modified-Since, 206 to one byte range (honouring
    If-Range), 416 to a range past the end.
    """
    stored = get_object_or_404(
        DistributionFile.objects.select_related("dataset__publisher", "distribution"), key=key, dataset__name=name
    )
    permissions.ensure_can_download_file(request.user, stored.dataset)
    path = files.stored_path(stored.key)
    if filename != stored.name or not path.is_file():
        return HttpResponse(_("No file found."), status=404, content_type="text/plain; charset=utf-8")
    etag = f'"{stored.sha256[:40]}"'
    last_modified = http_date(stored.uploaded_at.timestamp())
    headers = {
        "ETag": etag,
        "Last-Modified": last_modified,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=300" if permissions.is_public_file(stored.dataset) else "private, no-cache",
    }
    if_none_match = request.headers.get("If-None-Match")
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if (if_none_match and _matches(if_none_match, etag)) or (
        not if_none_match and since is not None and int(stored.uploaded_at.timestamp()) <= since
    ):
        return HttpResponseNotModified(headers=headers)
    offloaded = downloads.offloaded_file(path)
    if offloaded is not None:
        # The proxy sends the bytes (and answers ranges); count the download as below.
        if request.method == "GET" and not request.headers.get("Range"):
            services.record_distribution_download(stored.distribution)
        offloaded["Content-Type"] = stored.media_type
        offloaded["Content-Disposition"] = content_disposition_header(True, stored.name)
        for header, value in headers.items():
            offloaded[header] = value
        return offloaded
    size = path.stat().st_size
    wanted = None
    if_range = request.headers.get("If-Range")
    if request.headers.get("Range") and (not if_range or if_range in (etag, last_modified)):
        try:
            wanted = files.parse_range(request.headers["Range"], size)
        except files.RangeNotSatisfiable:
            return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    disposition = content_disposition_header(True, stored.name)
    if wanted is not None and (wanted.start, wanted.length) != (0, size):
        response = StreamingHttpResponse(
            _stream(path.open("rb"), wanted.start, wanted.length), status=206, content_type=stored.media_type
        )
        response["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{size}"
        response["Content-Length"] = str(wanted.length)
        response["Content-Disposition"] = disposition
    else:
        if request.method == "GET":
            # Only whole downloads count (nothing about the visitor is stored).
            services.record_distribution_download(stored.distribution)
        response = FileResponse(path.open("rb"), content_type=stored.media_type)
        response["Content-Length"] = str(size)
        response["Content-Disposition"] = disposition
    for header, value in headers.items():
        response[header] = value
    return response
