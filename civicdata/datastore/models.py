"""Records of the Data API: which DuckDB table serves which distribution, ingest jobs, PII findings and
decisions, and saved charts. The rows themselves live in DuckDB files under DATA_DIR/datastore/."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TableStatus(models.TextChoices):
    EMPTY = "empty", _("Not loaded yet")
    READY = "ready", _("Loaded, not public")
    PUBLISHED = "published", pgettext_lazy("table status", "Published")


class DataTable(models.Model):
    """One queryable table made from a tabular distribution. `version` names the DuckDB file that is
    current; changing it (with schema and counts, in one transaction) is the atomic swap."""

    distribution = models.ForeignKey(
        "catalog.Distribution", on_delete=models.CASCADE, related_name="datatables", verbose_name=_("distribution")
    )
    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="datatables", verbose_name=_("dataset")
    )
    name = models.SlugField(_("table name"), max_length=63, help_text=_("Used in the API address."))
    relation = models.SlugField(max_length=63, unique=True, help_text="DuckDB folder and SQL name.")
    title = models.CharField(_("title"), max_length=300, blank=True, default="")
    version = models.PositiveIntegerField(default=0)
    row_count = models.BigIntegerField(default=0)
    schema = models.JSONField(default=dict, blank=True)
    quality = models.JSONField(default=dict, blank=True)
    ingest_info = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=TableStatus.choices, default=TableStatus.EMPTY)
    loaded_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dataset", "name"]
        verbose_name = _("data table")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="datatable_name_unique_in_dataset"),
            models.CheckConstraint(condition=models.Q(row_count__gte=0), name="datatable_row_count_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="published", version=0), name="datatable_published_is_loaded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset.name}/{self.name}"

    def get_absolute_url(self) -> str:
        return reverse("datastore:table", kwargs={"dataset": self.dataset.name, "table": self.name})

    @property
    def api_path(self) -> str:
        return f"/api/data/{self.dataset.name}/{self.name}"

    @property
    def display_title(self) -> str:
        return self.title or self.distribution.title or self.name

    @property
    def is_loaded(self) -> bool:
        return self.version > 0


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Loading")
    SUCCEEDED = "succeeded", _("Loaded")
    FAILED = "failed", _("Failed")


class SourceKind(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    URL = "url", _("Web address")
    PATH = "path", _("Server file")


class IngestJob(models.Model):
    """One load of a file into a table, with its progress and, when it fails, the reason."""

    table = models.ForeignKey(DataTable, on_delete=models.CASCADE, related_name="jobs")
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices)
    source = models.TextField(help_text="URL, uploaded file name or server path.")
    stored_file = models.TextField(blank=True, default="", help_text="Where an upload waits for the worker.")
    declared_format = models.CharField(max_length=10, blank=True, default="")
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=30, blank=True, default="")
    progress = models.FloatField(default=0.0)
    error = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: written every WORKER_HEARTBEAT_SECONDS while the job runs; a stale one means its worker died
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True, default="")
    #: 1 for the first try; a job re-queued after its worker died is a new job with the next number
    attempt = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0), name="ingestjob_progress_fraction"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table} ← {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("datastore:job", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class PiiKind(models.TextChoices):
    SSN = "ssn", _("Social Security number")
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    STREET_ADDRESS = "street_address", _("Street address")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    PERSON_NAME = "person_name", _("Person's name")


class PiiFinding(models.Model):
    """A column the scan flagged as possibly personal, with masked sample cells."""

    table = models.ForeignKey(DataTable, on_delete=models.CASCADE, related_name="pii_findings")
    column = models.CharField(max_length=63)
    kind = models.CharField(max_length=20, choices=PiiKind.choices)
    share = models.FloatField(default=0.0)
    by_header = models.BooleanField(default=False)
    samples = models.JSONField(default=list, blank=True)
    # Rows holding the kind out of the non-empty rows read (the whole column when the scan could read it).
    rows_matched = models.PositiveIntegerField(null=True, blank=True)
    rows_scanned = models.PositiveIntegerField(null=True, blank=True)
    free_text = models.BooleanField(default=False)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["table", "column", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["table", "column", "kind"], name="piifinding_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.kind}"

    @property
    def share_percent(self) -> float:
        """The share as a percentage with one decimal kept where it matters (0.1 % of a large table)."""
        return round(self.share * 100, 1 if self.share >= 0.001 else 2)


class PiiAction(models.TextChoices):
    DROP = "drop", _("Remove the column")
    MASK = "mask", _("Mask the values")
    JUSTIFY = "justify", _("Keep it, with a justification")


class PiiDecision(models.Model):
    """What staff decided for one flagged column; publishing waits until every flagged column has one."""

    table = models.ForeignKey(DataTable, on_delete=models.CASCADE, related_name="pii_decisions")
    column = models.CharField(max_length=63)
    action = models.CharField(max_length=10, choices=PiiAction.choices)
    justification = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["table", "column"]
        constraints = [
            models.UniqueConstraint(fields=["table", "column"], name="piidecision_one_per_column"),
            models.CheckConstraint(
                condition=~models.Q(action="justify", justification=""), name="piidecision_justify_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.action}"


class Chart(models.Model):
    """A saved chart (type, x, y, aggregate); rendered on demand from the current table version."""

    table = models.ForeignKey(DataTable, on_delete=models.CASCADE, related_name="charts")
    title = models.CharField(_("title"), max_length=200)
    chart_type = models.CharField(_("chart type"), max_length=10)
    x = models.CharField(max_length=63, blank=True, default="")
    y = models.CharField(max_length=63, blank=True, default="")
    aggregate = models.CharField(max_length=10, default="count")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["table", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(chart_type__in=["bar", "line", "map"]), name="chart_type_known"),
        ]

    def __str__(self) -> str:
        return self.title

    def svg_url(self) -> str:
        return reverse(
            "datastore:chart_image",
            kwargs={"dataset": self.table.dataset.name, "table": self.table.name, "pk": self.pk, "ext": "svg"},
        )

    def png_url(self) -> str:
        return reverse(
            "datastore:chart_image",
            kwargs={"dataset": self.table.dataset.name, "table": self.table.name, "pk": self.pk, "ext": "png"},
        )


class LiveRefresh(models.TextChoices):
    MANUAL = "manual", _("Only when asked")
    HOURLY = "hourly", _("Every hour")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


REFRESH_INTERVALS = {
    LiveRefresh.HOURLY: dt.timedelta(hours=1),
    LiveRefresh.DAILY: dt.timedelta(days=1),
    LiveRefresh.WEEKLY: dt.timedelta(days=7),
}


class LiveSource(models.Model):
    """A table kept in step with a table or view of the office's own database (see `live.py`): each
    refresh copies it, read-only and capped, into the Data API table through the normal ingest."""

    table = models.OneToOneField(DataTable, on_delete=models.CASCADE, related_name="live_source")
    engine = models.CharField(_("database kind"), max_length=20)
    connection_secret = models.TextField(help_text="The connection address, encrypted (live.encrypt).")
    connection_display = models.CharField(_("connection"), max_length=2000)
    relation = models.CharField(_("table or view"), max_length=255)
    refresh = models.CharField(_("refresh"), max_length=10, choices=LiveRefresh.choices, default=LiveRefresh.DAILY)
    row_cap = models.PositiveIntegerField(_("most rows"))
    next_refresh_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_rows = models.PositiveIntegerField(null=True, blank=True)
    last_truncated = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    refreshing = models.BooleanField(default=False)
    refresh_started_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("live table")
        verbose_name_plural = _("live tables")

    def __str__(self) -> str:
        return f"{self.relation} → {self.table}"


class MapLayerSource(models.Model):
    """A table copied from an ArcGIS REST FeatureServer/MapServer layer (see `gis.read_arcgis_layer`),
    paged through again on its schedule; each copy is loaded as a new version of the table, so a failed
    copy keeps the rows of the last good one."""

    table = models.OneToOneField(DataTable, on_delete=models.CASCADE, related_name="map_layer")
    layer_url = models.URLField(_("map layer address"), max_length=2000)
    refresh = models.CharField(_("refresh"), max_length=10, choices=LiveRefresh.choices, default=LiveRefresh.MANUAL)
    next_refresh_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    last_features = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    refreshing = models.BooleanField(default=False)
    refresh_started_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("map layer table")
        verbose_name_plural = _("map layer tables")

    def __str__(self) -> str:
        return f"{self.layer_url} → {self.table}"
