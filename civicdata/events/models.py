"""Community events (data jams, datapaloozas, hackathons, data days, data walks, scope-a-thons, trainings,
user group meetings, office hours): the event itself, the series it belongs to and who registered."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventType(models.TextChoices):
    DATA_JAM = "data_jam", _("Data jam")
    DATAPALOOZA = "datapalooza", _("Datapalooza")
    HACKATHON = "hackathon", _("Hackathon")
    DATA_DAY = "data_day", _("Data day")
    DATA_WALK = "data_walk", _("Data walk")
    SCOPE_A_THON = "scope_a_thon", _("Scope-a-thon")
    TRAINING = "training", _("Training or workshop")
    USER_GROUP = "user_group", _("User group meeting")
    OFFICE_HOURS = "office_hours", _("Office hours")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Being planned")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")
    COMPLETED = "completed", _("Took place")


class EventSeries(models.Model):
    """Events that belong together: a recurring training, a user group's meetings, a data jam series
    leading to a datapalooza."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="event_series",
        verbose_name=_("organisation"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """One event, planned by an organisation (with community partners), with a stated purpose.

    `uid` and `sequence` make its calendar entry stable: the UID never changes and every material
    change (time, place, status, title) raises `sequence`.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="events", verbose_name=_("organisation")
    )
    partners = models.ManyToManyField(
        "accounts.Organization", blank=True, related_name="partner_events", verbose_name=_("partners")
    )
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
        verbose_name=_("series"),
    )  # fmt: skip
    event_type = models.CharField(_("type of event"), max_length=20, choices=EventType.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    purpose = models.TextField(_("purpose"), help_text=_("Why this event is held, in one or two sentences."))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    venue_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True, help_text=_("Leave empty for no limit."))
    registration_open = models.BooleanField(_("registration open"), default=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Offered a freed seat")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    """One person's place at an event (or on its waiting list). Walk-ins are registrations made at the
    door. Personal data here is seen only by the event's organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="event_registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED,
        db_index=True,
    )  # fmt: skip
    walk_in = models.BooleanField(_("walk-in"), default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Registration, attendance and feedback (e):
    language = models.CharField(_("language for e-mails"), max_length=10, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    code_of_conduct_accepted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    cancel_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=models.Q(user__isnull=False), name="registration_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=~models.Q(email=""), name="registration_one_per_email"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.name} — {self.event}"


# --- planning, goals and follow-up (d) ---


class EventPlan(models.Model):
    """The organisers' side of an event: the capability check, the run of show, the support contact, the
    tracking sheet's single figures, the internal lessons and the public report's text. Created with the
    event; the parts marked internal never reach a public page or the API."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="plan")
    topic = models.CharField(_("topic"), max_length=120, blank=True, db_index=True)
    mission_goal = models.TextField(
        _("mission goal"), blank=True, help_text=_("The part of the organisation's mission this event serves.")
    )
    run_of_show = models.TextField(_("run of show"), blank=True)
    # Capability check
    location_notes = models.TextField(_("place, capacity and access"), blank=True)
    partner_notes = models.TextField(_("what partners contribute"), blank=True)
    leadership_support = models.TextField(_("leadership support"), blank=True)
    champion = models.CharField(_("champion"), max_length=200, blank=True)
    legal_questions = models.TextField(_("legal and procurement questions"), blank=True)
    logistics = models.TextField(_("logistics"), blank=True)
    # Support contact
    support_email = models.EmailField(_("support e-mail address"), blank=True)
    support_monitors = models.CharField(_("people who answer it"), max_length=300, blank=True)
    # Tracking sheet (single figures; participants by region and sector are TrackingCount rows)
    online_participants = models.PositiveIntegerField(_("online participants"), null=True, blank=True)
    media_mentions = models.PositiveIntegerField(_("media mentions"), null=True, blank=True)
    social_media = models.TextField(_("social media figures"), blank=True)
    unplanned_blog_posts = models.PositiveIntegerField(_("blog posts beyond those planned"), null=True, blank=True)
    # After the event
    lessons_learned = models.TextField(_("lessons learned (internal)"), blank=True)
    report_summary = models.TextField(_("what was made"), blank=True)
    report_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("event plan")

    def __str__(self) -> str:
        return f"Plan of {self.event}"


class PartnerContribution(models.Model):
    """A partner organisation of an event and what it brings (space, money, staff, outreach…)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="contributions")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    contribution = models.CharField(_("contribution"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "organization"], name="partnercontribution_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.contribution}"


class EventRole(models.Model):
    """A line of effort (press, logistics, A/V…) with a primary person and a backup."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("role"), max_length=120)
    primary = models.CharField(_("primary person"), max_length=200, blank=True)
    backup = models.CharField(_("backup person"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class PlanningTask(models.Model):
    """One line of the "tick tock": a task with an owner and a due date counted back from the event date
    (`days_before`); moving the event moves the due dates of tasks not yet done."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    days_before = models.IntegerField(_("days before the event"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: object | None = None) -> bool:
        today = today or timezone.localdate()
        return self.done_at is None and self.due_on is not None and self.due_on < today


class GoalMetric(models.TextChoices):
    REGISTRATIONS = "registrations", _("Registrations")
    ATTENDANCE = "attendance", _("Attendance")
    FIRST_TIME = "first_time", _("First-time participants")
    DATASETS_USED = "datasets_used", _("Datasets used")
    PROJECTS_STARTED = "projects_started", _("Projects started")
    COMMITMENTS = "commitments", _("Commitments made")
    REQUESTS_FILED = "requests_filed", _("Data requests filed")
    QUALITY_REPORTS = "quality_reports", _("Data quality reports filed")
    MEDIA_MENTIONS = "media_mentions", _("Media mentions")
    ONLINE_PARTICIPANTS = "online_participants", _("Online participants")
    OTHER = "other", _("Other (describe it)")


class EventGoal(models.Model):
    """A measurable target set before the event and the mission goal it serves. The actual is computed
    where civicdata holds the records (see `services.goal_actuals`), else entered by the organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="goals")
    metric = models.CharField(_("measure"), max_length=30, choices=GoalMetric.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)
    target = models.PositiveIntegerField(_("target"), null=True, blank=True)
    mission_goal = models.CharField(_("mission goal it serves"), max_length=300, blank=True)
    entered_actual = models.PositiveIntegerField(_("actual (entered)"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "metric"], condition=~models.Q(metric="other"), name="eventgoal_one_per_metric"
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.get_metric_display()


class TrackingDimension(models.TextChoices):
    REGION = "region", _("Region")
    SECTOR = "sector", _("Sector")


class TrackingCount(models.Model):
    """One line of the post-event tracking sheet: how many participants came from a region or a sector."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracking_counts")
    dimension = models.CharField(max_length=10, choices=TrackingDimension.choices)
    label = models.CharField(_("name"), max_length=120)
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        ordering = ["dimension", "label"]
        constraints = [
            models.UniqueConstraint(fields=["event", "dimension", "label"], name="trackingcount_once"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.count}"


class Commitment(models.Model):
    """A next step promised at or after the event, followed with reminders until it is done."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField(_("commitment"), max_length=300)
    owner = models.CharField(_("who"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("person reminded"),
    )  # fmt: skip
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="commitment_open_due")]

    def __str__(self) -> str:
        return self.description


class OutcomeKind(models.TextChoices):
    DATA_REQUEST = "data_request", _("Data request")
    PROBLEM = "problem", _("Problem inventory entry")
    USE_CASE = "use_case", _("Use case")
    PROJECT = "project", _("Engagement project")
    DATASET = "dataset", _("Dataset")
    ACTIVITY = "activity", _("Project activity carried out at this event")


class EventOutcome(models.Model):
    """Provenance: a record born at this event (a data request, a problem, a use case, a project, a dataset)
    or a project activity the event carried out. Exactly one target is set."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    data_request = models.ForeignKey(
        "demand.DataRequest", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    problem = models.ForeignKey("projects.Problem", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    use_case = models.ForeignKey("projects.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey("catalog.Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey("projects.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="data_request", data_request__isnull=False)
                    | models.Q(kind="problem", problem__isnull=False)
                    | models.Q(kind="use_case", use_case__isnull=False)
                    | models.Q(kind="project", project__isnull=False)
                    | models.Q(kind="dataset", dataset__isnull=False)
                    | models.Q(kind="activity", activity__isnull=False)
                ),
                name="eventoutcome_target_matches_kind",
            ),
            *(
                models.UniqueConstraint(
                    fields=["event", name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"eventoutcome_{name}",
                )
                for name in ("data_request", "problem", "use_case", "project", "dataset", "activity")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self) -> models.Model:
        return getattr(self, self.kind)

    @property
    def url(self) -> str:
        """The page that shows the record (a project's page for its problems, use cases and activities)."""
        target = self.target
        if self.kind in (OutcomeKind.PROBLEM, OutcomeKind.USE_CASE, OutcomeKind.ACTIVITY):
            return target.project.get_absolute_url()
        return target.get_absolute_url()


# --- registration, attendance and feedback (e) ---


class CancelReason(models.TextChoices):
    BY_PERSON = "by_person", _("Cancelled by the person")
    DECLINED = "declined", _("Declined the offered seat")
    OFFER_EXPIRED = "offer_expired", _("Did not answer the offer in time")


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    STUDENT = "student", _("Student")
    TECHNOLOGIST = "technologist", _("Developer or data analyst")
    RESEARCHER = "researcher", _("Researcher")
    JOURNALIST = "journalist", _("Journalist")
    GOVERNMENT = "government", _("Government staff")
    ADVOCATE = "advocate", _("Community organiser or advocate")
    OTHER = "other", _("Something else")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Government")
    NONPROFIT = "nonprofit", _("Non-profit or community group")
    PRIVATE = "private", _("Business")
    ACADEMIC = "academic", _("School or university")
    NONE = "none", _("None of these")


class Demographics(models.Model):
    """Optional answers about who comes, given with explicit consent and kept apart from the registration.

    Organisers see them only as counts, and a group of fewer than five people is never shown."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="demographics")
    consented_at = models.DateTimeField()
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=120, blank=True)
    first_time = models.BooleanField(_("first civicdata event"), null=True, blank=True)

    class Meta:
        verbose_name = _("demographic answers")
        verbose_name_plural = _("demographic answers")

    def __str__(self) -> str:
        return f"demographics #{self.registration_id}"


class AgendaTopic(models.Model):
    """A topic or challenge idea proposed by a registrant before the event; organisers mark the chosen ones."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_topics")
    proposed_by = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    chosen = models.BooleanField(_("chosen for the agenda"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-chosen", "-vote_count", "created_at", "id"]
        verbose_name = _("agenda topic")

    def __str__(self) -> str:
        return self.title


class TopicVote(models.Model):
    """One registration's vote for one topic: the unique constraint makes a second vote impossible."""

    topic = models.ForeignKey(AgendaTopic, on_delete=models.CASCADE, related_name="votes")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="topic_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "registration"], name="topic_vote_once")]

    def __str__(self) -> str:
        return f"vote #{self.registration_id} → {self.topic_id}"


class QuestionKind(models.TextChoices):
    RATING = "rating", _("A rating from 1 to 5")
    CHOICE = "choice", _("One choice from a list")
    TEXT = "text", _("A short written answer")


class SurveyQuestion(models.Model):
    """One question of an event's short pre-event survey, written by its organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_questions")
    prompt = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=QuestionKind.choices)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice a line (only for a list)."))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("survey question")

    def __str__(self) -> str:
        return self.prompt

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class SurveyResponse(models.Model):
    """One registration's answers to the pre-event survey (`answers` maps question id to answer)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="survey_responses")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="survey_responses")
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "registration"], name="survey_once_per_registration")]

    def __str__(self) -> str:
        return f"survey #{self.registration_id}"


class FeedbackSource(models.TextChoices):
    ONLINE = "online", _("Online form")
    PAPER = "paper", _("Paper card, typed in by staff")


class Feedback(models.Model):
    """What one participant thought of the event, given online or on a paper card that staff typed in."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    source = models.CharField(_("source"), max_length=10, choices=FeedbackSource.choices, default=FeedbackSource.ONLINE)
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    useful = models.TextField(_("what was most useful"), blank=True)
    improve = models.TextField(_("what to do better"), blank=True)
    come_again = models.BooleanField(_("would come again"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "registration"], condition=models.Q(registration__isnull=False),
                name="feedback_once_per_registration",
            ),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"feedback {self.rating}/5 — {self.event}"
