"""Exit checks: what a project must have achieved before it may leave each step.

The checks are pure predicates over :class:`ProjectSnapshot`, a plain description of a project that
the services layer builds from the database. Keeping them free of Django makes every rule testable
in isolation and guarantees pages and API apply the very same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from civicdata.projects.method import AdoptionConstraint, Step


@dataclass(frozen=True, slots=True)
class UseCaseSnapshot:
    """What an exit check needs to know about one use case."""

    persona_count: int = 0
    story_count: int = 0
    data_need_count: int = 0


@dataclass(frozen=True, slots=True)
class PlanSnapshot:
    """What an exit check needs to know about the intervention plan."""

    goal: str = ""
    activities: str = ""
    roles: str = ""
    timeline: str = ""
    housed_by: str = ""
    sustained_by: str = ""
    constraints_stated: frozenset[str] = frozenset()
    comment_period_held: bool = False
    comment_period_closed: bool = False
    feedback_undisposed: int = 0


@dataclass(frozen=True, slots=True)
class ProjectSnapshot:
    """A plain, database-free picture of a project used to evaluate exit checks."""

    step: Step
    step_result: str = ""
    evidence_count: int = 0
    focus_area_title: str = ""
    focus_area_rationale: str = ""
    focus_area_evidence_count: int = 0
    use_cases: tuple[UseCaseSnapshot, ...] = ()
    selected_use_case: bool = False
    plan: PlanSnapshot | None = None
    intervention_count: int = 0
    metrics_total: int = 0
    metrics_with_actual: int = 0
    users_reached: int = 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Outcome of one exit check, phrased for the people who must act on it."""

    code: str
    label: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class _Check:
    code: str
    label: str
    predicate: Callable[[ProjectSnapshot], tuple[bool, str]]


def _has(text: str) -> bool:
    return bool(text and text.strip())


def _step_result(s: ProjectSnapshot) -> tuple[bool, str]:
    return _has(s.step_result), "Write down what this step produced in the step's result field."


def _evidence(s: ProjectSnapshot) -> tuple[bool, str]:
    return (
        s.evidence_count > 0,
        "Record at least one piece of evidence of community need.",
    )


def _focus_area(s: ProjectSnapshot) -> tuple[bool, str]:
    ok = _has(s.focus_area_title) and _has(s.focus_area_rationale)
    return ok, "Choose a focus area and explain why it was chosen."


def _focus_evidence(s: ProjectSnapshot) -> tuple[bool, str]:
    return (
        s.focus_area_evidence_count > 0,
        "Link the focus area to the evidence that supports it.",
    )


def _complete_use_case(s: ProjectSnapshot) -> tuple[bool, str]:
    ok = any(u.persona_count > 0 and u.story_count > 0 and u.data_need_count > 0 for u in s.use_cases)
    return ok, "At least one use case needs a persona, a user story and a data supply."


def _use_case_selected(s: ProjectSnapshot) -> tuple[bool, str]:
    return s.selected_use_case, "Select the single use case the plan will support."


PLAN_PARTS = ("goal", "activities", "roles", "timeline", "housed_by", "sustained_by")


def missing_plan_parts(s: ProjectSnapshot) -> list[str]:
    """Plan fields still empty, as field names (all of them when there is no plan)."""
    if s.plan is None:
        return list(PLAN_PARTS)
    return [name for name in PLAN_PARTS if not _has(getattr(s.plan, name))]


def missing_constraints(s: ProjectSnapshot) -> list[str]:
    """Adoption constraint kinds not stated yet, in a fixed order."""
    stated = s.plan.constraints_stated if s.plan else frozenset()
    return [c.value for c in AdoptionConstraint if c.value not in stated]


def _plan_complete(s: ProjectSnapshot) -> tuple[bool, str]:
    if s.plan is None:
        return False, "Draft an intervention plan."
    names = {"housed_by": "who houses it", "sustained_by": "who sustains it"}
    missing = [names.get(name, name) for name in missing_plan_parts(s)]
    if missing:
        return False, "The plan is missing: " + ", ".join(missing) + "."
    return True, ""


def _constraints(s: ProjectSnapshot) -> tuple[bool, str]:
    missing = missing_constraints(s)
    if missing:
        return False, "State the adoption constraints still missing: " + ", ".join(missing) + "."
    return True, ""


