"""Database records for Tactical Data Engagement projects: steps, evidence, use cases, plans,
interventions, outcomes and data champions. Rules about who may change them live in
`permissions.py`; every write goes through the `services/` package."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdata.projects import method


class StepChoice(models.TextChoices):
    FIND = "find", _("Find")
    REFINE = "refine", _("Refine")
    DESIGN = "design", _("Design")
    IMPLEMENT = "implement", _("Implement")


class TacticChoice(models.TextChoices):
    """All twenty tactics; services check that a tactic belongs to the step it is used in."""

    SHARED_PRIORITIES = "shared_priorities", _("Identify shared priorities")
    ANALYZE_REQUESTS = "analyze_requests", _("Analyze data/information requests")
    VALUABLE_PARTNERS = "valuable_partners", _("Identify valuable partners")
    PUBLIC_MEETINGS = "public_meetings", _("Join public meetings")
    MAP_FOCUS_AREAS = "map_focus_areas", _("Map impactful focus areas")
    INTERVIEWS = "interviews", _("Interview stakeholders individually")
    SCOPE_A_THON = "scope_a_thon", _("Host a scope-a-thon")
    DATA_USERS_EXPERTS = "data_users_experts", _("Consult data users and experts")
    CONSULT_PUBLIC = "consult_public", _("Consult the public")
    PARTNER_WORKSHOPS = "partner_workshops", _("Workshop with partners")
    USER_FEEDBACK = "user_feedback", _("Solicit user feedback")
    EXPERT_FOCUS_GROUPS = "expert_focus_groups", _("Hold expert focus groups")
    PUBLIC_PLANNING_WORKSHOPS = "public_planning_workshops", _("Host public planning workshops")
    LOW_TECH_OUTREACH = "low_tech_outreach", _("Do low-tech outreach")
    HELP_GUIDES = "help_guides", _("Create data help guides and resources")
    INTERMEDIARIES = "intermediaries", _("Invite intermediaries to improve data utility")
    CIVIC_HACKERS = "civic_hackers", _("Co-create with civic hackers")
    CROWDSOURCED_QUALITY = "crowdsourced_quality", _("Crowdsource data quality improvement")
    DATA_STORIES = "data_stories", _("Generate data stories")
    DATA_CHALLENGE = "data_challenge", _("Host a data challenge")


IMPLEMENT_TACTIC_CODES = [t.code for t in method.IMPLEMENT_TACTICS]


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")


class Project(models.Model):
    """One pass through Find → Refine → Design → Implement, owned by an organisation."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="tde_projects", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    current_step = models.CharField(
        _("current step"), max_length=20, choices=StepChoice.choices, default=StepChoice.FIND, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE, db_index=True
    )
    iteration = models.PositiveIntegerField(_("iteration"), default=1)
    previous_iteration = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_iterations"
    )
    problems_open = models.BooleanField(_("problem inventory open to residents"), default=True)
    users_reached = models.PositiveIntegerField(_("people reached"), default=0)
    report_summary = models.TextField(_("summary of results"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("engagement project")
        constraints = [
            models.CheckConstraint(condition=models.Q(iteration__gte=1), name="project_iteration_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="project_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"slug": self.slug})

    @property
    def step(self) -> method.Step:
        return method.Step(self.current_step)

    @property
    def is_completed(self) -> bool:
        return self.status == ProjectStatus.COMPLETED


class StepRecord(models.Model):
    """The four components of one step for one project, with when the step was entered and left."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="step_records")
    step = models.CharField(_("step"), max_length=20, choices=StepChoice.choices)
    action = models.TextField(_("action"), blank=True)
    engagement = models.TextField(_("engagement"), blank=True)
    collaborators = models.TextField(_("collaborators"), blank=True)
    result = models.TextField(_("result"), blank=True)
    entered_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "entered_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="steprecord_one_per_step"),
            models.CheckConstraint(
                condition=models.Q(left_at__isnull=True) | models.Q(left_at__gte=models.F("entered_at")),
                name="steprecord_left_after_entered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.step}"


class ExitOverride(models.Model):
    """Staff chose to leave a step although some exit checks failed; the reason is public history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="overrides")
    step = models.CharField(_("step"), max_length=20, choices=StepChoice.choices)
    check_codes = models.JSONField(_("checks overridden"), default=list)
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(condition=~models.Q(reason=""), name="override_has_reason")]

    def __str__(self) -> str:
        return f"{self.step}: {self.reason[:60]}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Project started")
    STEP_ADVANCED = "step_advanced", _("Moved to the next step")
    OVERRIDE = "override", _("Exit check overridden")
    FOCUS_AREA = "focus_area", _("Focus area chosen")
    USE_CASE_SELECTED = "use_case_selected", _("Use case selected")
    PLAN_VERSION = "plan_version", _("Plan revised")
    COMMENTS_OPENED = "comments_opened", _("Public comment period opened")
    FEEDBACK_DISPOSED = "feedback_disposed", _("Feedback answered")
    INTERVENTION = "intervention", _("Intervention added")
    COMPLETED = "completed", _("Project completed")
    ITERATION = "iteration", _("New iteration started")


