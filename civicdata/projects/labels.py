"""Translated wording for the exit checks, which `exits.py` (framework-free) states in English only.

`localize` turns check results into the dictionaries pages and the API show, in the active language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdata.projects import exits

LABELS = {
    "find.evidence": gettext_lazy("Evidence of community need"),
    "find.focus_area": gettext_lazy("Focus area with rationale"),
    "find.focus_evidence": gettext_lazy("Focus area linked to evidence"),
    "refine.use_case": gettext_lazy("Use case with persona, user story and data supply"),
    "design.use_case_selected": gettext_lazy("One use case selected"),
    "design.plan_complete": gettext_lazy("Plan covers goal, activities, roles, timeline and stewardship"),
    "design.constraints": gettext_lazy("Adoption constraints stated"),
    "design.comment_period": gettext_lazy("Public comment period held and closed"),
    "design.feedback_disposed": gettext_lazy("All feedback given a disposition"),
    "implement.intervention": gettext_lazy("Intervention recorded"),
    "implement.metrics": gettext_lazy("Outcome metrics measured"),
    "implement.users_reached": gettext_lazy("Users reached recorded"),
}
HINTS = {
    "find.evidence": gettext_lazy("Record at least one piece of evidence of community need."),
    "find.focus_area": gettext_lazy("Choose a focus area and explain why it was chosen."),
    "find.focus_evidence": gettext_lazy("Link the focus area to the evidence that supports it."),
    "refine.use_case": gettext_lazy("At least one use case needs a persona, a user story and a data supply."),
    "design.use_case_selected": gettext_lazy("Select the single use case the plan will support."),
    "design.comment_period": gettext_lazy("Hold a public comment period on the plan and let it close."),
    "implement.intervention": gettext_lazy("Record at least one intervention."),
    "implement.metrics": gettext_lazy("Record an actual value for every outcome metric (at least one metric)."),
    "implement.users_reached": gettext_lazy("Record how many people the intervention actually reached."),
}
PLAN_PART_NAMES = {
    "goal": gettext_lazy("goal"),
    "activities": gettext_lazy("activities"),
    "roles": gettext_lazy("roles"),
    "timeline": gettext_lazy("timeline"),
    "housed_by": gettext_lazy("who houses it"),
    "sustained_by": gettext_lazy("who sustains it"),
}
CONSTRAINT_NAMES = {
    "privacy": gettext_lazy("privacy"),
    "security": gettext_lazy("security"),
    "legal": gettext_lazy("legal"),
    "technical": gettext_lazy("technical"),
    "operational": gettext_lazy("operational"),
}


def _hint(result: exits.CheckResult, snapshot: exits.ProjectSnapshot) -> str:
    code = result.code
    if code.endswith(".result"):
        return _("Write down what this step produced in the step's result field.")
    if code == "design.plan_complete":
        if snapshot.plan is None:
            return _("Draft an intervention plan.")
        names = ", ".join(str(PLAN_PART_NAMES[p]) for p in exits.missing_plan_parts(snapshot))
        return _("The plan is missing: %(parts)s.") % {"parts": names}
    if code == "design.constraints":
        names = ", ".join(str(CONSTRAINT_NAMES[c]) for c in exits.missing_constraints(snapshot))
        return _("State the adoption constraints still missing: %(kinds)s.") % {"kinds": names}
    if code == "design.feedback_disposed":
        if snapshot.plan is None:
            return _("Draft an intervention plan.")
        return _("Mark every piece of feedback as incorporated or not, with a reason (%(n)d left).") % {
            "n": snapshot.plan.feedback_undisposed
        }
    return str(HINTS.get(code, result.detail))


def label(code: str) -> str:
    """The translated name of a check."""
    if code.endswith(".result"):
        return _("Step result recorded")
    return str(LABELS.get(code, exits.CHECK_LABELS.get(code, code)))


def localize(results: list[exits.CheckResult], snapshot: exits.ProjectSnapshot) -> list[dict[str, Any]]:
    """Check results as dictionaries with translated label and hint (hint empty when passed)."""
    return [
        {
            "code": r.code,
            "label": label(r.code),
            "passed": r.passed,
            "detail": "" if r.passed else _hint(r, snapshot),
        }
        for r in results
    ]
