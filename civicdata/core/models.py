"""Shared records that belong to no single domain: the audit log of staff writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One write made by a signed-in person: who, what, when, and the values before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=254, help_text=_("E-mail kept if the account goes."))
    action = models.CharField(_("action"), max_length=100, help_text=_("Verb-first service name."))
    target_type = models.CharField(_("target type"), max_length=100)
    target_id = models.CharField(_("target id"), max_length=100, blank=True)
    target_label = models.CharField(_("target"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_type}:{self.target_id}"


class WorkerHeartbeat(models.Model):
    """One running `civicdata worker`: which queues it serves and when it last said it was alive.

    The sweep reads these to tell a task whose worker died (no beat for WORKER_STALE_SECONDS, or a
    process that no longer exists on this host) from one that is merely slow.
    """

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=200, blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class RateCount(models.Model):
    """Requests counted for one client in one fixed window of a rate limit (see core.ratelimit).

    Incremented with one upsert (`INSERT … ON CONFLICT … DO UPDATE SET hits = hits + 1`), which the database
    serialises, so any number of threads, processes or web nodes sharing the database never let more requests
    through than the limit.
    """

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(help_text="Start of the window, in seconds since the epoch.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="ratecount_key_window")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}: {self.hits}"