class ProjectEvent(models.Model):
    """Public history of a project: what happened, when, and in which step."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    step = models.CharField(max_length=20, choices=StepChoice.choices)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="projectevent_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


# ---------------------------------------------------------------- Find


class EvidenceKind(models.TextChoices):
    DEMAND_TOPIC = "demand_topic", _("Demand topic")
    REQUEST_LOG = "request_log", _("Imported request log")
    MEETING_NOTES = "meeting_notes", _("Public meeting notes")
    SHARED_PRIORITY = "shared_priority", _("Shared priority")
    VALUABLE_PARTNER = "valuable_partner", _("Valuable partner")
    ELSEWHERE = "elsewhere", _("Success elsewhere")
    PROBLEM_INVENTORY = "problem_inventory", _("Problem inventory entry")


class PartnershipKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    GRANT = "grant", _("Grant")
    DATA_SHARING = "data_sharing", _("Data-sharing agreement")
    OTHER = "other", _("Other partnership")


class Evidence(models.Model):
    """One sign of community need gathered during Find."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=30, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    request_count = models.PositiveIntegerField(_("number of requests"), null=True, blank=True)
    city_goal = models.CharField(_("city goal"), max_length=300, blank=True)
    community_priority = models.CharField(_("community priority"), max_length=300, blank=True)
    partner_name = models.CharField(_("partner"), max_length=200, blank=True)
    partnership = models.CharField(_("partnership"), max_length=20, choices=PartnershipKind.choices, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class FindAssessment(models.Model):
    """The Find criteria self-assessment: which conditions the city says it has."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="find_assessment")
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Find self-assessment {self.project_id}"


class FocusArea(models.Model):
    """The result of Find: the chosen topic, why, and which evidence supports it."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="focus_area")
    title = models.CharField(_("focus area"), max_length=200)
    rationale = models.TextField(_("why this focus area"))
    tactic = models.CharField(_("Find tactic used"), max_length=40, choices=TacticChoice.choices, blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="focus_areas")
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class ProblemStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by moderators")


class Problem(models.Model):
    """An entry in the public problem inventory; residents post, vote and comment."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(_("problem"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.VISIBLE)
    # Counters are kept by the services so lists never count rows per entry.
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-vote_count", "-created_at", "-id"]
        indexes = [models.Index(fields=["project", "status", "-vote_count"], name="problem_ranked")]

    def __str__(self) -> str:
        return self.title


class ProblemVote(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "user"], name="problemvote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.problem_id}"


class ProblemComment(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


# ---------------------------------------------------------------- activities (all steps)


class ActivityKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    SURVEY = "survey", _("Survey")
    MEETING = "meeting", _("Meeting")
    EVENT = "event", _("Event")
    WORKSHOP = "workshop", _("Workshop")
    FOCUS_GROUP = "focus_group", _("Focus group")
    ONLINE = "online", _("Online")


class Activity(models.Model):
    """Something the team did to carry out a tactic: an interview round, a scope-a-thon, a workshop."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    step = models.CharField(_("step"), max_length=20, choices=StepChoice.choices)
    tactic = models.CharField(_("tactic"), max_length=40, choices=TacticChoice.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    held_on = models.DateField(_("date"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------- Refine


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NONPROFIT = "nonprofit", _("Nonprofit")
    ACADEMIC = "academic", _("Academic")
    BUSINESS = "business", _("Business")
    CIVIC_TECH = "civic_tech", _("Civic tech")
    MEDIA = "media", _("Media")
    LIBRARY = "library", _("Library")
    RESIDENT = "resident", _("Resident")


class StakeholderKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organisation")


class Stakeholder(models.Model):
    """Someone who knows the focus area. Contact details are never public; the name is shown only
    with consent."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=StakeholderKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("role or interest"), blank=True)
    email = models.EmailField(_("e-mail (private)"), blank=True)
    phone = models.CharField(_("phone (private)"), max_length=40, blank=True)
    consent_to_contact = models.BooleanField(_("agreed to be contacted"), default=False)
    consent_to_list = models.BooleanField(_("agreed to be named publicly"), default=False)
    is_data_requester = models.BooleanField(_("has requested data"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # Contact details may only be kept for people who agreed to be contacted.
            models.CheckConstraint(
                condition=models.Q(consent_to_contact=True) | (models.Q(email="") & models.Q(phone="")),
                name="stakeholder_contact_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NoteKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview notes")
    SURVEY = "survey", _("Survey notes")


class StakeholderNote(models.Model):
    """Notes from an interview or survey response; internal to staff."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices)
    stakeholder = models.ForeignKey(Stakeholder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.summary


class UseCase(models.Model):
    """How a kind of user could use data to reach a goal within the focus area."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="use_cases")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    requesters = models.ManyToManyField(Stakeholder, blank=True, related_name="use_cases")
    selected = models.BooleanField(_("selected for design"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(selected=True), name="usecase_one_selected_per_project"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Persona(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(_("persona"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class UserStory(models.Model):
    """'As a … I want … so that …'."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="stories")
    persona = models.ForeignKey(Persona, null=True, blank=True, on_delete=models.SET_NULL, related_name="stories")
    as_a = models.CharField(_("as a"), max_length=200)
    i_want = models.CharField(_("I want"), max_length=300)
    so_that = models.CharField(_("so that"), max_length=300)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("user stories")

    def __str__(self) -> str:
        return f"As {self.as_a}, I want {self.i_want} so that {self.so_that}"


class DataNeed(models.Model):
    """Data a use case depends on: a catalog dataset, or data not released yet (tracked as a request
    in the demand queue)."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="data_needs")
    description = models.CharField(_("data needed"), max_length=300)
    # Empty when the data is not released yet; the need then links to a request in the demand queue.
    dataset = models.ForeignKey(
        "catalog.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="tde_needs"
    )
    demand_request = models.ForeignKey(
        "demand.DataRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="tde_needs"
    )
    demand_request_url = models.CharField(_("link to the data request"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description

    @property
    def request_url(self) -> str:
        """Where to follow unreleased data: the linked demand request, or the link staff gave."""
        if self.demand_request_id:
            return reverse("demand:detail", args=[self.demand_request_id])
        return self.demand_request_url


class RefineWorksheet(models.Model):
    """The Refine self-assessment worksheet answers and the tactics chosen for the pitch."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="worksheet")
    answers = models.JSONField(default=dict)
    tactic_codes = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Refine worksheet {self.project_id}"


# ---------------------------------------------------------------- Design


class PlanSection(models.TextChoices):
    GOAL = "goal", _("Goal")
    ACTIVITIES = "activities", _("Activities")
    ROLES = "roles", _("Roles")
    TIMELINE = "timeline", _("Timeline")
    STEWARDSHIP = "stewardship", _("Who houses and sustains it")
    CONSTRAINTS = "constraints", _("Adoption constraints")


class InterventionPlan(models.Model):
    """The Design result: a plan for one intervention, with its public comment period."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="plan")
    use_case = models.ForeignKey(UseCase, on_delete=models.PROTECT, related_name="plans")
    goal = models.TextField(_("goal"), blank=True)
    activities = models.TextField(_("activities"), blank=True)
    roles = models.TextField(_("roles"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    housed_by = models.CharField(_("who houses it"), max_length=300, blank=True)
    sustained_by = models.CharField(_("who sustains it"), max_length=300, blank=True)
    constraints = models.JSONField(_("adoption constraints"), default=dict)
    version = models.PositiveIntegerField(default=0)
    comments_open_at = models.DateTimeField(null=True, blank=True)
    comments_close_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comments_open_at__isnull=True)
                | models.Q(comments_close_at__gt=models.F("comments_open_at")),
                name="plan_comment_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Plan for {self.project}"

    def comment_period_state(self, now: object = None) -> str:
        """'none', 'upcoming', 'open' or 'closed'."""
        now = now or timezone.now()
        if not self.comments_open_at:
            return "none"
        if now < self.comments_open_at:
            return "upcoming"
        if now < self.comments_close_at:
            return "open"
        return "closed"


class PlanVersion(models.Model):
    """A frozen copy of the plan's sections, so changes can be shown as differences."""

    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")]

    def __str__(self) -> str:
        return f"v{self.number}"


class FeedbackSource(models.TextChoices):
    PUBLIC_COMMENT = "public_comment", _("Public comment")
    FOCUS_GROUP = "focus_group", _("Expert focus group")
    WORKSHOP = "workshop", _("Public planning workshop")


class Disposition(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    INCORPORATED = "incorporated", _("Incorporated")
    NOT_INCORPORATED = "not_incorporated", _("Not incorporated")


class PlanComment(models.Model):
    """Feedback on the plan (whole plan when `section` is blank); answered with a disposition."""

    plan = models.ForeignKey(InterventionPlan, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=20, choices=PlanSection.choices, blank=True)
    source = models.CharField(max_length=20, choices=FeedbackSource.choices, default=FeedbackSource.PUBLIC_COMMENT)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("comment"))
    plan_version = models.PositiveIntegerField(default=0)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.PENDING)
    disposition_reason = models.TextField(_("reason"), blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["plan", "disposition"], name="plancomment_disposition")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disposition="pending") | ~models.Q(disposition_reason=""),
                name="plancomment_disposition_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


# ---------------------------------------------------------------- Implement


class Intervention(models.Model):
    """What was actually delivered, typed by one of the seven Implement tactics."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="interventions")
    tactic = models.CharField(_("tactic"), max_length=40, choices=TacticChoice.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    data_url = models.URLField(_("link to the data"), blank=True)
    datasets = models.ManyToManyField("catalog.Dataset", blank=True, related_name="tde_interventions")
    activities = models.ManyToManyField(Activity, blank=True, related_name="interventions")
    users_reached = models.PositiveIntegerField(_("people reached"), default=0)
    feedback_open = models.BooleanField(_("feedback channel open"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tactic__in=IMPLEMENT_TACTIC_CODES), name="intervention_tactic")
        ]

    def __str__(self) -> str:
        return self.title


class ArtefactKind(models.TextChoices):
    POSTER = "poster", _("Poster or flyer")
    GUIDE = "guide", _("Guide")
    CODE = "code", _("Code repository")
    STORY = "story", _("Data story")
    DATASET = "dataset", _("Dataset")
    OTHER = "other", _("Other")


class Artefact(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="artefacts")
    kind = models.CharField(_("kind"), max_length=20, choices=ArtefactKind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)

    def __str__(self) -> str:
        return self.title


class InterventionFeedback(models.Model):
    """The open feedback channel of an intervention."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("feedback"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class OutcomeMetric(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("metric"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def met(self) -> bool | None:
        """Whether the actual value reached the target, in the direction baseline → target."""
        if self.actual is None:
            return None
        if self.target >= self.baseline:
            return self.actual >= self.target
        return self.actual <= self.target


# ---------------------------------------------------------------- data champions


class ChampionLevel(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    INTERNAL = "internal", _("Internal (department)")
    EXTERNAL = "external", _("External (community-facing)")


class Channel(models.TextChoices):
    NEWSLETTER = "newsletter", _("Newsletter")
    SOCIAL = "social", _("Social media")
    CODE = "code", _("Code hosting")
    CHAT = "chat", _("Chat")
    IN_PERSON = "in_person", _("In person")


class Champion(models.Model):
    """A named person who promotes data use; listed publicly only when they opt in."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="champions")
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ChampionLevel.choices)
    channels = models.JSONField(_("channels"), default=list)
    public_contact = models.CharField(_("public contact"), max_length=300, blank=True)
    listed_publicly = models.BooleanField(_("show in the public directory"), default=False)
    projects = models.ManyToManyField(Project, blank=True, related_name="champions")

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name