def _comment_period(s: ProjectSnapshot) -> tuple[bool, str]:
    ok = bool(s.plan and s.plan.comment_period_held and s.plan.comment_period_closed)
    return ok, "Hold a public comment period on the plan and let it close."


def _feedback_disposed(s: ProjectSnapshot) -> tuple[bool, str]:
    if s.plan is None:
        return False, "Draft an intervention plan."
    n = s.plan.feedback_undisposed
    return (
        n == 0,
        f"Mark every piece of feedback as incorporated or not, with a reason ({n} left).",
    )


def _intervention(s: ProjectSnapshot) -> tuple[bool, str]:
    return s.intervention_count > 0, "Record at least one intervention."


def _metrics(s: ProjectSnapshot) -> tuple[bool, str]:
    ok = s.metrics_total > 0 and s.metrics_with_actual == s.metrics_total
    return ok, "Record an actual value for every outcome metric (at least one metric)."


def _users_reached(s: ProjectSnapshot) -> tuple[bool, str]:
    return (
        s.users_reached > 0,
        "Record how many people the intervention actually reached.",
    )


EXIT_CHECKS: dict[Step, tuple[_Check, ...]] = {
    Step.FIND: (
        _Check("find.evidence", "Evidence of community need", _evidence),
        _Check("find.focus_area", "Focus area with rationale", _focus_area),
        _Check("find.focus_evidence", "Focus area linked to evidence", _focus_evidence),
        _Check("find.result", "Step result recorded", _step_result),
    ),
    Step.REFINE: (
        _Check(
            "refine.use_case",
            "Use case with persona, user story and data supply",
            _complete_use_case,
        ),
        _Check("refine.result", "Step result recorded", _step_result),
    ),
    Step.DESIGN: (
        _Check("design.use_case_selected", "One use case selected", _use_case_selected),
        _Check(
            "design.plan_complete",
            "Plan covers goal, activities, roles, timeline and stewardship",
            _plan_complete,
        ),
        _Check("design.constraints", "Adoption constraints stated", _constraints),
        _Check(
            "design.comment_period",
            "Public comment period held and closed",
            _comment_period,
        ),
        _Check(
            "design.feedback_disposed",
            "All feedback given a disposition",
            _feedback_disposed,
        ),
        _Check("design.result", "Step result recorded", _step_result),
    ),
    Step.IMPLEMENT: (
        _Check("implement.intervention", "Intervention recorded", _intervention),
        _Check("implement.metrics", "Outcome metrics measured", _metrics),
        _Check("implement.users_reached", "Users reached recorded", _users_reached),
        _Check("implement.result", "Step result recorded", _step_result),
    ),
}

CHECK_LABELS: dict[str, str] = {c.code: c.label for checks in EXIT_CHECKS.values() for c in checks}


def evaluate_exit(snapshot: ProjectSnapshot, step: Step | None = None) -> list[CheckResult]:
    """Evaluate the exit checks of ``step`` (default: the snapshot's current step)."""
    results = []
    for check in EXIT_CHECKS[Step(step or snapshot.step)]:
        passed, detail = check.predicate(snapshot)
        results.append(
            CheckResult(
                code=check.code,
                label=check.label,
                passed=passed,
                detail="" if passed else detail,
            )
        )
    return results


def failing_checks(snapshot: ProjectSnapshot, step: Step | None = None) -> list[CheckResult]:
    """Return only the checks that do not pass; empty means the step may be left."""
    return [r for r in evaluate_exit(snapshot, step) if not r.passed]


def can_leave(snapshot: ProjectSnapshot, step: Step | None = None) -> bool:
    """True when every exit check of the step passes."""
    return not failing_checks(snapshot, step)


@dataclass(frozen=True, slots=True)
class Override:
    """A staff decision to leave a step despite failing checks; the reason must be written."""

    codes: frozenset[str] = field(default_factory=frozenset)
    reason: str = ""


def checks_blocking_after_override(failing: list[CheckResult], override: Override | None) -> list[CheckResult]:
    """Return failing checks an override does not cover.

    An override counts only with a written reason of at least 20 characters; a shrug is not a reason.
    """
    if override is None or len(override.reason.strip()) < 20:
        return list(failing)
    return [r for r in failing if r.code not in override.codes]
