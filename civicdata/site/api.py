"""The HTTP API under /api/: one NinjaAPI that mounts each app's router and shares the error envelope,
authentication and throttling. OpenAPI 3 at /api/openapi.json, interactive docs at /api/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

from civicdata.accounts.api import router as accounts_router
from civicdata.catalog.api import router as catalog_router
from civicdata.catalog.crawl_api import router as tools_router
from civicdata.community.api import ROUTERS as community_routers
from civicdata.core import api_errors
from civicdata.core.ratelimit import FairRateThrottle
from civicdata.datastore.api import router as datastore_router
from civicdata.datastore.live_api import router as live_tables_router
from civicdata.datastore.tools_api import router as datastore_tools_router
from civicdata.demand.api import router as demand_router
from civicdata.events.api import router as events_router
from civicdata.projects.api import router as projects_router


class CivicdataAPI(NinjaAPI):
    """The API whose OpenAPI document also lists the error answers (the shared envelope) of each operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None) -> Any:
        return api_errors.document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = CivicdataAPI(
    title="civicdata API",
    version="1",
    description=(
        "Read the city's open data catalog, tables, data requests and projects. Reading needs no account; "
        "writing needs a signed-in session (with its CSRF token) or a personal API token sent as "
        "`Authorization: Bearer <token>`. Every error has the shape "
        '`{"error": {"status", "code", "message", "details"}}`. Lists use cursor pagination: pass the '
        "`next_cursor` of one page as `cursor` to get the next."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[FairRateThrottle("API_RATE_ANONYMOUS", "API_RATE_SIGNED_IN")],
)
api_errors.install(api)


class ServiceStatusOut(Schema):
    status: str
    version: str


@api.get("/status", response=ServiceStatusOut, tags=["site"], summary="Service status")
def status(request: HttpRequest) -> dict:
    """Answers when the API is up; for load balancers use /healthz and /readyz."""
    return {"status": "ok", "version": api.version}


def mount_app_routers() -> None:
    """Attach each app's router (its `api.router`) under /api/<app>/."""
    api.add_router("/accounts/", accounts_router, tags=["accounts"])
    api.add_router("/catalog/", catalog_router, tags=["catalog"])
    api.add_router("/tools/", tools_router, tags=["tools"])
    api.add_router("/tools/", datastore_tools_router, tags=["tools"])
    api.add_router("/tools/", live_tables_router, tags=["tools"])
    api.add_router("/data/", datastore_router, tags=["data"])
    api.add_router("/demand/", demand_router, tags=["demand"])
    api.add_router("/projects/", projects_router, tags=["projects"])
    api.add_router("/events/", events_router, tags=["events"])
    for prefix, router, tag in community_routers:
        api.add_router(prefix, router, tags=[tag])


mount_app_routers()
