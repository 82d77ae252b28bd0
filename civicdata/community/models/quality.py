"""Data-quality reports: a resident tells a dataset's steward what is wrong, and the steward answers
within a deadline (received → confirmed → fixed, won't fix or duplicate)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportCategory(models.TextChoices):
    BROKEN_LINK = "broken_link", _("Broken link")
    OUT_OF_DATE = "out_of_date", _("Out of date")
    WRONG_VALUES = "wrong_values", _("Wrong values")
    MISSING_VALUES = "missing_values", _("Missing values")
    FORMAT = "format", _("Format or schema")
    PRIVACY = "privacy", _("Privacy concern")
    OTHER = "other", pgettext_lazy("quality report category", "Other")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONFIRMED = "confirmed", pgettext_lazy("quality report status", "Confirmed")
    FIXED = "fixed", _("Fixed")
    WONT_FIX = "wont_fix", _("Won't fix")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_REPORT_STATUSES = (ReportStatus.RECEIVED, ReportStatus.CONFIRMED)


class QualityReport(models.Model):
    """One problem found in a dataset; `column` and `row` anchor it inside a Data API table.

    The reporter is kept for notices and throttling only: nothing about them is ever shown publicly.
    """

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="quality_reports")
    distribution = models.ForeignKey(
        "catalog.Distribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="quality_reports"
    )
    table = models.ForeignKey(
        "datastore.DataTable", null=True, blank=True, on_delete=models.SET_NULL, related_name="quality_reports"
    )
    column = models.CharField(_("column"), max_length=200, blank=True, default="")
    row = models.CharField(_("row"), max_length=300, blank=True, default="")
    category = models.CharField(_("kind of problem"), max_length=20, choices=ReportCategory.choices)
    description = models.TextField(_("what is wrong"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="quality_reports"
    )
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    resolution = models.TextField(_("answer"), blank=True, default="")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    due_at = models.DateTimeField(_("answer due"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    table_withdrawn_at = models.DateTimeField(null=True, blank=True)
    follower_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data-quality report")
        indexes = [models.Index(fields=["dataset", "status"], name="quality_report_dataset_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="wont_fix", resolution=""), name="quality_report_wont_fix_has_reason"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="duplicate", duplicate_of__isnull=True),
                name="quality_report_duplicate_has_original",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("community:quality_report", kwargs={"name": self.dataset.name, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REPORT_STATUSES

    def is_overdue(self, now: object = None) -> bool:
        """Still open after its answer was due."""
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def days_to_fix(self) -> float | None:
        if self.status != ReportStatus.FIXED or self.closed_at is None:
            return None
        return round((self.closed_at - self.created_at).total_seconds() / 86400, 1)


class QualityReportFollow(models.Model):
    report = models.ForeignKey(QualityReport, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="quality_report_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows report {self.report_id}"


class QualityReportChange(models.Model):
    """One step of a report's life, shown publicly without who took it (staff stay in the audit log)."""

    report = models.ForeignKey(QualityReport, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    note = models.TextField(blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"
