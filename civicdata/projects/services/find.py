"""Find-step services: evidence, demand topics, request logs, the self-assessment, focus area and problem inventory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.demand import logs
from civicdata.demand import services as demand_services
from civicdata.projects import assessment, permissions
from civicdata.projects.models import (
    EventKind,
    Evidence,
    EvidenceKind,
    FindAssessment,
    FocusArea,
    Problem,
    ProblemComment,
    ProblemStatus,
    ProblemVote,
    Project,
    StepChoice,
)
from civicdata.projects.services._common import (
    MAX_TEXT,
    _ensure_step,
    _ensure_tactic,
    _event,
    _required,
    _touch,
)

# ---------------------------------------------------------------- Find


@transaction.atomic
def add_evidence(
    project: Project,
    *,
    kind: str,
    title: str,
    summary: str = "",
    source: str = "",
    request_count: int | None = None,
    city_goal: str = "",
    community_priority: str = "",
    partner_name: str = "",
    partnership: str = "",
    by: Any,
) -> Evidence:
    """Record one piece of evidence. Shared priorities need both sides; partners need a name."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.FIND)
    if kind not in EvidenceKind.values:
        raise InvalidInput(_("Unknown kind of evidence."), code="bad_kind")
    if kind == EvidenceKind.SHARED_PRIORITY and not (city_goal.strip() and community_priority.strip()):
        raise InvalidInput(_("A shared priority pairs a city goal with a community priority; give both."))
    if kind == EvidenceKind.VALUABLE_PARTNER and not (partner_name.strip() and partnership):
        raise InvalidInput(_("Name the partner and the kind of partnership."))
    evidence = Evidence.objects.create(
        project=project,
        kind=kind,
        title=_required(title, _("Title")),
        summary=summary,
        source=source,
        request_count=request_count,
        city_goal=city_goal,
        community_priority=community_priority,
        partner_name=partner_name,
        partnership=partnership,
    )
    _touch(project)
    record_write(actor=by, action="projects.evidence.add", target=evidence, after=snapshot(evidence))
    return evidence


def _unmet_topics(limit: int) -> list[Any]:
    # The demand app owns topic analytics; projects only read its plain-data summary.
    return list(demand_services.list_unmet_topics(limit=limit))


@transaction.atomic
def import_demand_topics(project: Project, *, limit: int = 10, by: Any) -> list[Evidence]:
    """Copy the demand app's largest unmet topics (no public dataset answers them) into the project as
    evidence, skipping topics already present. One transaction."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.FIND)
    existing = set(project.evidence.filter(kind=EvidenceKind.DEMAND_TOPIC).values_list("title", flat=True))
    created = []
    for topic in _unmet_topics(limit):
        label = str(topic.label)[:200]
        if label in existing:
            continue
        terms = ", ".join(list(topic.top_terms)[:8])
        examples = "\n".join(f"- {e}" for e in list(topic.examples)[:3])
        summary = _("Key terms: %(terms)s") % {"terms": terms}
        if examples:
            summary += "\n\n" + _("Examples:") + "\n" + examples
        created.append(
            Evidence.objects.create(
                project=project,
                kind=EvidenceKind.DEMAND_TOPIC,
                title=label,
                summary=summary,
                request_count=topic.volume,
                source=_("Demand analytics"),
            )
        )
    if created:
        record_write(actor=by, action="projects.evidence.demand", target=project, after={"added": len(created)})
    return created


# Columns whose values name a request's topic, in order of preference. Compared the way demand's
# log import compares headers ("Request Type", "request_type" and "RequestType" are one name).
REQUEST_LOG_COLUMNS = (
    "topic",
    "category",
    "subject",
    "request type",
    "department",
    "agency",
    "type",
)


def summarise_request_log(data: bytes, *, filename: str = "log.csv") -> list[tuple[str, int]]:
    """Count requests per topic in a request log (CSV or XLSX); raises InvalidInput when unreadable.

    The file is read by demand's log import (encoding, delimiter, header row, DEMAND_LOG_MAX_MB);
    the topic column is the first header matching a known name (topic, category, subject, …).
    """
    max_bytes, max_rows = logs.upload_limits()
    try:
        table = logs.read_log(data, filename=filename, max_bytes=max_bytes, max_rows=max_rows)
    except logs.LogError as exc:
        raise InvalidInput(str(exc)) from exc
    header = [logs.normalise_header(h) for h in table.header]
    wanted = [logs.normalise_header(name) for name in REQUEST_LOG_COLUMNS]
    column = next((header.index(name) for name in wanted if name in header), None)
    if column is None:
        raise InvalidInput(
            _("No topic column found; name one of the columns: %(names)s.") % {"names": ", ".join(REQUEST_LOG_COLUMNS)}
        )
    counts = Counter(row[column].strip() for row in table.rows if row[column].strip())
    return counts.most_common()


@transaction.atomic
def import_request_log(project: Project, *, filename: str, data: bytes, top: int = 5, by: Any) -> list[Evidence]:
    """Summarise an uploaded request log and keep its most frequent topics as evidence (all or nothing)."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.FIND)
    counts = summarise_request_log(data, filename=filename)
    created = [
        Evidence.objects.create(
            project=project,
            kind=EvidenceKind.REQUEST_LOG,
            title=label[:200],
            request_count=count,
            source=filename[:300],
            summary=_("%(count)d requests on this topic in %(file)s.") % {"count": count, "file": filename},
        )
        for label, count in counts[:top]
    ]
    record_write(actor=by, action="projects.evidence.request_log", target=project, after={"file": filename})
    return created


