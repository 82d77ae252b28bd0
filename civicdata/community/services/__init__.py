"""Every write to community records goes through these services (one module per aggregate)."""

from .news import (  # noqa: F401
    create_announcement,
    draft_for_fulfilment,
    publish_announcement,
    render_announcement,
    update_announcement,
)
from .reuses import (  # noqa: F401
    create_reuse,
    decline_reuse,
    prepare_image,
    publish_reuse,
    set_featured,
    submit_reuse,
    update_reuse,
)
from .stories import create_story, decline_story, publish_story, submit_story, update_story  # noqa: F401
