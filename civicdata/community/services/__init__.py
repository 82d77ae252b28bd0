"""Every write to community records goes through these services (one module per aggregate)."""

from civicdata.community.services.discussions import (
    flag_post,
    follow_discussion,
    moderate_post,
    reply,
    set_discussion_status,
    start_discussion,
    unfollow_discussion,
)
from civicdata.community.services.quality import (
    close_report,
    confirm_report,
    follow_report,
    report_problem,
    unfollow_report,
    withdraw_tables_for_privacy,
)

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

__all__ = [
    "close_report",
    "confirm_report",
    "flag_post",
    "follow_discussion",
    "follow_report",
    "moderate_post",
    "reply",
    "report_problem",
    "set_discussion_status",
    "start_discussion",
    "unfollow_discussion",
    "unfollow_report",
    "withdraw_tables_for_privacy",
]
from .challenges import (  # noqa: F401
    ChallengeFields,
    advance_phase,
    cast_vote,
    choose_winner,
    create_challenge,
    declare_conflict,
    make_intervention,
    record_implementation,
    score_entry,
    submit_entry,
    update_challenge,
)
