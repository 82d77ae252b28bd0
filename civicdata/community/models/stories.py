"""Data stories: Markdown articles by staff or residents, with live embeds of the site's own Data API
(see `civicdata.community.embeds`), linked to datasets and projects, reviewed before they appear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ModerationState(models.TextChoices):
    """Where a story or a reuse is in the moderation queue (shared by both)."""

    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    PUBLISHED = "published", pgettext_lazy("moderation state", "Published")
    DECLINED = "declined", _("Declined")


class StoryQuerySet(models.QuerySet):
    def published(self) -> StoryQuerySet:
        return self.filter(state=ModerationState.PUBLISHED)


class Story(models.Model):
    """One data story. Its body is Markdown; embeds are rendered from the live data at view time."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=90, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True, default="")
    body = models.TextField(_("story"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="community_stories"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ModerationState.choices, default=ModerationState.DRAFT, db_index=True
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, default="")
    datasets = models.ManyToManyField(
        "catalog.Dataset", blank=True, related_name="community_stories", verbose_name=_("datasets")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="community_stories", verbose_name=_("projects")
    )
    event_url = models.URLField(_("related event (address)"), blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("data story")
        verbose_name_plural = _("data stories")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published", published_at__isnull=True), name="story_published_has_date"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="declined", decline_reason=""), name="story_declined_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:story", kwargs={"slug": self.slug})
