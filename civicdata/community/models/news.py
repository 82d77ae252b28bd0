"""Release announcements ("news"): staff tell residents a dataset was published or updated; publishing a
dataset that fulfils data requests drafts one for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AnnouncementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("announcement state", "Published")


class AnnouncementQuerySet(models.QuerySet):
    def published(self) -> AnnouncementQuerySet:
        return self.filter(state=AnnouncementState.PUBLISHED)


class Announcement(models.Model):
    """A release announcement. `[[dataset-key]]` in the body becomes links to the dataset's page and API."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=90, unique=True)
    body = models.TextField(_("announcement"))
    state = models.CharField(
        _("state"), max_length=20, choices=AnnouncementState.choices, default=AnnouncementState.DRAFT, db_index=True
    )
    datasets = models.ManyToManyField(
        "catalog.Dataset", blank=True, related_name="community_announcements", verbose_name=_("datasets")
    )
    data_requests = models.ManyToManyField(
        "demand.DataRequest", blank=True, related_name="community_announcements", verbose_name=_("data requests")
    )
    drafted_automatically = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("announcement")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published", published_at__isnull=True),
                name="announcement_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:announcement", kwargs={"slug": self.slug})
