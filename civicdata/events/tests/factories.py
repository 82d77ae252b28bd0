"""Test data for the events app."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from civicdata.accounts.models import Organization
from civicdata.events.models import Event, EventStatus, EventType

_numbers = itertools.count(1)


def make_org(slug: str | None = None) -> Organization:
    slug = slug or f"org-{next(_numbers)}"
    return Organization.objects.create(name=f"Department {slug}", slug=slug, kind="publisher", org_type="department")


def make_event(organization: Organization | None = None, **fields: Any) -> Event:
    n = next(_numbers)
    starts = fields.pop("starts_at", (timezone.now() + dt.timedelta(days=14)).replace(second=0, microsecond=0))
    values: dict[str, Any] = {
        "organization": organization or make_org(),
        "event_type": EventType.DATA_JAM,
        "title": f"Housing data jam {n}",
        "slug": f"housing-data-jam-{n}",
        "purpose": "Find out which housing data residents need.",
        "status": EventStatus.PUBLISHED,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=3),
    }
    values.update(fields)
    return Event.objects.create(**values)
