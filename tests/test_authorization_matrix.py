"""The authorization matrix: every role × every guarded action, through pages, the ninja API and the CKAN
API, with a session and with a personal API token (issue 12, item 2).

Roles: anonymous, a resident (no organisation), a partner administrator (a library: a community partner,
not a publisher), an agency editor (editor of the department that publishes the data), a coordinator
(administrator of the city agency above that department) and site staff.

Each row names the outcome per role: a status code, or a check of the body (`sees` / `hidden`). A role
missing from a row's `allowed` set gets the row's `denied` outcome. One test per role and credential
builds the world once and reports every cell that disagrees, so one failure lists the whole row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.accounts.models import Role
from civicdata.accounts.services import issue_api_token
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import services as catalog_services
from civicdata.catalog.tests.factories import make_dataset, pod_catalog, pod_dataset
from civicdata.datastore.models import IngestJob
from civicdata.datastore.tests.factories import load_table
from civicdata.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db

ANON, RESIDENT, PARTNER, EDITOR, COORDINATOR, STAFF = (
    "anonymous",
    "resident",
    "partner",
    "agency-editor",
    "coordinator",
    "site-staff",
)
ALL = frozenset({ANON, RESIDENT, PARTNER, EDITOR, COORDINATOR, STAFF})
SIGNED_IN = ALL - {ANON}
PUBLISHER_STAFF = frozenset({EDITOR, COORDINATOR, STAFF})


@dataclass
class World:
    users: dict[str, Any]
    public_dataset: Any
    restricted_dataset: Any
    draft_dataset: Any
    public_table: Any
    restricted_table: Any
    job: Any
    harvest_run: Any
    project: Any


def build_world() -> World:
    city = make_organization("City", org_type="agency")
    department = make_organization("Transport", parent=city)
    library = make_organization("Library", org_type="library")
    other = make_organization("Parks")
    users = {
        ANON: None,
        RESIDENT: make_user(),
        PARTNER: make_member(library, role=Role.ADMIN),
        EDITOR: make_member(department, role=Role.EDITOR),
        COORDINATOR: make_member(city, role=Role.ADMIN),
        STAFF: make_user(staff=True),
    }
    make_member(other, role=Role.EDITOR, user=users[PARTNER])  # an editor elsewhere is no editor here
    users[PARTNER].memberships.filter(organization=other).delete()
    public_dataset = make_dataset(department)
    restricted_dataset = make_dataset(department, accessLevel="restricted public")
    draft_dataset = make_dataset(department, published=False)
    from civicdata.datastore import services as datastore_services

    tables = []
    for dataset, name in ((public_dataset, "pub"), (restricted_dataset, "res")):
        table, job = load_table(dataset, name=name)
        assert job.status == "succeeded", job.error
        for column in datastore_services.unresolved_pii(table):
            datastore_services.decide_pii(table, column=column, action="justify", justification="Public.", by=None)
        tables.append(datastore_services.publish_table(table, by=None))
    run = catalog_services.import_catalog(
        publisher=department, document=pod_catalog(pod_dataset()), by=None, origin="test", dry_run=True
    )
    project = make_project(department, staff=users[EDITOR])
    return World(
        users=users,
        public_dataset=public_dataset,
        restricted_dataset=restricted_dataset,
        draft_dataset=draft_dataset,
        public_table=tables[0],
        restricted_table=tables[1],
        job=IngestJob.objects.filter(table=tables[1]).latest("pk"),
        harvest_run=run,
        project=project,
    )


def _json(response: Any) -> Any:
    return json.loads(response.content)


def sees_in_sql(response: Any) -> bool:
    return response.status_code == 200 and _json(response)["rows"] == [[5]]


def lists_draft(response: Any, world: World) -> bool:
    names = {item["name"] for item in _json(response)["items"]}
    return response.status_code == 200 and world.draft_dataset.name in names


def openapi_lists(which: str) -> Callable[[Any, World], bool]:
    def check(response: Any, world: World) -> bool:
        table = getattr(world, which)
        return response.status_code == 200 and f"{table.dataset.name}/{table.name}" in response.content.decode()

    return check


def redirects_to(fragment: str) -> Callable[[Any], bool]:
    def check(response: Any) -> bool:
        return response.status_code == 302 and fragment in response["Location"]

    return check


def status(code: int) -> Callable[[Any], bool]:
    def check(response: Any) -> bool:
        return response.status_code == code

    check.__name__ = f"status {code}"
    return check


@dataclass
class Row:
    """One guarded action: how to ask, who may, and what the others get."""

    name: str
    via: str  # "page", "api" (ninja) or "ckan"
    request: Callable[[World], tuple[str, str, dict[str, Any]]]  # (method, url, data)
    allowed: frozenset[str]
    granted: Callable[[Any], bool] = field(default_factory=lambda: status(200))
    denied: Callable[[Any], bool] = field(default_factory=lambda: status(404))
    #: what anonymous gets when denied, if different (pages send them to sign in)
    anonymous: Callable[[Any], bool] | None = None


def get(url: Callable[[World], str]) -> Callable[[World], tuple[str, str, dict[str, Any]]]:
    return lambda world: ("get", url(world), {})


def post(url: Callable[[World], str], data: dict[str, Any] | None = None) -> Callable[[World], Any]:
    return lambda world: ("post", url(world), data or {})


SIGN_IN = redirects_to("/accounts/login/")
SQL = "/api/data/sql?sql=select+count(*)+from+"


def open_to_all(name: str, via: str, url: Callable[[World], str]) -> Row:
    """A read everyone may make."""
    return Row(name, via, get(url), ALL)


def staff_page(
    name: str,
    request: Callable[[World], tuple[str, str, dict[str, Any]]],
    allowed: frozenset[str] = PUBLISHER_STAFF,
    *,
    denied: Callable[[Any], bool] | None = None,
    granted: Callable[[Any], bool] | None = None,
) -> Row:
    """A page for signed-in people only: anonymous visitors are sent to sign in, others denied get a
    404 unless `denied` says otherwise."""
    return Row(
        name,
        "page",
        request,
        allowed,
        granted=granted or status(200),
        denied=denied or status(404),
        anonymous=SIGN_IN,
    )


ROWS: list[Row] = [
    # -- catalog
    open_to_all("public dataset page", "page", lambda w: w.public_dataset.get_absolute_url()),
    open_to_all("restricted-public dataset page", "page", lambda w: w.restricted_dataset.get_absolute_url()),
    Row("draft dataset page", "page", get(lambda w: w.draft_dataset.get_absolute_url()), PUBLISHER_STAFF),
    staff_page(
        "draft dataset edit page",
        get(lambda w: reverse("catalog:dataset_edit", args=[w.draft_dataset.name])),
        denied=status(403),
    ),
    staff_page("harvest run report", get(lambda w: reverse("catalog:harvest_run", args=[w.harvest_run.pk]))),
    staff_page(
        "harvest run that does not exist",
        get(lambda w: reverse("catalog:harvest_run", args=[w.harvest_run.pk + 1000])),
        frozenset(),
    ),
    Row("draft dataset (API)", "api", get(lambda w: f"/api/catalog/datasets/{w.draft_dataset.name}"), PUBLISHER_STAFF),
    Row(
        "dataset search lists the draft (API)",
        "api",
        get(lambda w: "/api/catalog/datasets?limit=50"),
        frozenset({STAFF}),  # search covers the whole inventory for site staff only
        granted=lists_draft,
        denied=lambda r, w: r.status_code == 200 and not lists_draft(r, w),
    ),
    open_to_all(
        "restricted-public package_show (CKAN)",
        "ckan",
        lambda w: f"/api/3/action/package_show?id={w.restricted_dataset.name}",
    ),
    Row(
        "draft package_show (CKAN, public listing only)",
        "ckan",
        get(lambda w: f"/api/3/action/package_show?id={w.draft_dataset.name}"),
        frozenset(),
    ),
    # -- datastore
    open_to_all("public table page", "page", lambda w: w.public_table.get_absolute_url()),
    Row("restricted table page", "page", get(lambda w: w.restricted_table.get_absolute_url()), PUBLISHER_STAFF),
    open_to_all("public table rows (API)", "api", lambda w: w.public_table.api_path),
    *(
        Row(
            f"restricted table {what} (API)",
            "api",
            get(lambda w, suffix=suffix: f"{w.restricted_table.api_path}{suffix}"),
            PUBLISHER_STAFF,
        )
        for what, suffix in (("rows", ""), ("CSV", ".csv"), ("schema", "/schema"))
    ),
    Row("public table by SQL", "api", get(lambda w: SQL + w.public_table.relation), ALL, granted=sees_in_sql),
    Row(
        "restricted table by SQL",
        "api",
        get(lambda w: SQL + w.restricted_table.relation),
        PUBLISHER_STAFF,
        granted=sees_in_sql,
        denied=status(400),
    ),
    Row(
        "OpenAPI lists public table columns",
        "api",
        get(lambda w: "/api/openapi.json"),
        ALL,
        granted=openapi_lists("public_table"),
    ),
    Row(
        "OpenAPI never lists restricted table columns",
        "api",
        get(lambda w: "/api/openapi.json"),
        ALL,
        granted=lambda r, w: r.status_code == 200 and not openapi_lists("restricted_table")(r, w),
    ),
    staff_page("load progress page", get(lambda w: reverse("datastore:job", args=[w.job.pk]))),
    staff_page(
        "load progress page that does not exist",
        get(lambda w: reverse("datastore:job", args=[w.job.pk + 1000])),
        frozenset(),
    ),
    # -- demand
    *(
        staff_page(f"demand {name} page", get(lambda w, name=name: reverse(f"demand:{name}")), denied=status(403))
        for name in ("triage", "metrics", "imports", "release_queue")
    ),
    staff_page(
        "recompute demand topics",
        post(lambda w: reverse("demand:analytics")),
        granted=redirects_to(reverse("demand:analytics")),
        denied=status(403),
    ),
    staff_page(
        "priority weights",
        post(
            lambda w: reverse("demand:release_queue"),
            {"demand": 1, "mission": 1, "effort": 1, "privacy": 1, "security": 1},
        ),
        frozenset({STAFF}),
        granted=redirects_to(reverse("demand:release_queue")),
        denied=status(403),
    ),
    # -- projects
    open_to_all("project page", "page", lambda w: w.project.get_absolute_url()),
    staff_page(
        "project workspace", get(lambda w: reverse("projects:workspace", args=[w.project.slug])), denied=status(403)
    ),
    # -- accounts
    Row("who am I (API)", "api", get(lambda w: "/api/accounts/me"), SIGNED_IN, denied=status(401)),
]

CASES = [(ANON, "none")] + [(role, credential) for role in sorted(SIGNED_IN) for credential in ("session", "token")]


def _client(world: World, role: str, credential: str) -> Client:
    client = Client()
    user = world.users[role]
    if credential == "session":
        client.force_login(user)
    elif credential == "token":
        _token, raw = issue_api_token(user, name="matrix")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _expected(row: Row, role: str) -> Callable[[Any], bool]:
    if role in row.allowed:
        return row.granted
    if role == ANON and row.anonymous is not None:
        return row.anonymous
    return row.denied


def _takes_world(check: Callable[..., bool]) -> bool:
    return check.__code__.co_argcount == 2


@pytest.mark.parametrize(("role", "credential"), CASES, ids=[f"{r}-{c}" for r, c in CASES])
def test_authorization_matrix(role: str, credential: str) -> None:
    world = build_world()
    client = _client(world, role, credential)
    mismatches = []
    for row in ROWS:
        if credential == "token" and row.via == "page":
            continue  # tokens are for the API; pages use the session
        method, url, data = row.request(world)
        response = client.post(url, data) if method == "post" else client.get(url)
        check = _expected(row, role)
        if not (check(response, world) if _takes_world(check) else check(response)):
            location = response.get("Location", "")
            mismatches.append(f"{row.name} [{row.via}] {method.upper()} {url} → {response.status_code} {location}")
    assert not mismatches, f"{role} with {credential}:\n" + "\n".join(mismatches)


def test_a_bad_token_is_refused_not_ignored() -> None:
    """A token that does not exist answers 401 on a read endpoint instead of quietly reading as anonymous."""
    response = Client().get("/api/catalog/datasets", HTTP_AUTHORIZATION="Bearer cd_not-a-real-token")
    assert response.status_code == 401
    assert _json(response)["error"]["code"] == "not_authenticated"
