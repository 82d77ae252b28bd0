"""The CKAN-compatible API, exercised with the real `ckanapi` client against a live test server."""

from __future__ import annotations

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset

ckanapi = pytest.importorskip("ckanapi")


@pytest.fixture
def remote(live_server, transactional_db):
    parks = make_organization("Parks Department", slug="parks")
    police = make_organization("Police Department", slug="police")
    make_dataset(parks, identifier="trees", title="Street trees", keyword=["trees"], theme=["Environment"])
    make_dataset(parks, identifier="benches", title="Park benches", keyword=["furniture"])
    make_dataset(police, identifier="crime", title="Crime incidents", keyword=["crime", "safety"])
    make_dataset(police, identifier="hidden", title="Internal roster", accessLevel="non-public", rights="Personnel.")
    with ckanapi.RemoteCKAN(live_server.url, user_agent="civicdata-tests") as ckan:
        yield ckan


def test_package_list_and_show(remote):
    """package_list names every public dataset; package_show finds one by name or identifier."""
    names = remote.action.package_list()
    assert len(names) == 3
    shown = remote.action.package_show(id="trees")
    assert shown["title"] == "Street trees"
    assert shown["organization"]["name"] == "parks"
    assert shown["resources"][0]["format"] == "CSV"
    assert {"key": "identifier", "value": "trees"} in shown["extras"]
    assert remote.action.package_show(id=names[0])["name"] == names[0]


def test_package_show_of_unknown_or_non_public_is_not_found(remote):
    """Unknown and non-public datasets answer CKAN's NotFound error."""
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="hidden")
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="nope")


def test_package_search_with_q_fq_rows_start_sort_and_facets(remote):
    """package_search honours q, fq, rows, start, sort and facet.field like CKAN."""
    found = remote.action.package_search(q="trees")
    assert found["count"] == 1
    assert found["results"][0]["title"] == "Street trees"
    by_org = remote.action.package_search(fq="organization:police", rows=1, start=0, sort="title_string asc")
    assert by_org["count"] == 1
    assert len(by_org["results"]) == 1
    assert by_org["results"][0]["title"] == "Crime incidents"
    page2 = remote.action.package_search(rows=2, start=2, sort="title_string asc")
    assert [r["title"] for r in page2["results"]] == ["Street trees"]
    faceted = remote.action.package_search(**{"facet.field": '["organization", "tags"]'})
    assert faceted["facets"]["organization"] == {"parks": 2, "police": 1}
    assert faceted["search_facets"]["tags"]["items"]


def test_organizations_groups_tags_resources_and_status(remote):
    """The remaining read actions answer in CKAN's shapes."""
    assert remote.action.organization_list() == ["parks", "police"]
    org = remote.action.organization_show(id="parks")
    assert org["package_count"] == 2
    assert remote.action.group_list() == ["environment"]
    assert "crime" in remote.action.tag_list()
    package = remote.action.package_show(id="trees")
    resource = remote.action.resource_show(id=package["resources"][0]["id"])
    assert resource["url"].endswith(".csv")
    assert remote.action.status_show()["ckan_version"].startswith("2.")


@pytest.mark.django_db
def test_envelope_and_unknown_action(client):
    """Every answer carries help/success; unknown actions are a 400 with an error object."""
    response = client.get("/api/3/action/status_show")
    body = response.json()
    assert body["success"] is True
    assert "help" in body
    bad = client.get("/api/3/action/package_delete")
    assert bad.status_code == 400
    assert bad.json()["success"] is False
