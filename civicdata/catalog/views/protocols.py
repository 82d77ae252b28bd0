"""Catalog protocols other than data.json: OAI-PMH at /oai for library and aggregator harvesters."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

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
