"""The audit log: services call `record_write` for every write made by staff."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from civicdata.core.models import AuditEntry


def snapshot(instance: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of a model instance as JSON-safe data, for before/after records."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        values[field.name] = _json_safe(field.value_from_object(instance))
    return values


def _json_safe(raw: Any) -> Any:
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        return raw.isoformat()
    if isinstance(raw, decimal.Decimal | uuid.UUID):
        return str(raw)
    if isinstance(raw, list | tuple):
        return [_json_safe(item) for item in raw]
    if isinstance(raw, dict):
        return {str(key): _json_safe(item) for key, item in raw.items()}
    if isinstance(raw, bytes):
        return raw.hex()
    if hasattr(raw, "name") and hasattr(raw, "url"):  # file fields
        return str(raw.name)
    return raw


def record_write(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. Call inside the service's transaction so that the entry and
    the write it describes commit or roll back together."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_label=getattr(actor, "email", "") if authenticated else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=str(target)[:300] if target is not None else "",
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
    )