@transaction.atomic
def save_find_assessment(project: Project, *, answers: Mapping[str, bool], by: Any) -> FindAssessment:
    """Store the Find criteria self-assessment (unknown criteria are refused)."""
    permissions.ensure_can_edit_project(by, project)
    try:
        assessment.recommend_find_tactics(answers)
    except assessment.UnknownCriterionError as exc:
        raise InvalidInput(str(exc)) from exc
    obj, _created = FindAssessment.objects.update_or_create(
        project=project,
        defaults={"answers": {k: bool(v) for k, v in answers.items() if v}, "updated_at": timezone.now()},
    )
    record_write(actor=by, action="projects.find_assessment", target=project, after=obj.answers)
    return obj


@transaction.atomic
def choose_focus_area(
    project: Project, *, title: str, rationale: str, tactic: str = "", evidence_ids: Iterable[int] = (), by: Any
) -> FocusArea:
    """Record the Find result: focus area, rationale, the Find tactic used and supporting evidence."""
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.FIND)
    if tactic:
        _ensure_tactic(StepChoice.FIND, tactic)
    evidence = list(Evidence.objects.filter(project=project, pk__in=list(evidence_ids)))
    focus, _created = FocusArea.objects.update_or_create(
        project=project,
        defaults={
            "title": _required(title, _("Focus area")),
            "rationale": _required(rationale, _("Rationale")),
            "tactic": tactic,
            "chosen_at": timezone.now(),
        },
    )
    focus.evidence.set(evidence)
    _event(project, EventKind.FOCUS_AREA, _("Focus area chosen: %(title)s") % {"title": focus.title}, by=by)
    _touch(project)
    record_write(actor=by, action="projects.focus_area", target=focus, after=snapshot(focus))
    return focus


@transaction.atomic
def post_problem(project: Project, *, title: str, body: str = "", by: Any) -> Problem:
    """A resident adds a problem to the inventory. Precondition: the inventory is open."""
    permissions.ensure_resident_can(by, permissions.problem_inventory_state(project))
    problem = Problem.objects.create(
        project=project, title=_required(title, _("Problem"))[:200], body=body[:MAX_TEXT], author=by
    )
    return problem


@transaction.atomic
def vote_for_problem(problem: Problem, *, by: Any) -> Problem:
    """One vote per person per problem (database-enforced); the counter moves with the vote."""
    permissions.ensure_resident_can(by, permissions.problem_inventory_state(problem.project))
    try:
        with transaction.atomic():
            ProblemVote.objects.create(problem=problem, user=by)
    except IntegrityError as exc:
        raise Conflict(_("You have already voted for this problem."), code="already_voted") from exc
    Problem.objects.filter(pk=problem.pk).update(vote_count=F("vote_count") + 1)
    problem.refresh_from_db(fields=["vote_count"])
    return problem


@transaction.atomic
def withdraw_problem_vote(problem: Problem, *, by: Any) -> Problem:
    """Remove the person's vote, if any."""
    permissions.ensure_resident_can(by, permissions.problem_inventory_state(problem.project))
    deleted, _detail = ProblemVote.objects.filter(problem=problem, user=by).delete()
    if deleted:
        Problem.objects.filter(pk=problem.pk).update(vote_count=F("vote_count") - 1)
    problem.refresh_from_db(fields=["vote_count"])
    return problem


@transaction.atomic
def comment_on_problem(problem: Problem, *, body: str, by: Any) -> ProblemComment:
    """A resident comments on a problem while the inventory is open."""
    permissions.ensure_resident_can(by, permissions.problem_inventory_state(problem.project))
    comment = ProblemComment.objects.create(problem=problem, author=by, body=_required(body, _("Comment")))
    Problem.objects.filter(pk=problem.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def promote_problem_to_evidence(problem: Problem, *, by: Any) -> Evidence:
    """Staff record a resident's problem as Find evidence, keeping its vote count as the weight.

    Precondition: Find step. Promoting the same problem twice is refused.
    """
    project = problem.project
    permissions.ensure_can_edit_project(by, project)
    _ensure_step(project, StepChoice.FIND)
    source = f"problem:{problem.pk}"
    if Evidence.objects.filter(project=project, source=source).exists():
        raise Conflict(_("This problem is already recorded as evidence."), code="already_evidence")
    evidence = Evidence.objects.create(
        project=project,
        kind=EvidenceKind.PROBLEM_INVENTORY,
        title=problem.title[:200],
        summary=problem.body,
        source=source,
        request_count=problem.vote_count,
    )
    record_write(actor=by, action="projects.evidence.problem", target=evidence, after=snapshot(evidence))
    return evidence


@transaction.atomic
def hide_problem(problem: Problem, *, by: Any) -> Problem:
    """Staff hide an abusive or off-topic entry from the public inventory."""
    permissions.ensure_can_edit_project(by, problem.project)
    problem.status = ProblemStatus.HIDDEN
    problem.save(update_fields=["status"])
    record_write(actor=by, action="projects.problem.hide", target=problem)
    return problem
