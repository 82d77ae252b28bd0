"""`civicdata accounts create-org | invite | list`: setting a site up without the admin."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from civicdata.accounts.models import Membership, Organization, Role, User
from civicdata.accounts.tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_organisations_with_parents():
    assert "Created city-of-testville (Agency)" in run("accounts_create_org", "City of Testville")
    assert "under city-of-testville" in run("accounts_create_org", "Parks Department", "--parent", "city-of-testville")
    run("accounts_create_org", "Testville Library", "--type", "library", "--slug", "library")
    parks = Organization.objects.get(slug="parks-department")
    assert parks.parent.slug == "city-of-testville"
    assert (parks.kind, parks.org_type) == ("publisher", "department")
    assert Organization.objects.get(slug="library").kind == "partner"


def test_create_org_explains_what_is_wrong():
    with pytest.raises(CommandError, match="No organisation with the short name 'nowhere'"):
        run("accounts_create_org", "Parks", "--parent", "nowhere")
    run("accounts_create_org", "Parks")
    with pytest.raises(CommandError, match="already exists"):
        run("accounts_create_org", "Parks")
    make_organization("Library", org_type="library", slug="library")
    with pytest.raises(CommandError, match="publisher can only be part of another publisher"):
        run("accounts_create_org", "Roads", "--parent", "library")


def test_invite_creates_the_account_sets_the_role_and_emails(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "http://192.0.2.10:8000"
    city = make_organization("City", org_type="agency", slug="city")
    with django_capture_on_commit_callbacks(execute=True):
        output = run("accounts_invite", "New.Coordinator@Example.org", "--org", "city", "--role", "admin")
    assert "new.coordinator@example.org is admin of city" in output
    person = User.objects.get(email="new.coordinator@example.org")
    assert not person.has_usable_password()
    assert Membership.objects.get(user=person, organization=city).role == Role.ADMIN
    assert mail.outbox[-1].to == ["new.coordinator@example.org"]
    assert "http://192.0.2.10:8000/accounts/password/reset/" in mail.outbox[-1].body
    # Again with another role: the role changes, no second account.
    existing = make_user("editor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        run("accounts_invite", "editor@example.org", "--org", "city", "--role", "editor")
        run("accounts_invite", "editor@example.org", "--org", "city", "--role", "member")
    assert Membership.objects.get(user=existing, organization=city).role == Role.MEMBER
    assert "/accounts/login/" in mail.outbox[-1].body


def test_invite_refuses_bad_input():
    make_organization("City", org_type="agency", slug="city")
    with pytest.raises(CommandError, match="not an e-mail address"):
        run("accounts_invite", "not-an-address", "--org", "city", "--role", "editor")
    with pytest.raises(CommandError, match="No organisation"):
        run("accounts_invite", "a@example.org", "--org", "nowhere", "--role", "editor")
    assert not User.objects.exists()


def test_list_shows_the_tree_and_members():
    city = make_organization("City", org_type="agency", slug="city")
    make_organization("Parks", parent=city, slug="parks")
    Membership.objects.create(user=make_user("ana@example.org"), organization=city, role=Role.ADMIN)
    tree = run("accounts_list")
    assert tree.index("city  City (agency, 1 member)") < tree.index("  parks  Parks (department, 0 members)")
    assert "admin    ana@example.org" in run("accounts_list", "--org", "city")
    with pytest.raises(CommandError):
        run("accounts_list", "--org", "nowhere")


@pytest.mark.django_db(transaction=True)
def test_the_civicdata_command_runs_them_with_exit_codes(tmp_path):
    """Through `civicdata accounts …` as a process: success prints, a refusal exits 1 with the reason."""
    environ = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environ.update(
        CIVICDATA_ENV="local",
        DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        SECRET_KEY="x" * 60,
        EMAIL_URL="console:",
    )

    def civicdata(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "civicdata.cli", *args], env=environ, capture_output=True, text=True, timeout=300
        )

    assert civicdata("migrate", "--noinput").returncode == 0
    created = civicdata("accounts", "create-org", "City of Testville", "--slug", "city")
    assert created.returncode == 0, created.stderr
    assert civicdata("accounts", "invite", "ana@example.org", "--org", "city", "--role", "editor").returncode == 0
    listed = civicdata("accounts", "list", "--org", "city")
    assert "editor   ana@example.org" in listed.stdout
    refused = civicdata("accounts", "create-org", "Parks", "--parent", "nowhere")
    assert refused.returncode == 1
    assert "No organisation with the short name 'nowhere'" in refused.stderr
