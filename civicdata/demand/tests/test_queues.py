"""Every data request reaches a person who can act on it: its department's editors, the assigned publisher's
editors, or, when it names no department, the coordinators of the root organisation."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdata.accounts.models import Membership, Role, User
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.demand import permissions
from civicdata.demand.models import OPEN_STATUSES, DataRequest, DeclineReason, RequestStatus
from civicdata.demand.queries import triage_queue
from civicdata.demand.tests.factories import make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    root = make_organization("City of Testville", org_type="agency")
    department = make_organization("Parks", parent=root)
    other_root = make_organization("County Library", org_type="library")
    coordinator = make_member(root, role=Role.ADMIN)
    make_member(department, role=Role.EDITOR)
    make_member(other_root, role=Role.ADMIN)
    return root, department, coordinator


def _coordinators() -> list[User]:
    """Everyone who triages without being site staff: editors and administrators of some organisation."""
    ids = Membership.objects.filter(role__in=[Role.EDITOR, Role.ADMIN]).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_staff=False, is_superuser=False))


def test_every_request_in_every_state_is_in_some_coordinators_queue(city):
    _, department, _ = city
    requests = [
        make_request(title="Tree inventory", publisher=department),
        make_request(title="Bus stop locations"),
        make_request(title="Pool opening hours"),
    ]
    DataRequest.objects.filter(pk=requests[2].pk).update(assigned_publisher=department)
    people = _coordinators()
    for status in RequestStatus.values:
        DataRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            status=status,
            target_date=dt.date(2030, 1, 1),
            decline_reason=DeclineReason.NOT_HELD if status == RequestStatus.DECLINED else "",
        )
        for data_request in DataRequest.objects.filter(pk__in=[r.pk for r in requests]):
            who_triage = [person for person in people if permissions.can_triage(person, data_request)]
            assert who_triage, f"{data_request.title} ({status}) can be changed by nobody but site staff"
            if status in OPEN_STATUSES:
                queues = [person for person in people if triage_queue(person).filter(pk=data_request.pk).exists()]
                assert queues, f"{data_request.title} ({status}) is outside every coordinator's queue"


def test_a_request_without_a_department_goes_to_the_root_coordinators_only(city):
    root, department, coordinator = city
    loose = make_request(title="Bus stop locations")
    department_editor = Membership.objects.get(organization=department).user
    library_admin = Membership.objects.exclude(organization__in=[root, department]).get().user
    assert triage_queue(coordinator).filter(pk=loose.pk).exists()
    assert permissions.can_triage(coordinator, loose)
    assert not triage_queue(department_editor).filter(pk=loose.pk).exists()
    assert not permissions.can_triage(department_editor, loose)
    # A community partner at the top of its own tree is not a publisher: it does not triage the city's requests.
    assert not permissions.can_triage(library_admin, loose)
    assert not permissions.can_triage(make_user(), loose)
