"""Personal API tokens on every API endpoint, reads included.

`Authorization: Bearer cd_…` (or CKAN's bare `Authorization: cd_…`) on a request under /api/ makes the
token's holder the request's user before any view runs, so every endpoint — the ninja API, the Data
API's SQL and downloads, the CKAN action API — answers with the holder's rights through the same
permission functions a signed-in session uses. A token that is unknown, revoked or expired answers
401 instead of silently falling back to anonymous."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from civicdata.accounts.services.tokens import TOKEN_PREFIX, authenticate_token
from civicdata.core.api_errors import error_response

API_PREFIX = "/api/"


def bearer_token(request: HttpRequest) -> str | None:
    """The raw token in the Authorization header, or None when the header carries none of ours."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    scheme, _sep, rest = header.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return rest.strip()
    if header.startswith(TOKEN_PREFIX) and " " not in header:
        return header
    return None


class ApiTokenMiddleware:
    """Authenticate API requests that carry a personal token (after the session middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            raw = bearer_token(request)
            if raw is not None:
                user = authenticate_token(raw)
                if user is None:
                    response = error_response(401, _("The API token is not valid (unknown, revoked or expired)."))
                    response["WWW-Authenticate"] = 'Bearer realm="api"'
                    return response
                request.user = user
                # A header the browser never sends by itself: no cross-site request can carry it.
                request._dont_enforce_csrf_checks = True
        return self.get_response(request)
