"""API calls per dataset and day, written in batches by `civicdata.community.api_calls` (never one write
per call)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKind(models.TextChoices):
    DATA = "data", _("Data API")
    CKAN = "ckan", _("CKAN-compatible API")


class ApiCallDay(models.Model):
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="community_api_calls")
    day = models.DateField()
    api = models.CharField(max_length=10, choices=ApiKind.choices)
    calls = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "day", "api"], name="api_call_day_once")]
        indexes = [models.Index(fields=["dataset", "day"], name="api_call_day_dataset")]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day} {self.api}: {self.calls}"
