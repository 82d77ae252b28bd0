import pytest

from civicdata.accounts import permissions
from civicdata.accounts.models import Role
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.core.errors import ActionRefused, NotSignedIn

pytestmark = pytest.mark.django_db


def test_editor_of_a_parent_can_edit_for_its_bureaus():
    """A role in a department carries down its subOrganizationOf chain, not up."""
    city = make_organization(org_type="agency")
    department = make_organization(parent=city)
    bureau = make_organization(org_type="bureau", parent=department)
    editor = make_member(department, role=Role.EDITOR)
    assert permissions.can_edit_for(editor, bureau)
    assert permissions.can_edit_for(editor, department)
    assert not permissions.can_edit_for(editor, city)


def test_members_cannot_edit_and_are_told_why():
    department = make_organization("Parks")
    member = make_member(department, role=Role.MEMBER)
    assert not permissions.can_edit_for(member, department)
    with pytest.raises(ActionRefused, match="Only editors of Parks"):
        permissions.ensure_can_edit_for(member, department)


def test_anonymous_people_must_sign_in():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotSignedIn):
        permissions.ensure_can_edit_for(AnonymousUser(), make_organization())


def test_site_staff_can_edit_everywhere_but_only_superusers_read_the_audit_log():
    staff = make_user(staff=True)
    assert permissions.can_edit_for(staff, make_organization())
    with pytest.raises(ActionRefused):
        permissions.ensure_site_admin(staff)
    permissions.ensure_site_admin(make_user(superuser=True))


def test_editable_organizations_includes_descendants():
    city = make_organization(org_type="agency")
    department = make_organization(parent=city)
    bureau = make_organization(org_type="bureau", parent=department)
    other = make_organization()
    editor = make_member(city, role=Role.ADMIN)
    editable = permissions.editable_organizations(editor)
    assert {org.pk for org in editable} == {city.pk, department.pk, bureau.pk}
    assert other not in editable
