"""Notifications and e-mails are written in the reader's language, with links built from SITE_URL; the
header shows how many notifications are unread."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, TestCase

from civicdata.demand import services
from civicdata.demand.models import EmailMode, Notification
from civicdata.demand.tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db


def test_a_spanish_readers_notification_and_email_are_spanish(settings):
    settings.SITE_URL = "http://192.0.2.10:8123"
    ana, bob = make_user(language="es"), make_user()
    req = make_request(by=ana, title="Árboles de la calle")
    services.follow(req, by=bob)
    services.set_email_mode(user=ana, mode=EmailMode.IMMEDIATE)
    services.set_email_mode(user=bob, mode=EmailMode.IMMEDIATE)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.change_status(req, by=make_user(staff=True), to_status="under_review", message="Lo miramos.")
    assert Notification.objects.get(recipient=ana).message.startswith("«Árboles de la calle» ahora está: En revisión.")
    assert "is now Under review" in Notification.objects.get(recipient=bob).message
    by_address = {message.to[0]: message for message in mail.outbox}
    spanish, english = by_address[ana.email], by_address[bob.email]
    assert spanish.subject.removeprefix("[civicdata] ").startswith("Novedades de su solicitud de datos")
    assert "Recibe estos correos porque" in spanish.body
    assert english.subject.removeprefix("[civicdata] ").startswith("Update on your data request")
    assert f"http://192.0.2.10:8123{req.get_absolute_url()}" in spanish.body


def test_the_daily_digest_is_in_the_readers_language():
    ana = make_user(language="es")
    req = make_request(by=ana, title="Árboles")
    services.change_status(req, by=make_user(staff=True), to_status="under_review")
    mail.outbox.clear()
    assert services.send_daily_digests() == 1
    assert mail.outbox[0].subject.removeprefix("[civicdata] ").startswith("Sus solicitudes de datos")


def test_the_header_shows_unread_notifications():
    resident = make_user()
    req = make_request(by=resident, title="Bus stops")
    client = Client()
    client.force_login(resident)
    html = client.get("/").content.decode()
    assert "civic-badge" not in html
    services.change_status(req, by=make_user(staff=True), to_status="under_review")
    html = client.get("/").content.decode()
    assert '<span class="civic-badge">1<span class="usa-sr-only"> unread</span></span>' in html
    services.mark_notifications_read(user=resident)
    assert "civic-badge" not in client.get("/").content.decode()


def test_sign_up_remembers_the_language_used():
    client = Client()
    client.cookies["django_language"] = "es"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "lucia@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code in (200, 302)
    from civicdata.accounts.models import User

    assert User.objects.get(email="lucia@example.org").language == "es"
