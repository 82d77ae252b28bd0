import pytest
from django.core import mail
from django.test import Client

from civicdata.accounts.models import User
from civicdata.accounts.tests.factories import make_member, make_organization, make_user

pytestmark = pytest.mark.django_db


def test_sign_up_sends_a_verification_email_and_blocks_login_until_verified(client):
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
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "New Person"
    assert user.affiliation == "librarian"
    assert len(mail.outbox) == 1
    assert "new@example.org" in mail.outbox[0].to
    login = client.post("/accounts/login/", {"login": "new@example.org", "password": "a-long-enough-passphrase"})
    assert login.status_code == 302
    assert "confirm-email" in login["Location"]


def test_weak_passwords_are_refused(client):
    response = client.post(
        "/accounts/signup/", {"email": "weak@example.org", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.org").exists()


def test_logout_is_not_possible_with_get(client):
    client.force_login(make_user())
    response = client.get("/accounts/logout/")
    assert response.status_code == 200  # a confirmation page, not a state change
    assert "_auth_user_id" in client.session


def test_members_are_visible_only_to_members(client):
    organization = make_organization("Parks", slug="parks")
    make_member(organization, user=make_user("hidden.member@example.org"))
    assert b"hidden.member@example.org" not in client.get("/organizations/parks/").content
    client.force_login(make_member(organization))
    assert b"hidden.member@example.org" in client.get("/organizations/parks/").content


def test_profile_changes_only_the_signed_in_person(client):
    person = make_user()
    client.force_login(person)
    response = client.post(
        "/account/profile/", {"display_name": "Ada", "affiliation": "researcher", "show_name_publicly": "on"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.display_name, person.affiliation, person.public_name) == ("Ada", "researcher", "Ada")


def test_repeated_failed_logins_are_throttled():
    # A client address of its own (TEST-NET-3): the throttle counts per address, and every other
    # test signs in from 127.0.0.1.
    client = Client(REMOTE_ADDR="203.0.113.66")
    make_user("target@example.org")
    pages = [
        client.post("/accounts/login/", {"login": "target@example.org", "password": f"wrong-{attempt}"})
        for attempt in range(7)
    ]
    assert b"Too many failed login attempts" not in pages[0].content
    assert b"Too many failed login attempts" in pages[-1].content


def test_failed_logins_from_one_address_do_not_lock_out_another(client):
    throttled = Client(REMOTE_ADDR="203.0.113.67")
    refused = [
        throttled.post("/accounts/login/", {"login": f"other{attempt}@example.org", "password": "wrong"})
        for attempt in range(7)
    ]
    assert b"Too many failed login attempts" in refused[-1].content
    page = client.post("/accounts/login/", {"login": "someone@example.org", "password": "wrong"})
    assert page.status_code == 200
    assert b"Too many failed login attempts" not in page.content


def test_demo_logins_show_only_when_enabled(client, settings):
    settings.SHOW_DEMO_ACCOUNTS = False
    assert b"port-alder-demo" not in client.get("/accounts/login/").content
    settings.SHOW_DEMO_ACCOUNTS = True
    assert b"port-alder-demo" in client.get("/accounts/login/").content
