"""Every write of the demand app, one module per aggregate: requests and comments (`requests.py`),
votes, follows, triage, notifications, moderation, usage signals from the catalog (`usage.py`),
request-log imports (`log_imports.py`), topics and priorities. Import them from here.

Each function is keyword-explicit, runs in one transaction and raises `ActionRefused`,
`Conflict` or `InvalidInput` (from civicdata.core.errors) with a message a person can act on.
"""

from civicdata.demand.analytics import UnmetTopic, list_unmet_topics
from civicdata.demand.services.follows import follow, unfollow
from civicdata.demand.services.log_imports import (
    cancel_log_import,
    confirm_log_import,
    import_log_file,
    start_log_import,
    stored_fingerprints,
    update_log_mapping,
)
from civicdata.demand.services.matches import confirm_match, reject_match
from civicdata.demand.services.moderation import report_content, resolve_report
from civicdata.demand.services.notifications import (
    mark_notifications_read,
    send_daily_digests,
    send_notification_emails,
    set_email_mode,
)
from civicdata.demand.services.priorities import rate_candidate, save_priority_weights
from civicdata.demand.services.requests import add_comment, create_request
from civicdata.demand.services.topics import compute_topics
from civicdata.demand.services.triage import (
    add_internal_note,
    assign_request,
    change_status,
    dataset_published,
    merge_requests,
)
from civicdata.demand.services.usage import record_usage, record_zero_result_search
from civicdata.demand.services.votes import unvote, vote

__all__ = [
    "UnmetTopic",
    "add_comment",
    "add_internal_note",
    "assign_request",
    "cancel_log_import",
    "change_status",
    "compute_topics",
    "confirm_log_import",
    "confirm_match",
    "create_request",
    "dataset_published",
    "follow",
    "import_log_file",
    "list_unmet_topics",
    "mark_notifications_read",
    "merge_requests",
    "rate_candidate",
    "record_usage",
    "record_zero_result_search",
    "reject_match",
    "report_content",
    "resolve_report",
    "save_priority_weights",
    "send_daily_digests",
    "send_notification_emails",
    "set_email_mode",
    "start_log_import",
    "stored_fingerprints",
    "unfollow",
    "unvote",
    "update_log_mapping",
    "vote",
]
