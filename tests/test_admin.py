"""The admin cannot write what a service guards: for those models a superuser can list and read records
in /admin/ but is refused when adding, changing or deleting them. Models without a page of their own
(organisations, memberships) stay editable, and API tokens are revoked through the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from civicdata.accounts import services as account_services
from civicdata.accounts.models import ApiToken, Membership, Organization
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.models import Dataset, DatasetRevision, HarvestRun, HarvestSource, UsageNote
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.admin import ServiceGuardedAdmin
from civicdata.core.models import AuditEntry
from civicdata.datastore import services as datastore_services
from civicdata.datastore.models import Chart, DataTable, IngestJob, PiiDecision, PiiFinding
from civicdata.datastore.tests.factories import load_table
from civicdata.demand import services as demand_services
from civicdata.demand.models import DataRequest, DemandItem, LogImport, Report
from civicdata.demand.tests.factories import make_request
from civicdata.projects.models import Champion, ExitOverride, Problem, Project, ProjectEvent
from civicdata.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db

# Every model whose writes a service guards (state machines, counters, revisions, personal-data review).
GUARDED = [
    Dataset,
    DatasetRevision,
    HarvestSource,
    HarvestRun,
    UsageNote,
    DataTable,
    IngestJob,
    PiiFinding,
    PiiDecision,
    Chart,
    DataRequest,
    DemandItem,
    LogImport,
    Report,
    Project,
    Problem,
    Champion,
    ExitOverride,
    ProjectEvent,
    ApiToken,
]

PEOPLE_CSV = "name,email,ward\nAna Diaz,ana@example.org,3\nBen Ito,ben@example.org,4\n"


def _url(obj: Any, view: str) -> str:
    meta = obj._meta
    if view in ("changelist", "add"):
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}")
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


@pytest.fixture
def superuser_client(client):
    client.force_login(make_user(staff=True, superuser=True))
    return client


@pytest.fixture
def guarded_records() -> dict[str, Any]:
    """One record of each kind staff most often reach for: a dataset, a table with a personal-data
    decision, a data request and a project."""
    staff = make_user(staff=True)
    dataset = make_dataset(make_organization(), by=staff, published=False)
    table, job = load_table(dataset, PEOPLE_CSV, name="people", by=staff)
    assert job.status == "succeeded", job.error
    column = datastore_services.unresolved_pii(table)[0]
    decision = datastore_services.decide_pii(table, column=column, action="justify", justification="Public.", by=staff)
    table.refresh_from_db()
    organization = make_organization()
    return {
        "dataset": dataset,
        "table": table,
        "pii_decision": decision,
        "data_request": make_request(by=staff),
        # The projects factories number their people separately: pass ours to avoid clashing e-mails.
        "project": make_project(organization, make_member(organization)),
    }


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_guarded_models_use_the_core_read_only_admin(model):
    assert isinstance(admin.site._registry[model], ServiceGuardedAdmin)


@pytest.mark.parametrize("key", ["dataset", "table", "pii_decision", "data_request", "project"])
def test_superuser_can_read_a_guarded_record_but_not_change_it(superuser_client, guarded_records, key):
    obj = guarded_records[key]
    listing = superuser_client.get(_url(obj, "changelist"))
    assert listing.status_code == 200
    assert _url(obj, "change") in listing.content.decode()

    page = superuser_client.get(_url(obj, "change"))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

    before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    assert superuser_client.post(_url(obj, "change"), {"status": "published", "title": "Changed"}).status_code == 403
    assert superuser_client.get(_url(obj, "add")).status_code == 403
    assert superuser_client.post(_url(obj, "delete"), {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields} == before


def test_guarded_table_status_cannot_be_forced_past_the_personal_data_review(superuser_client):
    """The service refuses to publish a table with an undecided personal-data column; the admin must
    not offer a way around it."""
    staff = make_user(staff=True)
    dataset = make_dataset(make_organization(), by=staff, published=False)
    table, _job = load_table(dataset, PEOPLE_CSV, name="people", by=staff)
    assert datastore_services.unresolved_pii(table)
    response = superuser_client.post(_url(table, "change"), {"status": "published", "name": table.name})
    assert response.status_code == 403
    table.refresh_from_db()
    assert table.status != "published"


def test_organisations_and_memberships_stay_editable(superuser_client):
    organization = make_organization()
    response = superuser_client.get(_url(organization, "change"))
    assert response.status_code == 200
    assert 'name="_save"' in response.content.decode()
    assert not isinstance(admin.site._registry[Organization], ServiceGuardedAdmin)
    assert not isinstance(admin.site._registry.get(Membership, None), ServiceGuardedAdmin)


def test_staff_revoke_tokens_with_the_admin_action_through_the_service(superuser_client):
    owner = make_user()
    token, _raw = account_services.issue_api_token(owner, name="laptop")
    response = superuser_client.post(
        _url(token, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="revoke_api_token", target_id=str(token.pk)).exists()


def test_demand_records_changed_only_by_services_keep_their_counters(superuser_client):
    """Votes move a request's counter only through the service; the admin offers no form to edit it."""
    request = make_request()
    demand_services.vote(request, by=make_user())
    request.refresh_from_db()
    assert request.vote_count == 1
    assert superuser_client.post(_url(request, "change"), {"vote_count": 99}).status_code == 403
    request.refresh_from_db()
    assert request.vote_count == 1
