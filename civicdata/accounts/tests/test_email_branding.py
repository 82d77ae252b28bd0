"""E-mails carry the site's name (`SITE_NAME`) and public address (`SITE_URL`), never the host name the
request happened to arrive on."""

from __future__ import annotations

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_verification_email_is_branded_with_the_site_name(client, settings):
    settings.SITE_NAME = "Port Alder Open Data"
    settings.SITE_URL = "https://data.portalder.example"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "display_name": "New Person",
            "affiliation": "librarian",
        },
    )
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.subject.startswith("[Port Alder Open Data] ")
    assert "Port Alder Open Data" in message.body
    assert "data.portalder.example" in message.body
    assert "testserver" not in message.subject
    assert "[testserver]" not in message.body


def test_the_default_name_is_civicdata(client):
    client.post(
        "/accounts/signup/",
        {"email": "b@example.org", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"},
    )
    assert mail.outbox[0].subject.startswith("[civicdata] ")
