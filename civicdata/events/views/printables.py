"""Printed things of an event, rendered by WeasyPrint (`core.printing`): the ticket, paper feedback cards,
certificates of participation and the outreach poster."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from civicdata.core.printing import pdf_response, qr_svg, render_pdf
from civicdata.events import permissions
from civicdata.events.models import Registration, RegistrationStatus
from civicdata.events.services.feedback import feedback_token
from civicdata.events.views.registration import check_in_url, public_event

MAX_CARDS = 200


def _registration(slug: str, code: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event", "event__organization"), event__slug=slug, check_in_code=code
    )


@require_safe
def ticket_pdf(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    registration = _registration(slug, code)
    if registration.status != RegistrationStatus.REGISTERED:
        raise Http404
    pdf = render_pdf(
        "events/print/ticket.html",
        {"event": registration.event, "registration": registration, "qr": qr_svg(check_in_url(request, registration))},
    )
    return pdf_response(pdf, filename=f"{slug}-ticket.pdf")


@require_safe
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    """The outreach poster: title, purpose, when and where, and a QR code to the event page."""
    event = public_event(slug)
    url = request.build_absolute_uri(event.get_absolute_url())
    pdf = render_pdf("events/print/poster.html", {"event": event, "qr": qr_svg(url), "url": url})
    return pdf_response(pdf, filename=f"{slug}-poster.pdf")


@login_required
@require_safe
def feedback_cards(request: HttpRequest, slug: str) -> HttpResponse:
    """Paper feedback cards for organisers to hand out: one card a page, the questions printed, and a QR
    code to the same form online."""
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    try:
        count = min(max(int(request.GET.get("count", "10")), 1), MAX_CARDS)
    except ValueError:
        count = 10
    url = request.build_absolute_uri(f"{event.get_absolute_url()}feedback/?k={feedback_token(event)}")
    pdf = render_pdf(
        "events/print/feedback_cards.html", {"event": event, "qr": qr_svg(url), "url": url, "cards": range(count)}
    )
    return pdf_response(pdf, filename=f"{slug}-feedback-cards.pdf")


@require_safe
def certificate(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The certificate of participation of one checked-in person (the holder of the ticket link)."""
    registration = _registration(slug, code)
    if registration.checked_in_at is None:
        raise Http404
    pdf = render_pdf("events/print/certificates.html", {"event": registration.event, "people": [registration]})
    return pdf_response(pdf, filename=f"{slug}-certificate.pdf")


@login_required
@require_safe
def certificates(request: HttpRequest, slug: str) -> HttpResponse:
    """Every checked-in person's certificate, one a page, for the organisers to print or send."""
    event = public_event(slug)
    permissions.ensure_can_organise(request.user, event)
    people = list(event.registrations.filter(checked_in_at__isnull=False).order_by("name", "id"))
    if not people:
        raise Http404
    pdf = render_pdf("events/print/certificates.html", {"event": event, "people": people})
    return pdf_response(pdf, filename=f"{slug}-certificates.pdf", inline=False)
