"""Every write to engagement projects goes through these functions.

Each function checks permission with `permissions.py`, runs in one transaction, records an audit entry
for staff writes and a public `ProjectEvent` where the history should show it. Moving between steps
is only possible through `advance_step`, which enforces the exit checks. The functions live in one
module per step; import them from here.
"""

from civicdata.projects.services._common import PLAN_FIELDS
from civicdata.projects.services.design import (
    comment_on_plan,
    dispose_feedback,
    open_comment_period,
    plan_content,
    record_plan_feedback,
    save_plan,
    select_use_case,
)
from civicdata.projects.services.find import (
    REQUEST_LOG_COLUMNS,
    add_evidence,
    choose_focus_area,
    comment_on_problem,
    demand_topics_available,
    hide_problem,
    import_demand_topics,
    import_request_log,
    post_problem,
    save_find_assessment,
    summarise_request_log,
    vote_for_problem,
    withdraw_problem_vote,
)
from civicdata.projects.services.implement import (
    add_artefact,
    add_intervention,
    add_outcome_metric,
    give_intervention_feedback,
    record_outcome,
    record_users_reached,
    save_champion,
    set_feedback_channel,
    write_report_summary,
)
from civicdata.projects.services.lifecycle import (
    advance_step,
    build_snapshot,
    create_project,
    exit_report,
    exit_status,
    start_next_iteration,
    update_project,
    update_step_record,
)
from civicdata.projects.services.refine import (
    add_activity,
    add_data_need,
    add_persona,
    add_stakeholder,
    add_stakeholder_note,
    add_use_case,
    add_user_story,
    save_worksheet,
)

__all__ = [
    "PLAN_FIELDS",
    "REQUEST_LOG_COLUMNS",
    "add_activity",
    "add_artefact",
    "add_data_need",
    "add_evidence",
    "add_intervention",
    "add_outcome_metric",
    "add_persona",
    "add_stakeholder",
    "add_stakeholder_note",
    "add_use_case",
    "add_user_story",
    "advance_step",
    "build_snapshot",
    "choose_focus_area",
    "comment_on_plan",
    "comment_on_problem",
    "create_project",
    "demand_topics_available",
    "dispose_feedback",
    "exit_report",
    "exit_status",
    "give_intervention_feedback",
    "hide_problem",
    "import_demand_topics",
    "import_request_log",
    "open_comment_period",
    "plan_content",
    "post_problem",
    "record_outcome",
    "record_plan_feedback",
    "record_users_reached",
    "save_champion",
    "save_find_assessment",
    "save_plan",
    "save_worksheet",
    "select_use_case",
    "set_feedback_channel",
    "start_next_iteration",
    "summarise_request_log",
    "update_project",
    "update_step_record",
    "vote_for_problem",
    "withdraw_problem_vote",
    "write_report_summary",
]
