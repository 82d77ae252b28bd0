"""The header's language switch: it changes the page language for everyone and, for a signed-in person, the
language of their e-mails and notifications too (User.language); only by POST with a CSRF token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from civicdata.accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_switching_language_stores_it_on_the_profile():
    """A signed-in person who switches to Spanish gets Spanish pages and Spanish e-mails; back to English, both."""
    user = make_user(language="en")
    client = Client()
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/datasets/"})
    assert response.status_code == 302
    assert response["Location"] == "/datasets/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    user.refresh_from_db()
    assert (user.language, user.preferred_language) == ("es", "es")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_an_anonymous_switch_only_sets_the_cookie_and_an_unknown_language_changes_nothing():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    user = make_user(language="en")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_the_switch_needs_post_and_a_csrf_token():
    """GET changes nothing (405); a POST without the CSRF token is refused and the profile is unchanged."""
    user = make_user(language="en")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("set_language"), {"language": "es"}).status_code == 405
    assert client.post(reverse("set_language"), {"language": "es", "next": "/"}).status_code == 403
    user.refresh_from_db()
    assert user.language == "en"
    # With the token the page form sends, it works.
    page = client.get("/")
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("set_language"), {"language": "es", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "es"
