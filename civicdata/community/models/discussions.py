"""Dataset discussions: questions and answers next to the data, with official answers from the
publisher, open or resolved, followed, and moderated like requests and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DiscussionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("discussion status", "Open")
    RESOLVED = "resolved", _("Resolved")


class Discussion(models.Model):
    """A question about a dataset; its first post holds the question's text."""

    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="discussions")
    title = models.CharField(_("question"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=DiscussionStatus.choices, default=DiscussionStatus.OPEN)
    has_official_answer = models.BooleanField(default=False)
    post_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["dataset", "status"], name="discussion_dataset_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:discussion", kwargs={"name": self.dataset.name, "pk": self.pk})


class DiscussionPost(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    is_official = models.BooleanField(_("official answer from the publisher"), default=False)
    is_hidden = models.BooleanField(default=False)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class DiscussionFollow(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["discussion", "user"], name="discussion_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} follows discussion {self.discussion_id}"


class FlagOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    KEPT = "kept", _("Kept")
    REMOVED = "removed", _("Hidden")


class DiscussionFlag(models.Model):
    """Someone asked moderators to look at a post; enough flags hide it until a moderator decides."""

    post = models.ForeignKey(DiscussionPost, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(max_length=20, choices=FlagOutcome.choices, default=FlagOutcome.PENDING)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="discussion_flag_unique")]

    def __str__(self) -> str:
        return f"flag on post {self.post_id}"
