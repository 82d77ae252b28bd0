"""Community models, one module per aggregate; each is re-exported here so Django finds them."""

from .news import Announcement, AnnouncementState  # noqa: F401
from .reuses import Reuse, ReuseImage, ReuseKind  # noqa: F401
from .stories import ModerationState, Story  # noqa: F401
