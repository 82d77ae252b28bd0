"""Tests of the published listings: /data.json, the inventory, per-publisher listings, caching and exports."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_organization("City", slug="city", org_type="agency")


@pytest.fixture
def parks(city):
    return make_organization("Parks", slug="parks", parent=city)


# The official v1.1 schema is the federal one: bureau and program codes are required there.
FEDERAL = {"bureauCode": ["015:11"], "programCode": ["015:001"]}


@pytest.fixture
def catalog(city, parks):
    return {
        "public": make_dataset(parks, identifier="pub", **FEDERAL),
        "restricted": make_dataset(
            parks, identifier="res", accessLevel="restricted public", rights="Ask the clerk.", **FEDERAL
        ),
        "nonpublic": make_dataset(city, identifier="non", accessLevel="non-public", rights="Personal data.", **FEDERAL),
        "draft": make_dataset(parks, identifier="draft", published=False, **FEDERAL),
    }


def official_validator() -> Draft4Validator:
    """Draft-04 validator on the official v1.1 catalog schema, with its relative $refs served locally."""
    folder = realdata_path("pod-schema/v1.1/schema")
    draft4 = DRAFT4
    resources = []
    for path in folder.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema, default_specification=draft4)
        resources.append((f"https://project-open-data.cio.gov/v1.1/schema/{path.name}", resource))
    catalog_schema = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    return Draft4Validator(catalog_schema, registry=Registry().with_resources(resources))


def body(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_data_json_lists_only_published_public_datasets_and_is_valid(client, catalog):
    """/data.json streams public and restricted-public published datasets and passes the official schema."""
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response.streaming
    doc = body(response)
    assert sorted(d["identifier"] for d in doc["dataset"]) == ["pub", "res"]
    assert doc["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    errors = list(official_validator().iter_errors(doc))
    assert errors == [], [e.message for e in errors[:3]]


def test_etag_and_last_modified_give_304(client, catalog):
    """A client that repeats its ETag or date gets 304 Not Modified; a change produces a new ETag."""
    first = client.get("/data.json")
    etag = first["ETag"]
    assert client.get("/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/data.json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    make_dataset(catalog["public"].publisher, identifier="new-one")
    assert client.get("/data.json", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_inventory_is_for_staff_only(client, catalog):
    """The Enterprise Data Inventory includes non-public datasets and is refused to anonymous people."""
    assert client.get("/data.json?inventory=1").status_code in (302, 401, 403)
    assert client.get("/catalog/inventory.json").status_code in (302, 401, 403)
    client.force_login(make_user(staff=True))
    doc = body(client.get("/catalog/inventory.json"))
    assert {d["identifier"] for d in doc["dataset"]} == {"pub", "res", "non", "draft"}


def test_publisher_listing_covers_sub_organisations(client, catalog, city, parks):
    """/publishers/city/data.json includes its component's datasets; a component's editor sees its inventory."""
    doc = body(client.get("/publishers/city/data.json"))
    assert sorted(d["identifier"] for d in doc["dataset"]) == ["pub", "res"]
    editor = make_member(parks)
    client.force_login(editor)
    doc = body(client.get("/publishers/parks/data.json?inventory=1"))
    assert sorted(d["identifier"] for d in doc["dataset"]) == ["draft", "pub", "res"]
    assert client.get("/publishers/city/data.json?inventory=1").status_code == 403


def test_data_json_query_count_is_bounded(client, catalog, parks, django_assert_max_num_queries):
    """Streaming reads datasets and distributions in chunks: a constant number of queries."""
    for number in range(30):
        make_dataset(parks, identifier=f"bulk-{number}")
    with django_assert_max_num_queries(8):
        b"".join(client.get("/data.json").streaming_content)


def test_exports_stream_csv_and_rdf(client, catalog):
    """CSV, XLSX, JSON-LD and Turtle exports contain the public datasets only."""
    csv_text = b"".join(client.get("/catalog/export.csv").streaming_content).decode()
    assert "pub" in csv_text
    assert "draft" not in csv_text.split("\n", 1)[1]
    xlsx = client.get("/catalog/export.xlsx")
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    jsonld = json.loads(b"".join(client.get("/catalog/catalog.jsonld").streaming_content))
    assert "@graph" in jsonld
    turtle = b"".join(client.get("/catalog/catalog.ttl").streaming_content).decode()
    assert "dcat:Dataset" in turtle
