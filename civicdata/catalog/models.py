"""Database models of the catalog: datasets and distributions in DCAT-US v1.1 terms, their revisions,
usage notes, harvest sources and runs, and the daily snapshots behind the publisher dashboard."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLevel(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED_PUBLIC = "restricted public", _("Restricted public")
    NON_PUBLIC = "non-public", _("Non-public")


PUBLIC_LEVELS = (AccessLevel.PUBLIC, AccessLevel.RESTRICTED_PUBLIC)


class Profile(models.TextChoices):
    FEDERAL = "federal-v1.1", _("Federal (DCAT-US v1.1)")
    NON_FEDERAL = "non-federal-v1.1", _("Non-federal (DCAT-US v1.1)")


class CatalogSettings(models.Model):
    """Catalog-level settings (one row, id 1): title and the validation profile used by default."""

    title = models.CharField(_("catalog title"), max_length=200, default="Open data catalog")
    description = models.TextField(_("description"), blank=True)
    profile = models.CharField(
        _("validation profile"), max_length=30, choices=Profile.choices, default=Profile.NON_FEDERAL
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("catalog settings")
        verbose_name_plural = _("catalog settings")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="catalog_settings_singleton")]

    def __str__(self) -> str:
        return self.title


class PublisherSettings(models.Model):
    """Per-publisher catalog options: which profile its datasets are validated against."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="catalog_settings"
    )
    profile = models.CharField(_("validation profile"), max_length=30, choices=Profile.choices, blank=True)

    class Meta:
        verbose_name = _("publisher settings")

    def __str__(self) -> str:
        return f"{self.organization}: {self.profile or '-'}"


class HarvestKind(models.TextChoices):
    DATAJSON = "datajson", _("data.json (DCAT-US v1.1)")
    CKAN = "ckan", _("CKAN API")
    DCAT_US3 = "dcat-us3", _("DCAT-US 3.0 catalog")


