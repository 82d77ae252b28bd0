"""`{% event_card event %}`: one card of the public events list. A card is written once for every version
of what it shows and then reused: rendering twenty cards (dates in the reader's language, the event type's
translated name, the shortened purpose) was most of the list's time.

The key of a kept card holds every value the card shows — the event's address, title, purpose, start,
type, status, place and organisation name — plus the language and time zone it was written in, so an
edit anywhere (an organisation renamed too) is shown at once: nothing is ever stale, and nothing
personal is on a card. Cards are kept in the process (at most MAX_KEPT_CARDS, least recently used
dropped first), which costs no query, unlike a shared cache would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from civicdata.events.models import Event, EventStatus, EventType

register = template.Library()

CARD_TEMPLATE = "events/_event_card.html"
MAX_KEPT_CARDS = 5_000
_CARDS: OrderedDict[tuple, SafeString] = OrderedDict()
_CARDS_LOCK = threading.Lock()


def card_values(event: Event) -> dict[str, Any]:
    """Every value the card shows, as plain values (the card template sees only these)."""
    return {
        "slug": event.slug,
        "title": event.title,
        "purpose": event.purpose,
        "starts_at": event.starts_at,
        "event_type": event.event_type,
        "organization": event.organization.name,
        "venue_name": event.venue_name,
        "cancelled": event.status == EventStatus.CANCELLED,
    }


def _write_card(values: dict[str, Any]) -> SafeString:
    card = {
        **values,
        "url": Event(slug=values["slug"]).get_absolute_url(),
        "type_label": dict(EventType.choices).get(values["event_type"], values["event_type"]),
    }
    return SafeString(render_to_string(CARD_TEMPLATE, {"card": card}))


@register.simple_tag
def event_card(event: Event) -> SafeString:
    values = card_values(event)
    key = (translation.get_language(), timezone.get_current_timezone_name(), *values.values())
    with _CARDS_LOCK:
        found = _CARDS.get(key)
        if found is not None:
            _CARDS.move_to_end(key)
            return found
    written = _write_card(values)
    with _CARDS_LOCK:
        _CARDS[key] = written
        while len(_CARDS) > MAX_KEPT_CARDS:
            _CARDS.popitem(last=False)
    return written
