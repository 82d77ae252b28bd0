"""One JSON error envelope for every API error:
`{"error": {"status": 404, "code": "not_found", "message": "…", "details": …}}`."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from civicdata.core.errors import ActionRefused, Conflict, InvalidInput

logger = logging.getLogger("civicdata.api")

STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def error_response(status: int, message: str, *, code: str | None = None, details: Any = None) -> JsonResponse:
    body: dict[str, Any] = {"status": status, "code": code or STATUS_CODES.get(status, "error"), "message": message}
    if details is not None:
        body["details"] = details
    return JsonResponse({"error": body}, status=status)


def install(api: NinjaAPI) -> None:
    """Register the envelope for every exception an endpoint may raise."""

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {"location": [str(part) for part in error.get("loc", [])], "message": error.get("msg", "")}
            for error in exc.errors
        ]
        return error_response(422, "Some parameters are missing or invalid.", details=details)

    @api.exception_handler(InvalidInput)
    def on_invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return error_response(400, exc.message, code=exc.code, details=exc.details)

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(401, "Sign in or send a personal API token (Authorization: Bearer …).")

    @api.exception_handler(AuthorizationError)
    def on_authz(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return error_response(403, str(exc.message) or "You may not do this.")

    @api.exception_handler(ActionRefused)
    def on_refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        return error_response(exc.status, exc.message, code=exc.code)

    @api.exception_handler(PermissionDenied)
    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, str(exc) or "You may not do this.")

    @api.exception_handler(Conflict)
    def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return error_response(409, exc.message, code=exc.code)

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, str(exc) or "Nothing was found at this address.")

    @api.exception_handler(ObjectDoesNotExist)
    def on_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return error_response(404, "Nothing was found at this address.")

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = error_response(429, "Too many requests; slow down and try again shortly.")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, str(exc.message))

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s", request.path)
        return error_response(500, "Something went wrong on our side; the error has been logged.")
