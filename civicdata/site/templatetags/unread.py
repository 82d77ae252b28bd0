"""`{% unread_notifications as count %}` in the page shell: how many of the person's notifications are unread
(the header's indicator). The site shell asks the demand app; lower apps never know about the header."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """One count query per page for a signed-in person, none for visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from civicdata.demand.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
