"""Permission checks for demand templates, so a page links only to what the reader may open."""

from __future__ import annotations

from typing import Any

from django import template

from civicdata.demand import permissions

register = template.Library()


@register.filter(name="can_moderate")
def can_moderate_filter(user: Any) -> bool:
    return permissions.can_moderate(user)
