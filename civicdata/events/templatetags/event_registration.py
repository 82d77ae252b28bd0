"""`{% registration_box %}`: the registration panel of the event page (seats, the person's own place,
organisers' links), computed from the request so the event page view stays unchanged."""

from __future__ import annotations

from typing import Any

from django import template

from civicdata.events.views.registration import registration_box as box_context

register = template.Library()


@register.inclusion_tag("events/_registration_panel.html", takes_context=True)
def registration_box(context: Any) -> dict:
    request = context["request"]
    event = context["event"]
    return {"event": event, "request": request, "user": request.user, **box_context(request, event)}
