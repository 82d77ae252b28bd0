import pytest
from django.db import IntegrityError

from civicdata.accounts import services
from civicdata.accounts.models import Membership, Organization, Role
from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.core.errors import ActionRefused, InvalidInput
from civicdata.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_staff_create_a_publisher_and_the_audit_log_records_it():
    staff = make_user(staff=True)
    city = services.create_organization(by=staff, name="City of Testville", org_type="agency")
    department = services.create_organization(by=staff, name="Parks", org_type="department", parent=city)
    assert department.kind == "publisher"
    assert department.as_pod_publisher() == {
        "@type": "org:Organization",
        "name": "Parks",
        "subOrganizationOf": {"@type": "org:Organization", "name": "City of Testville"},
    }
    entry = AuditEntry.objects.filter(action="create_organization", target_id=str(department.pk)).get()
    assert entry.actor == staff
    assert entry.after["name"] == "Parks"


def test_a_partner_cannot_be_part_of_a_publisher():
    staff = make_user(staff=True)
    city = make_organization(org_type="agency")
    with pytest.raises(InvalidInput):
        services.create_organization(by=staff, name="Library", org_type="library", parent=city)
    assert not Organization.objects.filter(name="Library").exists()


def test_residents_cannot_create_organisations():
    with pytest.raises(ActionRefused):
        services.create_organization(by=make_user(), name="Mine", org_type="agency")


def test_membership_role_change_is_audited_with_before_and_after():
    staff = make_user(staff=True)
    organization = make_organization()
    person = make_user()
    services.set_membership(organization, user=person, role=Role.MEMBER, by=staff)
    services.set_membership(organization, user=person, role=Role.EDITOR, by=staff)
    assert Membership.objects.get(user=person).role == Role.EDITOR
    change = AuditEntry.objects.filter(action="set_membership").first()
    assert change.before["role"] == "member"
    assert change.after["role"] == "editor"


def test_one_membership_per_person_and_organisation_is_a_database_rule():
    organization = make_organization()
    person = make_user()
    Membership.objects.create(user=person, organization=organization)
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=person, organization=organization, role=Role.ADMIN)


def test_api_tokens_are_stored_hashed_and_can_be_revoked():
    person = make_user()
    token, raw = services.issue_api_token(person, name="script")
    assert raw.startswith("cd_")
    assert raw not in token.key_hash
    assert services.authenticate_token(raw) == person
    services.revoke_api_token(token, by=person)
    assert services.authenticate_token(raw) is None
    assert services.authenticate_token("cd_not-a-real-token") is None
