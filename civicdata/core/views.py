"""Site-wide plumbing pages: the health check and the error pages (the home page and staff pages live in
`civicdata.site`)."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from civicdata.core.api_errors import error_response
from civicdata.core.errors import ActionRefused

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness always; readiness when `?ready=1` (or /readyz): the database answers a query."""
    checks: dict[str, str] = {"process": "ok"}
    status = 200
    if request.GET.get("ready") or request.path.rstrip("/").endswith("readyz"):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            checks["database"] = "ok"
        except Exception as exc:  # any driver error means "not ready"
            logger.warning("Readiness check failed: %s", exc)
            checks["database"] = "unavailable"
            status = 503
    return JsonResponse({"status": "ok" if status == 200 else "unavailable", "checks": checks}, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, ActionRefused):
        message, status = exception.message, exception.status
    else:
        message, status = _("You do not have permission to see this page."), 403
    if _wants_json(request):
        return error_response(status, message)
    if status == 401:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("We could not find that page.")
    if _wants_json(request):
        return error_response(404, message)
    return render(request, "core/error.html", {"status": 404, "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on our side. The error has been logged.")
    if _wants_json(request):
        return error_response(500, message)
    return render(request, "core/error.html", {"status": 500, "message": message}, status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("The request could not be understood.")
    if _wants_json(request):
        return error_response(400, message)
    return render(request, "core/error.html", {"status": 400, "message": message}, status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _("The form had expired or came from another site. Reload the page and try again.")
    if _wants_json(request):
        return error_response(403, message, code="csrf_failed")
    return render(request, "core/error.html", {"status": 403, "message": message}, status=403)