class HarvestSchedule(models.TextChoices):
    MANUAL = "manual", _("Only when started by hand")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class HarvestSource(models.Model):
    """A remote catalog whose datasets are copied into this one for a publisher."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    publisher = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="harvest_sources", verbose_name=_("publisher")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HarvestKind.choices, default=HarvestKind.DATAJSON)
    url = models.CharField(_("address"), max_length=2000)
    schedule = models.CharField(
        _("schedule"), max_length=20, choices=HarvestSchedule.choices, default=HarvestSchedule.MANUAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    #: File each dataset under the publisher it names, creating missing ones under `publisher`.
    create_publishers = models.BooleanField(_("create missing publishers"), default=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("harvest source")

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    """One DCAT-US v1.1 dataset. Optional text fields are nullable because "absent" and "empty" differ
    in the standard and the catalog must give back exactly what it was given."""

    publisher = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="datasets", verbose_name=_("publisher")
    )
    identifier = models.CharField(_("identifier"), max_length=1000, null=True, blank=True)
    name = models.SlugField(_("short name"), max_length=100, unique=True)
    # Stable id for APIs (CKAN's package "id"): never changes, unlike the name or the identifier.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pod_type = models.TextField(null=True, blank=True)
    title = models.TextField(_("title"), null=True, blank=True)
    description = models.TextField(_("description"), null=True, blank=True)
    keyword = models.JSONField(_("keywords"), null=True, blank=True)
    modified = models.TextField(_("last update"), null=True, blank=True)
    modified_at = models.DateTimeField(null=True, blank=True, db_index=True)
    publisher_json = models.JSONField(null=True, blank=True)
    publisher_name = models.TextField(blank=True, default="")
    contact_point_json = models.JSONField(null=True, blank=True)
    contact_name = models.TextField(_("contact name"), blank=True, default="")
    contact_email = models.TextField(_("contact e-mail"), blank=True, default="")
    access_level = models.CharField(
        _("access level"), max_length=20, choices=AccessLevel.choices, null=True, blank=True
    )
    bureau_code = models.JSONField(_("bureau codes"), null=True, blank=True)
    program_code = models.JSONField(_("program codes"), null=True, blank=True)
    license = models.TextField(_("license"), null=True, blank=True)
    rights = models.TextField(_("rights"), null=True, blank=True)
    spatial = models.JSONField(_("spatial"), null=True, blank=True)
    bbox_west = models.FloatField(null=True, blank=True)
    bbox_south = models.FloatField(null=True, blank=True)
    bbox_east = models.FloatField(null=True, blank=True)
    bbox_north = models.FloatField(null=True, blank=True)
    temporal = models.TextField(_("temporal"), null=True, blank=True)
    has_distribution_list = models.BooleanField(default=False)
    accrual_periodicity = models.TextField(_("frequency"), null=True, blank=True)
    conforms_to = models.TextField(_("data standard"), null=True, blank=True)
    data_quality = models.BooleanField(_("meets information quality guidelines"), null=True, blank=True)
    described_by = models.TextField(_("data dictionary"), null=True, blank=True)
    described_by_type = models.TextField(_("data dictionary type"), null=True, blank=True)
    is_part_of = models.TextField(_("collection"), null=True, blank=True)
    issued = models.TextField(_("release date"), null=True, blank=True)
    language = models.JSONField(_("language"), null=True, blank=True)
    landing_page = models.TextField(_("landing page"), null=True, blank=True)
    primary_it_investment_uii = models.TextField(_("primary IT investment UII"), null=True, blank=True)
    references = models.JSONField(_("related documents"), null=True, blank=True)
    system_of_records = models.TextField(_("system of records"), null=True, blank=True)
    theme = models.JSONField(_("categories"), null=True, blank=True)
    extras = models.JSONField(default=dict, blank=True)
    fidelity = models.JSONField(default=dict, blank=True)

    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    upstream_hash = models.CharField(
        max_length=64, blank=True, help_text="Hash of the version last taken from the harvest source."
    )
    # The dataset exactly as the source last sent it, before any repair: an import or harvest that receives
    # the same bytes again knows the outcome without repairing and hashing it anew (see ingest/planning.py).
    received_hash = models.CharField(max_length=64, blank=True, default="")
    received_repairs = models.CharField(max_length=1000, blank=True, default="")
    harvest_source = models.ForeignKey(
        HarvestSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="datasets"
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, default="")

    # Release checklist: the items only a person can confirm (civicdata.catalog.release computes the rest).
    checklist_contact = models.BooleanField(_("contact reachable"), default=False)
    checklist_privacy = models.BooleanField(_("privacy / PII review signed off"), default=False)
    checklist_quality = models.BooleanField(_("data quality reviewed"), default=False)
    checklist_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checklist_signed_at = models.DateTimeField(null=True, blank=True)

    is_valid = models.BooleanField(null=True, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    missing_fields = models.JSONField(default=list, blank=True)
    # "Needs fixing": a dataset that would be published (imported, harvested, or edited while published) but
    # fails its publisher's profile. It is kept out of every listing until an edit makes it valid, which
    # publishes it again. `findings` holds the schema problems shown to staff.
    needs_fixing = models.BooleanField(_("needs fixing"), default=False, db_index=True)
    findings = models.JSONField(default=list, blank=True)

    view_count = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("dataset")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier"], condition=models.Q(identifier__isnull=False), name="dataset_identifier_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_published=True, withdrawn_at__isnull=False),
                name="dataset_withdrawn_not_published",
            ),
        ]
        indexes = [
            models.Index(fields=["publisher", "access_level"]),
            models.Index(fields=["is_published", "access_level", "id"]),
        ]

    def __str__(self) -> str:
        return self.title or self.identifier or self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset", kwargs={"key": self.key})

    @property
    def key(self) -> str:
        """What the dataset page URL uses: the identifier, or the short name when there is none."""
        return self.identifier or self.name

    @property
    def is_public_listing(self) -> bool:
        """In `/data.json`: published, not withdrawn, valid, public or restricted public."""
        return (
            self.is_published
            and self.withdrawn_at is None
            and self.is_valid is not False
            and self.access_level in PUBLIC_LEVELS
        )


class LinkStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Not checked yet")
    OK = "ok", _("Working")
    BROKEN = "broken", _("Broken")


class Distribution(models.Model):
    """One way to get a dataset's data (a download or an access URL), in DCAT-US v1.1 terms."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    position = models.PositiveIntegerField(default=0)
    # Stable id for APIs (CKAN's resource "id"); kept when the row is updated in place.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pod_type = models.TextField(null=True, blank=True)
    title = models.TextField(_("title"), null=True, blank=True)
    description = models.TextField(_("description"), null=True, blank=True)
    access_url = models.TextField(_("access URL"), null=True, blank=True)
    download_url = models.TextField(_("download URL"), null=True, blank=True)
    media_type = models.TextField(_("media type"), null=True, blank=True)
    format = models.TextField(_("format"), null=True, blank=True)
    conforms_to = models.TextField(_("data standard"), null=True, blank=True)
    described_by = models.TextField(_("data dictionary"), null=True, blank=True)
    described_by_type = models.TextField(_("data dictionary type"), null=True, blank=True)
    extras = models.JSONField(default=dict, blank=True)
    fidelity = models.JSONField(default=dict, blank=True)
    link_status = models.CharField(max_length=20, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED)
    link_status_code = models.PositiveIntegerField(null=True, blank=True)
    link_checked_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["dataset", "position"]
        verbose_name = _("distribution")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="distribution_position_unique"),
        ]

    def __str__(self) -> str:
        return self.title or self.format or self.url or f"#{self.position}"

    @property
    def url(self) -> str | None:
        return self.download_url or self.access_url


