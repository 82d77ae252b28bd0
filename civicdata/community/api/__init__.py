"""API of the community app: one router per public noun, each mounted by the site shell under
/api/<noun>/ (see `ROUTERS`)."""

from __future__ import annotations

from ninja import Router

#: (mount path, router, OpenAPI tag): the site shell mounts each one under /api/.
ROUTERS: list[tuple[str, Router, str]] = []

# Quality reports, discussions and impact figures (helper f).
from civicdata.community.api import discussions as _discussions  # noqa: E402
from civicdata.community.api import impact as _impact  # noqa: E402
from civicdata.community.api import quality as _quality  # noqa: E402

ROUTERS.append(("/quality-reports/", _quality.router, "quality-reports"))
ROUTERS.append(("/discussions/", _discussions.router, "discussions"))
ROUTERS.append(("/impact/", _impact.router, "impact"))
from .news import router as news_router  # noqa: E402
from .reuses import router as reuses_router  # noqa: E402
from .stories import router as stories_router  # noqa: E402

ROUTERS += [
    ("/stories/", stories_router, "stories"),
    ("/reuses/", reuses_router, "reuses"),
    ("/news/", news_router, "news"),
]

# Data challenges (helper d).
from .challenges import router as challenges_router  # noqa: E402

ROUTERS.append(("/challenges/", challenges_router, "challenges"))
