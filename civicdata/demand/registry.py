"""Where the apps above demand add to its pages without demand importing them.

- Request panels: `register_request_panel(fn)` with `fn(request, data_request) -> HTML` (a safe string
  from `render_to_string(..., request=request)`; an empty one shows nothing). The request page shows each
  panel below the request, in registration order (e.g. the community's reuses that answer it).

Apps register in `AppConfig.ready()`; registering the same function twice keeps one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from civicdata.catalog.registry import Registry

RequestPanel = Callable[[HttpRequest, Any], str]

request_panels: Registry[RequestPanel] = Registry()


def register_request_panel(fn: RequestPanel) -> RequestPanel:
    """Add a panel to every data request page: `fn(request, data_request)` returns safe HTML or ""."""
    return request_panels.register(fn)


def render_request_panels(request: HttpRequest, data_request: Any) -> list[str]:
    """The HTML of every registered panel that has something to show, in registration order."""
    return [html for panel in request_panels if (html := panel(request, data_request))]
