"""Data requests, votes, follows, comments, moderation, notifications and every demand signal.

A DataRequest follows the triage workflow new → under review → planned → published/declined;
DemandItem is the single table that analytics reads: requests, imported log rows, zero-result
searches and dataset usage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from civicdata.accounts.models import Affiliation


class RequestStatus(models.TextChoices):
    # A context where another app uses the same English word for a noun of another gender or number.
    NEW = "new", pgettext_lazy("request status", "New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    PUBLISHED = "published", pgettext_lazy("request status", "Published")
    DECLINED = "declined", _("Declined")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.UNDER_REVIEW, RequestStatus.PLANNED)
CLOSED_STATUSES = (RequestStatus.PUBLISHED, RequestStatus.DECLINED)


class DeclineReason(models.TextChoices):
    NOT_HELD = "not_held", _("We do not hold this data")
    CANNOT_RELEASE_PRIVACY = "cannot_release_privacy", _("Cannot be released: privacy")
    CANNOT_RELEASE_SECURITY = "cannot_release_security", _("Cannot be released: security")
    CANNOT_RELEASE_LEGAL = "cannot_release_legal", _("Cannot be released: legal restriction")
    ALREADY_AVAILABLE = "already_available", _("Already available")
    DUPLICATE = "duplicate", _("Duplicate of another request")
    OTHER = "other", _("Other reason")


class DataRequest(models.Model):
    """A request for data made by a person, tracked until it is published or declined."""

    title = models.CharField(_("what data do you need?"), max_length=200)
    description = models.TextField(_("details"))
    intended_use = models.TextField(_("how will you use it?"), blank=True)
    requester_type = models.CharField(_("you are asking as"), max_length=30, choices=Affiliation.choices, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    publisher = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
        verbose_name=_("department"),
    )
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=30, choices=DeclineReason.choices, blank=True)
    decline_note = models.TextField(_("explanation"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    available_url = models.URLField(_("where it is available"), blank=True)
    fulfilling_datasets = models.ManyToManyField(
        "catalog.Dataset", blank=True, related_name="fulfilled_requests", verbose_name=_("datasets")
    )
    # Assignment: the publisher responsible and the staff member who owns the follow-up.
    assigned_publisher = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_requests"
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    # Counters kept in the same transaction as the rows they count, so lists need no joins.
    vote_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    report_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        permissions = [("moderate_demand", "Can moderate data requests and comments")]
        indexes = [
            models.Index(fields=["status", "-vote_count"], name="demand_req_status_votes"),
            models.Index(fields=["-vote_count", "-created_at"], name="demand_req_votes"),
            models.Index(fields=["-created_at"], name="demand_req_created"),
            models.Index(fields=["-updated_at"], name="demand_req_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.PLANNED) | Q(target_date__isnull=False),
                name="demand_planned_needs_target_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.DECLINED) | ~Q(decline_reason=""),
                name="demand_declined_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.DECLINED) | Q(decline_reason=""),
                name="demand_reason_only_when_declined",
            ),
            models.CheckConstraint(
                condition=~Q(decline_reason=DeclineReason.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="demand_duplicate_needs_link",
            ),
            models.CheckConstraint(
                condition=~Q(decline_reason=DeclineReason.ALREADY_AVAILABLE) | ~Q(available_url=""),
                name="demand_available_needs_link",
            ),
            models.CheckConstraint(
                condition=~Q(decline_reason=DeclineReason.OTHER) | ~Q(decline_note=""),
                name="demand_other_needs_text",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("pk")), name="demand_not_own_duplicate"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demand:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Vote(models.Model):
    """One person's vote for a request; the unique constraint makes double votes impossible."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "voter"], name="demand_one_vote_per_person")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.request_id}"


class Follow(models.Model):
    """A person who wants to hear about a request's progress."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="demand_one_follow_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.request_id}"


class Comment(models.Model):
    """A public comment on a request (Markdown, sanitised when rendered)."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="demand_comments"
    )
    body = models.TextField(_("comment"), max_length=5000)
    is_staff_response = models.BooleanField(default=False)
    report_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    OFFENSIVE = "offensive", _("Offensive")
    PERSONAL_DATA = "personal_data", _("Contains personal data")


class ReportOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    KEPT = "kept", _("Kept visible")
    REMOVED = "removed", _("Hidden")


class Report(models.Model):
    """A person flagging a request or a comment; one report per person per item."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_reports")
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    note = models.CharField(_("anything to add?"), max_length=500, blank=True)
    outcome = models.CharField(max_length=10, choices=ReportOutcome.choices, default=ReportOutcome.PENDING)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, comment__isnull=True)
                | Q(request__isnull=True, comment__isnull=False),
                name="demand_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "request"], condition=Q(comment__isnull=True), name="demand_one_report_per_request"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(comment__isnull=False), name="demand_one_report_per_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.outcome})"


class StatusChange(models.Model):
    """The public history of a request's status, with the message shown to followers."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class InternalNote(models.Model):
    """A staff-only note on a request; never shown publicly or in the API."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DAILY = "daily", _("Once a day (digest)")
    NONE = "none", _("Never (only on this site)")


class NotificationPreference(models.Model):
    """How a person wants to hear about requests they are part of."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_preference")
    email_mode = models.CharField(_("e-mail me"), max_length=10, choices=EmailMode.choices, default=EmailMode.DAILY)

    def __str__(self) -> str:
        return self.email_mode


class Notification(models.Model):
    """An in-app notice; `emailed_at` is set once it went out by e-mail (alone or in a digest)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_notifications"
    )
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="notifications")
    message = models.TextField()
    links = models.JSONField(default=list, blank=True)  # [{"title": ..., "url": ...}] e.g. published datasets
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="demand_notif_unread")]

    def __str__(self) -> str:
        return self.message[:60]


class LogKindChoice(models.TextChoices):
    FOIA = "foia", _("Public records (FOIA) log")
    SERVICE_311 = "311", _("311 service requests")
    SEARCH = "search", _("Portal search log")


class LogImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    IMPORTED = "imported", pgettext_lazy("log import status", "Imported")
    CANCELLED = "cancelled", _("Cancelled")


class LogImport(models.Model):
    """One uploaded log: the file waits here between preview and confirmation, then is dropped."""

    kind = models.CharField(_("kind of log"), max_length=10, choices=LogKindChoice.choices)
    source = models.CharField(_("source"), max_length=300, help_text=_("Where the log comes from."))
    filename = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField(null=True, blank=True)
    mapping = models.JSONField(default=dict)  # {"column index": "role"}
    encoding = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=LogImportStatus.choices, default=LogImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    duplicate_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    problem_counts = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class DemandKind(models.TextChoices):
    REQUEST = "request", _("Data request")
    VOTE = "vote", _("Vote")
    LOG_ROW = "log_row", _("Imported log row")
    SEARCH = "search", _("Search with no results")
    VIEW = "view", _("Dataset view")
    DOWNLOAD = "download", _("Dataset download")


class DemandItem(models.Model):
    """One demand signal. Searches and usage are counted per day in `weight` to stay small."""

    kind = models.CharField(max_length=10, choices=DemandKind.choices)
    text = models.TextField(blank=True)
    occurred_on = models.DateField(db_index=True)
    weight = models.PositiveIntegerField(default=1)
    request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    dataset = models.ForeignKey("catalog.Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    log_import = models.ForeignKey(LogImport, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=300, blank=True)  # the log's source, kept on every row
    source_line = models.PositiveIntegerField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, null=True, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    requester_type = models.CharField(max_length=30, blank=True)
    department = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=100, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"], condition=Q(fingerprint__isnull=False), name="demand_item_fingerprint_unique"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="demand_item_weight_positive"),
        ]
        indexes = [models.Index(fields=["kind", "occurred_on"], name="demand_item_kind_day")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"


class TopicSnapshot(models.Model):
    """One run of the topic clustering over all demand, kept so results stay stable between runs."""

    computed_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField(default=0)
    k = models.PositiveIntegerField(default=0)
    vocabulary_size = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"topics of {self.computed_at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """A topic of a snapshot with what explains it and what it is made of."""

    snapshot = models.ForeignKey(TopicSnapshot, on_delete=models.CASCADE, related_name="topics")
    index = models.PositiveIntegerField()
    label = models.CharField(max_length=200)
    top_terms = models.JSONField(default=list)
    examples = models.JSONField(default=list)
    volume = models.PositiveIntegerField(default=0)
    by_kind = models.JSONField(default=dict)
    by_month = models.JSONField(default=dict)  # {"2020-01": weight}
    requester_types = models.JSONField(default=dict)
    departments = models.JSONField(default=dict)
    matching_datasets = models.JSONField(default=list)  # [{"id", "title", "url", "score", "terms", "decision"…}]
    rejected_datasets = models.JSONField(default=list)  # suggestions staff rejected, same shape
    is_unmet = models.BooleanField(default=False)

    class Meta:
        ordering = ["snapshot", "index"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "index"], name="demand_topic_index_unique")]

    def __str__(self) -> str:
        return self.label


class PriorityWeights(models.Model):
    """The weights staff chose for the release queue (one row: the current weights)."""

    demand = models.FloatField(_("demand"), default=35)
    mission = models.FloatField(_("mission alignment"), default=25)
    effort = models.FloatField(_("effort (less is better)"), default=20)
    privacy = models.FloatField(_("privacy risk (less is better)"), default=10)
    security = models.FloatField(_("security risk (less is better)"), default=10)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(demand__gte=0, mission__gte=0, effort__gte=0, privacy__gte=0, security__gte=0),
                name="demand_weights_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"weights of {self.updated_at:%Y-%m-%d}"


class Level(models.IntegerChoices):
    NONE = 0, _("None")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class PriorityRating(models.Model):
    """Staff ratings of a release candidate: a non-public inventory dataset or a planned request."""

    dataset = models.OneToOneField(
        "catalog.Dataset", null=True, blank=True, on_delete=models.CASCADE, related_name="demand_rating"
    )
    request = models.OneToOneField(DataRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="rating")
    mission = models.PositiveSmallIntegerField(_("mission alignment"), choices=Level.choices, default=Level.LOW)
    effort = models.PositiveSmallIntegerField(_("effort"), choices=Level.choices, default=Level.LOW)
    privacy_risk = models.PositiveSmallIntegerField(_("privacy risk"), choices=Level.choices, default=Level.NONE)
    security_risk = models.PositiveSmallIntegerField(_("security risk"), choices=Level.choices, default=Level.NONE)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dataset__isnull=False, request__isnull=True)
                | Q(dataset__isnull=True, request__isnull=False),
                name="demand_rating_one_target",
            ),
            models.CheckConstraint(
                condition=Q(mission__lte=3, effort__lte=3, privacy_risk__lte=3, security_risk__lte=3),
                name="demand_rating_levels",
            ),
        ]

    def __str__(self) -> str:
        return f"rating {self.pk}"


class MatchVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class MatchDecision(models.Model):
    """A staff decision that a dataset does (or does not) answer a demand topic.

    Topics are recomputed from scratch, so the topic is named by its term signature (its top terms,
    normalised and sorted, `matching.signature`); a later topic whose signature overlaps enough
    (`matching.INHERIT_JACCARD`) inherits the decision."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="demand_match_decisions")
    signature = models.CharField(max_length=500)
    topic_label = models.CharField(max_length=200, blank=True)
    verdict = models.CharField(_("decision"), max_length=10, choices=MatchVerdict.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "signature"], name="demand_match_decision_unique"),
            models.CheckConstraint(condition=Q(verdict__in=["confirmed", "rejected"]), name="demand_match_verdict"),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} {self.dataset_id} for {self.topic_label}"

    @property
    def terms(self) -> list[str]:
        return [term for term in self.signature.split("|") if term]
