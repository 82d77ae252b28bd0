"""API of the community app: one router per public noun, each mounted by the site shell under
/api/<noun>/ (see `ROUTERS`)."""

from __future__ import annotations

from ninja import Router

#: (mount path, router, OpenAPI tag): the site shell mounts each one under /api/.
ROUTERS: list[tuple[str, Router, str]] = []