class DistributionFile(models.Model):
    """A file an editor uploaded as a distribution. The bytes live under DATA_DIR/catalog-files/ (named by
    `key`); the catalog serves them at a stable address, which is the distribution's downloadURL."""

    distribution = models.OneToOneField(Distribution, on_delete=models.CASCADE, related_name="stored_file")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="stored_files")
    key = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("media type"), max_length=200)
    size = models.BigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("uploaded file")
        constraints = [models.CheckConstraint(condition=models.Q(size__gte=0), name="distribution_file_size_positive")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "catalog:distribution_file", kwargs={"name": self.dataset.name, "key": self.key, "filename": self.name}
        )


class RevisionSource(models.TextChoices):
    CREATE = "create", _("Created")
    EDIT = "edit", _("Edited")
    IMPORT = "import", _("Imported")
    HARVEST = "harvest", _("Harvested")
    PUBLISH = "publish", _("Published")
    WITHDRAW = "withdraw", _("Withdrawn")
    CHECKLIST = "checklist", _("Release checklist")


class DatasetRevision(models.Model):
    """A full snapshot of a dataset's POD record after a change, with the diff from the previous one."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=RevisionSource.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()
    diff = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    summary = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.dataset} #{self.number}"


class UsageNote(models.Model):
    """A staff-written note on the best uses of a dataset (Markdown, rendered sanitised)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="usage_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("usage note")

    def __str__(self) -> str:
        return self.title


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class HarvestRun(models.Model):
    """One harvest (or dry run, or one-off import) with counts and a per-dataset report."""

    source = models.ForeignKey(HarvestSource, null=True, blank=True, on_delete=models.CASCADE, related_name="runs")
    publisher = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="harvest_runs")
    origin = models.CharField(max_length=2000, blank=True, default="")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    withdrawn_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)
    repaired_count = models.PositiveIntegerField(default=0)
    held_back_count = models.PositiveIntegerField(default=0)
    # Repairs per rule and, for a v1.0 catalog, the conversion report (see ingest/repair.py, ingest/convert.py).
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    report = models.JSONField(default=list, blank=True)
    # A dry run of an uploaded data.json keeps the file (DATA_DIR/catalog-imports/<key>.json) until it is
    # imported; the key is cleared then.
    upload_key = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    #: written every WORKER_HEARTBEAT_SECONDS while the run works; a stale one means its worker died
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True, default="")
    #: set when the sweep failed this run because its worker died (counts towards the retry limit)
    worker_lost = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("harvest run")

    def __str__(self) -> str:
        return f"{self.origin or self.source} ({self.status})"


