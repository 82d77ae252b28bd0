"""Catalog protocols other than data.json: OAI-PMH at /oai for library and aggregator harvesters, OGC CSW
at /csw for GIS desktop tools and geospatial harvesters."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from civicdata.catalog.csw import MAX_BODY_BYTES, Catalogue, CswError, exception_report
from civicdata.catalog.oai import Repository


# OAI-PMH allows POST for long requests; nothing is written, so there is no state for CSRF to protect.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_pmh(request: HttpRequest) -> HttpResponse:
    """`/oai`: the OAI-PMH 2.0 repository of the public catalog (Dublin Core records)."""
    params = request.POST if request.method == "POST" else request.GET
    repeated = any(len(params.getlist(name)) > 1 for name in params)
    args = {name: params.get(name, "") for name in params}
    site_url = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    repository = Repository(
        base_url=request.build_absolute_uri(request.path),
        site_url=site_url,
        host=urlsplit(site_url).hostname or request.get_host(),
    )
    return HttpResponse(repository.respond(args, repeated=repeated), content_type="text/xml; charset=utf-8")


# CSW allows XML POST for every operation; nothing is written, so there is no state for CSRF to protect.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def csw(request: HttpRequest) -> HttpResponse:
    """`/csw`: the OGC CSW 2.0.2 and 3.0.0 catalogue of the public catalog (Dublin Core records, boxes)."""
    site_url = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    catalogue = Catalogue(base_url=request.build_absolute_uri(request.path), site_url=site_url)
    try:
        if request.method == "POST" and not request.POST:
            length = int(request.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise CswError("NoApplicableCode", f"The request is larger than {MAX_BODY_BYTES // 1024} KB.")
            body, content_type = catalogue.respond_xml(request.body)
        else:
            params = request.POST if request.method == "POST" else request.GET
            body, content_type = catalogue.respond_kvp({name: params.get(name, "") for name in params})
    except CswError as error:
        return HttpResponse(exception_report(error), status=error.status, content_type="application/xml; charset=utf-8")
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
