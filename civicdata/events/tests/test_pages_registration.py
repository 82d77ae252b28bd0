"""Pages of registration, tickets, the door, feedback and printables: who may see what, hostile text stays
inert, exports are audited, and each PDF reads back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from civicdata.core.models import AuditEntry
from civicdata.events import services
from civicdata.events.models import Registration, RegistrationStatus
from civicdata.events.services.feedback import feedback_token
from civicdata.events.tests.attendee_factories import make_organiser, make_user, register_guest
from civicdata.events.tests.factories import make_event

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil")'


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _form(**extra):
    return {"name": "Ana Pérez", "email": "ana@example.org", "code_of_conduct": "on", **extra}


def test_a_guest_registers_and_manages_the_place(client, django_capture_on_commit_callbacks):
    event = make_event(capacity=3)
    page = client.get(event.get_absolute_url())
    assert reverse("events:register", args=[event.slug]) in page.content.decode()
    assert "3 seats left" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", args=[event.slug]), _form(accessibility_needs="Captions"))
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:ticket", args=[event.slug, registration.check_in_code])
    assert registration.accessibility_needs == "Captions"
    assert mail.outbox[-1].to == ["ana@example.org"]
    ticket = client.get(response["Location"])
    assert "<svg" in ticket.content.decode()
    assert ticket["Referrer-Policy"] == "no-referrer"
    # The browser remembers the ticket: the event page now points to it.
    assert "See my ticket" in client.get(event.get_absolute_url()).content.decode()
    assert (
        client.get(reverse("events:ticket_action", args=[event.slug, registration.check_in_code, "cancel"])).status_code
        == 405
    )
    client.post(reverse("events:ticket_action", args=[event.slug, registration.check_in_code, "cancel"]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_refused_form_keeps_what_was_typed(client):
    event = make_event()
    response = client.post(reverse("events:register", args=[event.slug]), _form(code_of_conduct="", name="Zoë"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Zoë"' in body
    assert "Accept the code of conduct" in body
    assert not Registration.objects.exists()


def test_demographics_need_the_consent_box(client):
    event = make_event()
    client.post(reverse("events:register", args=[event.slug]), _form(role="journalist"))
    assert not Registration.objects.filter(demographics__isnull=False).exists()
    Client().post(  # another browser: this one already holds a ticket and is sent to it
        reverse("events:register", args=[event.slug]),
        _form(email="b@example.org", role="journalist", demographics_consent="on"),
    )
    assert Registration.objects.filter(demographics__role="journalist").count() == 1


def test_a_signed_in_person_registers_without_typing_name_and_e_mail(client):
    event = make_event()
    person = make_user(display_name="Nguyễn Thị Hương")
    client.force_login(person)
    client.post(reverse("events:register", args=[event.slug]), {"code_of_conduct": "on"})
    assert Registration.objects.get().user == person


def test_the_registration_page_is_in_spanish(client):
    event = make_event()
    body = client.get(reverse("events:register", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Inscribirse en" in body
    assert "código de conducta" in body


def test_organiser_pages_refuse_everyone_else(client):
    event = make_event()
    register_guest(event, name="Private Person")
    client.force_login(make_user())
    for name in ("registrants", "registrants_csv", "door", "results", "feedback_cards", "certificates"):
        response = client.get(reverse(f"events:{name}", args=[event.slug]))
        assert response.status_code == 403, name
        assert b"Private Person" not in response.content
    assert not AuditEntry.objects.filter(action="events.export_registrants").exists()


def test_registrants_export_is_audited_and_formula_safe(client):
    event = make_event()
    register_guest(event, name=HOSTILE)
    organiser = make_organiser(event.organization)
    client.force_login(organiser)
    response = client.get(reverse("events:registrants_csv", args=[event.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "'=HYPERLINK" not in text  # the name starts with "<", so it is not a formula
    assert HOSTILE.replace('"', '""') in text
    entry = AuditEntry.objects.get(action="events.export_registrants")
    assert (entry.actor, entry.after) == (organiser, {"rows": 1})
    register_guest(event, name="=1+1")
    assert "'=1+1" in client.get(reverse("events:registrants_csv", args=[event.slug])).content.decode()
    assert AuditEntry.objects.filter(action="events.export_registrants").count() == 2


def test_hostile_text_is_inert_in_organiser_pages(client):
    event = make_event()
    register_guest(event, name=HOSTILE, accessibility_needs=HOSTILE)
    client.force_login(make_organiser(event.organization))
    body = client.get(reverse("events:registrants", args=[event.slug])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    door = client.get(reverse("events:door", args=[event.slug]), {"q": "script"}).content.decode()
    assert "<script>alert" not in door
    assert "Check in" in door


def test_door_check_in_by_name_and_by_scan(client):
    event = make_event()
    person = register_guest(event, name="Ana Pérez")
    organiser = make_organiser(event.organization)
    scan_url = reverse("events:scan", args=[event.slug, person.check_in_code])
    client.force_login(make_user())
    assert client.get(scan_url).status_code == 403
    client.force_login(organiser)
    assert "Ana Pérez" in client.get(scan_url).content.decode()
    response = client.post(reverse("events:check_in", args=[event.slug, person.pk]), {"q": "Ana"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.checked_in_at is not None
    client.post(reverse("events:walk_in", args=[event.slug]), {"name": "Walk In"})
    assert Registration.objects.get(name="Walk In").walk_in


def test_feedback_by_link_and_paper_transcription(client):
    start = timezone.now() - dt.timedelta(hours=2)
    event = make_event(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    url = reverse("events:feedback", args=[event.slug])
    assert "feedback link" in client.get(url).content.decode()
    response = client.post(url, {"k": feedback_token(event), "rating": "4", "useful": HOSTILE})
    assert "Thank you" in response.content.decode()
    assert client.post(url, {"k": "forged", "rating": "4"}).status_code == 200  # shown the refusal, nothing stored
    organiser = make_organiser(event.organization)
    client.force_login(organiser)
    client.post(reverse("events:results", args=[event.slug]), {"rating": "2", "improve": "Louder microphone"})
    results = client.get(reverse("events:results", args=[event.slug])).content.decode()
    assert "2 answers" in results
    assert "<svg" in results
    assert "<script>alert" not in results
    assert event.feedback.count() == 2


def test_agenda_votes_through_the_page(client):
    event = make_event()
    person = register_guest(event)
    topic = services.propose_topic(event, registration=register_guest(event), title="Bus stops")
    client.get(reverse("events:ticket", args=[event.slug, person.check_in_code]))  # remembered in the session
    client.post(reverse("events:topic_action", args=[event.slug, topic.pk, "vote"]))
    client.post(reverse("events:topic_action", args=[event.slug, topic.pk, "vote"]))
    topic.refresh_from_db()
    assert topic.vote_count == 2
    client.post(reverse("events:topic_action", args=[event.slug, topic.pk, "choose"]))
    topic.refresh_from_db()
    assert topic.chosen is False


def test_printables_read_back(client):
    start = timezone.now() - dt.timedelta(hours=2)
    event = make_event(title="Día de datos abiertos", starts_at=start, ends_at=start + dt.timedelta(hours=3))
    organiser = make_organiser(event.organization)
    people = [register_guest(event, name=name) for name in ("Ana Pérez", "Nguyễn Thị Hương")]
    for person in people:
        services.check_in(person, by=organiser)
    poster = client.get(reverse("events:poster", args=[event.slug]))
    assert "Día de datos abiertos" in _pdf_text(poster.content)
    assert event.purpose in _pdf_text(poster.content).replace("\n", " ")
    mine = client.get(reverse("events:certificate", args=[event.slug, people[1].check_in_code]))
    assert "Nguyễn Thị Hương" in _pdf_text(mine.content)
    client.force_login(organiser)
    cards = client.get(reverse("events:feedback_cards", args=[event.slug]), {"count": "3"})
    assert _pages(cards.content) == 3
    assert "What should we do better next time?" in _pdf_text(cards.content)
    bulk = client.get(reverse("events:certificates", args=[event.slug]))
    assert _pages(bulk.content) == 2
    assert "Ana Pérez" in _pdf_text(bulk.content)


def test_a_certificate_needs_a_check_in(client):
    event = make_event()
    person = register_guest(event)
    assert client.get(reverse("events:certificate", args=[event.slug, person.check_in_code])).status_code == 404


def test_chinese_names_print_on_certificates(client):
    import shutil
    import subprocess

    fc_list = shutil.which("fc-list")
    fonts = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout if fc_list else ""
    if not fonts.strip():
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei or fonts-noto-cjk; .ci/run installs one)")
    event = make_event()
    person = register_guest(event, name="王小明")
    services.check_in(person, by=make_organiser(event.organization))
    pdf = client.get(reverse("events:certificate", args=[event.slug, person.check_in_code])).content
    assert "王小明" in _pdf_text(pdf)