class PublisherSnapshot(models.Model):
    """Daily dashboard figures for one publisher, kept so the dashboard can show the trend."""

    publisher = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="catalog_snapshots")
    date = models.DateField()
    total = models.PositiveIntegerField(default=0)
    public = models.PositiveIntegerField(default=0)
    restricted_public = models.PositiveIntegerField(default=0)
    non_public = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    missing_required = models.PositiveIntegerField(default=0)
    broken_links = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["publisher", "date"]
        constraints = [models.UniqueConstraint(fields=["publisher", "date"], name="snapshot_one_per_day")]

    def __str__(self) -> str:
        return f"{self.publisher} {self.date}"


class FacetKind(models.TextChoices):
    PUBLISHER = "publisher", _("Publisher")
    THEME = "theme", _("Category")
    KEYWORD = "keyword", _("Keyword")
    FORMAT = "format", _("Format")
    ACCESS_LEVEL = "access_level", _("Access level")
    LICENSE = "license", _("License")


class DatasetFacet(models.Model):
    """One (facet, value) pair of a dataset, kept by the services so search can filter and count facets
    with plain indexed queries instead of unpacking JSON columns on every request."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=20, choices=FacetKind.choices)
    value = models.CharField(max_length=300)

    class Meta:
        # Lookups by dataset use the unique constraint's index (dataset, facet, value).
        indexes = [models.Index(fields=["facet", "value", "dataset"])]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "facet", "value"], name="facet_value_once_per_dataset"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class CrawlStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class CatalogCrawl(models.Model):
    """One completeness crawl of a publisher's web pages (see `catalog/crawl.py`)."""

    publisher = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="catalog_crawls", verbose_name=_("publisher")
    )
    start_urls = models.JSONField(_("web pages to start from"), default=list)
    status = models.CharField(max_length=20, choices=CrawlStatus.choices, default=CrawlStatus.QUEUED)
    pages_read = models.PositiveIntegerField(default=0)
    bytes_read = models.PositiveBigIntegerField(default=0)
    #: "" when every reachable page was read; "pages" or "bytes" when a budget ran out
    stopped_by = models.CharField(max_length=20, blank=True, default="")
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("completeness crawl")

    def __str__(self) -> str:
        return ", ".join(self.start_urls)


class CrawlFinding(models.Model):
    """A data file a crawled page links to; `in_catalog` says a distribution already points at it."""

    crawl = models.ForeignKey(CatalogCrawl, on_delete=models.CASCADE, related_name="findings")
    url = models.TextField()
    normalised_url = models.TextField()
    found_on = models.TextField()
    link_text = models.CharField(max_length=200, blank=True, default="")
    kind = models.CharField(max_length=40)
    in_catalog = models.BooleanField(default=False, db_index=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["in_catalog", "id"]
        verbose_name = _("crawl finding")
        constraints = [models.UniqueConstraint(fields=["crawl", "normalised_url"], name="crawl_finding_unique")]

    def __str__(self) -> str:
        return self.url


class PdfForm(models.Model):
    """A fillable PDF form (AcroForm) a publisher offers as a web form (see `services/pdf_forms.py`).

    `fields` lists the form's fields in page order, each a dict: `name` (the PDF field name, never shown
    as markup), `kind` ("text", "checkbox" or "choice"), `options` (choices), `label`, `label_es`,
    `required`. Residents' answers are kept (`PdfFormSubmission`) only when `keep_submissions` is on.
    """

    publisher = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="pdf_forms", verbose_name=_("publisher")
    )
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    description_es = models.TextField(_("description in Spanish"), blank=True, default="")
    filename = models.CharField(max_length=200)
    pdf = models.BinaryField()
    fields = models.JSONField(default=list)
    is_published = models.BooleanField(_("published"), default=False)
    keep_submissions = models.BooleanField(_("keep submissions"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDF form")

    def __str__(self) -> str:
        return self.title


class PdfFormSubmission(models.Model):
    """One resident's answers to a PDF form whose `keep_submissions` is on."""

    form = models.ForeignKey(PdfForm, on_delete=models.CASCADE, related_name="submissions")
    values = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDF form submission")

    def __str__(self) -> str:
        return f"{self.form_id} {self.created_at:%Y-%m-%d %H:%M}"
