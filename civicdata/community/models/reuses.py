"""The reuse showcase: applications, visualisations, articles, research and API clients built on the
catalog's data, submitted by anyone signed in and published after moderation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stories import ModerationState


class ReuseKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    VISUALIZATION = "visualization", _("Visualisation")
    ARTICLE = "article", _("Article")
    RESEARCH = "research", _("Research")
    NEWS = "news", _("News report")
    API_CLIENT = "api_client", _("API client or library")
    OTHER = "other", _("Other")


class ReuseQuerySet(models.QuerySet):
    def published(self) -> ReuseQuerySet:
        return self.filter(state=ModerationState.PUBLISHED)


class Reuse(models.Model):
    """Something made with the data. `featured` is only possible once published (a constraint)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ReuseKind.choices, default=ReuseKind.APPLICATION)
    description = models.TextField(_("description"))
    url = models.URLField(_("link"), max_length=500)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="community_reuses"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ModerationState.choices, default=ModerationState.DRAFT, db_index=True
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, default="")
    featured = models.BooleanField(_("featured"), default=False)
    datasets = models.ManyToManyField(
        "catalog.Dataset", blank=True, related_name="community_reuses", verbose_name=_("datasets used")
    )
    data_requests = models.ManyToManyField(
        "demand.DataRequest", blank=True, related_name="community_reuses", verbose_name=_("data requests answered")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ReuseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("reuse")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published", published_at__isnull=True), name="reuse_published_has_date"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined", decline_reason=""), name="reuse_declined_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(featured=False) | models.Q(state="published"), name="reuse_featured_is_published"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:reuse", kwargs={"pk": self.pk})


class ReuseImage(models.Model):
    """A reuse's picture, re-encoded on upload (see `services.reuses.prepare_image`); kept apart from the
    reuse so lists never load the bytes."""

    reuse = models.OneToOneField(Reuse, on_delete=models.CASCADE, related_name="image")
    data = models.BinaryField()
    content_type = models.CharField(max_length=30, default="image/jpeg")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt_text = models.CharField(_("image description"), max_length=300, blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.reuse_id}: {self.width}×{self.height}"
