"""OGC CSW at /csw, read with OWSLib (the client QGIS MetaSearch is built on) against a live server, and
hostile or faulty requests checked on the raw answers."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as ET
from django.test import Client
from owslib.csw import CatalogueServiceWeb
from owslib.fes import And, BBox, PropertyIsLike

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.tests.factories import make_dataset

CSW = "{http://www.opengis.net/cat/csw/2.0.2}"
OWS = "{http://www.opengis.net/ows}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://data.example.org"


@pytest.fixture
def catalog(transactional_db):
    city = Organization.objects.create(name="City", slug="city", kind="publisher", org_type="department")
    # Philadelphia and Pittsburgh: boxes far enough apart that a box around one misses the other.
    trees = make_dataset(
        city,
        title="Street trees",
        keyword=["trees"],
        spatial="-75.28,39.87,-74.96,40.14",
    )
    bridges = make_dataset(city, title="Bridge inspections", keyword=["bridges"], spatial="-80.10,40.36,-79.86,40.50")
    permits = make_dataset(city, title="Building permits", keyword=["permits"])
    draft = make_dataset(city, title="Draft tree survey", published=False, spatial="-75.2,39.9,-75.1,40.0")
    gone = make_dataset(city, title="Old tree list", spatial="-75.2,39.9,-75.1,40.0")
    services.withdraw_dataset(gone, by=None, reason="Replaced")
    return {"trees": trees, "bridges": bridges, "permits": permits, "draft": draft, "gone": gone}


def _client(live_server) -> CatalogueServiceWeb:
    return CatalogueServiceWeb(f"{live_server.url}/csw", timeout=30)


def test_get_capabilities_names_the_service_and_its_operations(catalog, live_server, settings):
    settings.SITE_NAME = "Springfield Open Data"
    csw = _client(live_server)
    assert csw.identification.type == "CSW"
    assert csw.identification.title == "Springfield Open Data"
    assert csw.version == "2.0.2"
    names = {op.name for op in csw.operations}
    assert {"GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById"} <= names


def test_text_search_finds_public_datasets_only(catalog, live_server):
    csw = _client(live_server)
    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%tree%")], esn="full", maxrecords=20)
    titles = {record.title for record in csw.records.values()}
    assert titles == {"Street trees"}  # not the draft, not the withdrawn one
    assert csw.results["matches"] == 1
    record = csw.records[str(catalog["trees"].uuid)]
    assert "trees" in record.subjects
    assert record.bbox is not None
    assert (float(record.bbox.minx), float(record.bbox.miny)) == (-75.28, 39.87)
    assert (float(record.bbox.maxx), float(record.bbox.maxy)) == (-74.96, 40.14)


def test_bounding_box_search_keeps_datasets_that_overlap(catalog, live_server):
    csw = _client(live_server)
    # Around Pittsburgh, longitude first (no CRS named).
    csw.getrecords2(constraints=[BBox([-80.5, 40.0, -79.5, 41.0])], esn="summary")
    assert {r.title for r in csw.records.values()} == {"Bridge inspections"}
    # The same box in EPSG's 4326 axis order (latitude first).
    csw.getrecords2(constraints=[BBox([40.0, -80.5, 41.0, -79.5], crs="urn:ogc:def:crs:EPSG::4326")])
    assert {r.title for r in csw.records.values()} == {"Bridge inspections"}
    # Text and box together (ogc:And): trees near Pittsburgh, none.
    csw.getrecords2(constraints=[And([PropertyIsLike("csw:AnyText", "%tree%"), BBox([-80.5, 40.0, -79.5, 41.0])])])
    assert csw.results["matches"] == 0


def test_paging_walks_every_public_record_once(catalog, live_server):
    csw = _client(live_server)
    seen: list[str] = []
    start = 1
    while start:
        csw.getrecords2(startposition=start, maxrecords=2, esn="brief")
        seen += list(csw.records)
        start = csw.results["nextrecord"]
    expected = {str(catalog[k].uuid) for k in ("trees", "bridges", "permits")}
    assert sorted(seen) == sorted(expected)


def test_get_record_by_id_takes_the_uuid_or_the_pod_identifier(catalog, live_server):
    csw = _client(live_server)
    csw.getrecordbyid(id=[str(catalog["permits"].uuid)])
    assert [r.title for r in csw.records.values()] == ["Building permits"]
    csw.getrecordbyid(id=[catalog["bridges"].identifier])
    assert [r.title for r in csw.records.values()] == ["Bridge inspections"]
    csw.getrecordbyid(id=[str(catalog["draft"].uuid)])
    assert csw.records == {}


def test_changes_show_at_once(catalog, live_server):
    csw = _client(live_server)
    services.withdraw_dataset(catalog["trees"], by=None, reason="Wrong")
    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%tree%")])
    assert csw.results["matches"] == 0


def _post(client: Client, body: bytes | str):
    data = body.encode() if isinstance(body, str) else body
    return client.post("/csw", data=data, content_type="application/xml")


def _exception(response) -> tuple[str, str]:
    root = ET.fromstring(response.content)
    assert root.tag == f"{OWS}ExceptionReport"
    exception = root.find(f"{OWS}Exception")
    return exception.get("exceptionCode"), exception.findtext(f"{OWS}ExceptionText")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" version="2.0.2">&lol3;
</csw:GetRecords>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" version="2.0.2">&xxe;</csw:GetRecords>"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "words"),
    [
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        ("<a>" * 100 + "</a>" * 100, "deep"),
        ("<csw:GetRecords " + "x" * (300 * 1024), "larger than"),
        ("<csw:GetRecords", "well-formed"),
    ],
    ids=["billion-laughs", "external-entity", "deep", "huge", "broken"],
)
def test_hostile_xml_gets_a_clear_exception_report(client, body, words):
    response = _post(client, body)
    assert response.status_code == 400
    code, text = _exception(response)
    assert code == "NoApplicableCode"
    assert words in text


@pytest.mark.django_db
def test_faulty_requests_name_the_faulty_parameter(client):
    response = client.get("/csw", {"service": "CSW", "version": "2.0.2", "request": "GetRecords", "maxRecords": "x"})
    assert response.status_code == 400
    assert _exception(response)[0] == "InvalidParameterValue"
    response = client.get("/csw", {"service": "CSW", "version": "2.0.2", "request": "Harvest"})
    assert response.status_code == 501
    assert _exception(response)[0] == "OperationNotSupported"
    response = client.get("/csw", {"service": "CSW"})
    assert _exception(response)[0] == "MissingParameterValue"
    response = client.get(
        "/csw",
        {
            "service": "CSW",
            "version": "2.0.2",
            "request": "GetRecords",
            "constraintLanguage": "CQL_TEXT",
            "constraint": "DROP TABLE x",
        },
    )
    assert _exception(response)[0] == "InvalidParameterValue"


def test_kvp_get_records_with_cql_and_results(catalog, client):
    response = client.get(
        "/csw",
        {
            "service": "CSW",
            "version": "2.0.2",
            "request": "GetRecords",
            "typeNames": "csw:Record",
            "resultType": "results",
            "elementSetName": "full",
            "constraintLanguage": "CQL_TEXT",
            "constraint": "csw:AnyText like '%bridge%'",
        },
    )
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    results = root.find(f"{CSW}SearchResults")
    assert results.get("numberOfRecordsMatched") == "1"
    record = results.find(f"{CSW}Record")
    assert record.findtext(f"{DC}title") == "Bridge inspections"
    assert record.find(f"{OWS}BoundingBox/{OWS}LowerCorner").text == "40.36 -80.1"


def test_describe_record_points_at_the_dublin_core_schema(db, client):
    response = client.get("/csw", {"service": "CSW", "version": "2.0.2", "request": "DescribeRecord"})
    assert response.status_code == 200
    assert b"record.xsd" in response.content
