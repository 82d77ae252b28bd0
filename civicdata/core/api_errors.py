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


#: The envelope as an OpenAPI component, referenced by every documented error response.
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status again."},
                "code": {"type": "string", "description": "A stable, machine-readable reason, e.g. `not_found`."},
                "message": {"type": "string", "description": "What went wrong, in plain words."},
                "details": {"description": "More about the error, e.g. which fields are invalid."},
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    400: "The input cannot be used (the message says why).",
    401: "Sign in or send a personal API token.",
    403: "Your account may not do this.",
    404: "Nothing was found at this address (or it is not yours to see).",
    409: "The request conflicts with the current state.",
    413: "The request body is larger than the upload limit.",
    422: "Some parameters are missing or invalid.",
    429: "Too many requests; retry after the seconds in Retry-After.",
}


def error_statuses(operation: dict[str, Any], *, path: str, method: str) -> list[int]:
    """The error statuses an operation can answer with, whatever its own code does: every address may
    refuse a NUL character (400) and be throttled (429); parameters or a body may be invalid (422); a path
    with ids, or a body naming other records, may name nothing (404); authenticated operations refuse
    strangers (401) and people without the role (403), and their writes may collide with the current
    state (409: already voted, a step whose exit checks fail); a request body may exceed the upload
    limit (413)."""
    statuses = {400, 429}
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    # A path with ids, or a body that names other records (a dataset, a publisher), may name nothing.
    if "{" in path or (method in {"post", "put", "patch"} and operation.get("requestBody")):
        statuses.add(404)
    if operation.get("security"):
        statuses.update({401, 403})
    if method in {"post", "put", "patch", "delete"}:
        statuses.add(413)
        if operation.get("security"):
            statuses.add(409)
    return sorted(statuses)


def document_errors(openapi: dict[str, Any]) -> dict[str, Any]:
    """Add the error envelope and the error responses each operation can give to an OpenAPI document
    (responses an endpoint declares itself are kept)."""
    openapi.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(operation, path=path, method=method):
                responses.setdefault(
                    status,
                    {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": reference}}},
                )
    return openapi
