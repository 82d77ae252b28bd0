"""OGC CSW 3.0.0 at /csw, read with OWSLib's CSW 3 client against a live server (capabilities, text and box
searches in FES 2.0, paging, GetRecordById, changes showing at once), plus version negotiation, the
OpenSearch-style KVP parameters, Atom output and OWS 2.0 exception reports on the raw answers."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as ET
from django.test import Client
from owslib.catalogue.csw3 import CatalogueServiceWeb, Csw30Record
from owslib.etree import etree
from owslib.fes2 import BBox, PropertyIsLike
from requests import HTTPError

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.tests.factories import make_dataset

CSW30 = "{http://www.opengis.net/cat/csw/3.0}"
CSW = "{http://www.opengis.net/cat/csw/2.0.2}"
OWS20 = "{http://www.opengis.net/ows/2.0}"
OWS = "{http://www.opengis.net/ows}"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
GEORSS = "{http://www.georss.org/georss}"
PITTSBURGH = [-80.5, 40.0, -79.5, 41.0]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://data.example.org"
    settings.SITE_NAME = "Springfield Open Data"


def _catalog():
    city = Organization.objects.create(name="City", slug="city", kind="publisher", org_type="department")
    # Philadelphia and Pittsburgh: boxes far enough apart that a box around one misses the other.
    trees = make_dataset(city, title="Street trees", keyword=["trees"], spatial="-75.28,39.87,-74.96,40.14")
    bridges = make_dataset(city, title="Bridge inspections", keyword=["bridges"], spatial="-80.10,40.36,-79.86,40.50")
    permits = make_dataset(city, title="Building permits", keyword=["permits"])
    draft = make_dataset(city, title="Draft tree survey", published=False, spatial="-75.2,39.9,-75.1,40.0")
    gone = make_dataset(city, title="Old tree list", spatial="-75.2,39.9,-75.1,40.0")
    services.withdraw_dataset(gone, by=None, reason="Replaced")
    return {"trees": trees, "bridges": bridges, "permits": permits, "draft": draft, "gone": gone}


@pytest.fixture
def live_catalog(transactional_db):
    return _catalog()


@pytest.fixture
def catalog(db):
    return _catalog()


def _client(live_server) -> CatalogueServiceWeb:
    return CatalogueServiceWeb(f"{live_server.url}/csw", timeout=30)


# -- with OWSLib's CSW 3.0 client ---------------------------------------------------------------------


def test_capabilities_and_searches_with_the_csw3_client(live_catalog, live_server):
    csw = _client(live_server)
    assert csw.identification.type == "CSW"
    assert csw.identification.title == "Springfield Open Data"
    assert csw.identification.version == "3.0.0"
    assert {"GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById"} <= {op.name for op in csw.operations}
    assert csw.parameters["version"].values == ["3.0.0", "2.0.2"]
    assert "BBOX" in csw.filters.spatial_operators

    # Text (FES 2.0 PropertyIsLike): public datasets only, not the draft nor the withdrawn one.
    csw.getrecords(constraints=[PropertyIsLike("csw30:AnyText", "%tree%")], esn="full", maxrecords=20)
    assert {r.title for r in csw.records.values()} == {"Street trees"}
    assert csw.results["matches"] == 1
    record = csw.records[str(live_catalog["trees"].uuid)]
    assert "trees" in record.subjects
    assert record.bbox is not None  # an ows20:BoundingBox
    corners = ET.fromstring(record.xml).find(f"{OWS20}BoundingBox")
    assert corners.findtext(f"{OWS20}LowerCorner") == "39.87 -75.28"  # EPSG:4326, latitude first
    assert corners.findtext(f"{OWS20}UpperCorner") == "40.14 -74.96"

    # Box (FES 2.0 BBOX), longitude first without a CRS, then latitude first as EPSG's URN says.
    csw.getrecords(constraints=[BBox(PITTSBURGH)])
    assert {r.title for r in csw.records.values()} == {"Bridge inspections"}
    csw.getrecords(constraints=[BBox([40.0, -80.5, 41.0, -79.5], crs="urn:ogc:def:crs:EPSG::4326")])
    assert {r.title for r in csw.records.values()} == {"Bridge inspections"}
    # Text and box together (fes:And): trees near Pittsburgh, none.
    csw.getrecords(constraints=[[PropertyIsLike("csw30:AnyText", "%tree%"), BBox(PITTSBURGH)]])
    assert csw.results["matches"] == 0

    # Paging: every public record once, nextRecord 0 on the last page.
    seen: list[str] = []
    start = 1
    while start:
        csw.getrecords(startposition=start, maxrecords=2, esn="brief")
        assert csw.results["returned"] == len(csw.records)
        seen += list(csw.records)
        start = csw.results["nextrecord"]
    assert sorted(seen) == sorted(str(live_catalog[k].uuid) for k in ("trees", "bridges", "permits"))


def test_get_record_by_id_answers_the_bare_record(live_catalog, live_server):
    csw = _client(live_server)
    # CSW 3.0 answers GetRecordById with the record itself (OWSLib 0.36 keeps it in `response` only).
    csw.getrecordbyid(id=[str(live_catalog["permits"].uuid)], esn="full")
    root = etree.fromstring(csw.response)  # lxml, as OWSLib's record reader needs
    assert root.tag == f"{CSW30}Record"
    assert Csw30Record(root).title == "Building permits"
    # (OWSLib 0.36 accepts a bare csw30:Record only, so brief and summary forms are checked without it.)
    csw.getrecordbyid(id=[live_catalog["bridges"].identifier])
    root = etree.fromstring(csw.response)
    assert root.tag == f"{CSW30}Record"
    assert Csw30Record(root).title == "Bridge inspections"
    # Not public: CSW 3.0's NotFound with status 404, which OWSLib raises as an HTTP error.
    with pytest.raises(HTTPError) as raised:
        csw.getrecordbyid(id=[str(live_catalog["draft"].uuid)])
    assert raised.value.response.status_code == 404
    assert b'exceptionCode="NotFound"' in raised.value.response.content


def test_changes_show_at_once(live_catalog, live_server):
    csw = _client(live_server)
    csw.getrecords(constraints=[PropertyIsLike("csw30:AnyText", "%bridge%")])
    assert csw.results["matches"] == 1
    services.withdraw_dataset(live_catalog["bridges"], by=None, reason="Wrong")
    csw.getrecords(constraints=[PropertyIsLike("csw30:AnyText", "%bridge%")])
    assert csw.results["matches"] == 0
    csw.getrecords(constraints=[BBox(PITTSBURGH)])
    assert csw.records == {}


# -- raw answers ----------------------------------------------------------------------------------------


def _get(client: Client, **params):
    return client.get("/csw", {"service": "CSW", "version": "3.0.0", **params})


def _exception(response, ows: str = OWS20) -> tuple[str, str, str]:
    root = ET.fromstring(response.content)
    assert root.tag == f"{ows}ExceptionReport"
    exception = root.find(f"{ows}Exception")
    return exception.get("exceptionCode"), exception.get("locator"), exception.findtext(f"{ows}ExceptionText")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"AcceptVersions": "3.0.0,2.0.2"}, f"{CSW30}Capabilities"),
        ({"AcceptVersions": "2.0.2,3.0.0"}, f"{CSW}Capabilities"),
        ({"AcceptVersions": "1.0.0,3.0.0"}, f"{CSW30}Capabilities"),
        ({"version": "3.0.0"}, f"{CSW30}Capabilities"),
        ({"version": "2.0.2"}, f"{CSW}Capabilities"),
        ({}, f"{CSW}Capabilities"),  # as before CSW 3.0 was added, for clients that name no version
    ],
)
def test_get_capabilities_negotiates_the_version(client, params, expected):
    response = client.get("/csw", {"service": "CSW", "request": "GetCapabilities", **params})
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == expected
    versions = [v.text for v in root.iter() if v.tag.endswith("}ServiceTypeVersion")]
    assert sorted(versions) == ["2.0.2", "3.0.0"]


@pytest.mark.django_db
def test_version_negotiation_failure_and_xml_get_capabilities(client):
    response = client.get("/csw", {"service": "CSW", "request": "GetCapabilities", "AcceptVersions": "3.1.0,4.0"})
    assert response.status_code == 400
    code, locator, text = _exception(response)
    assert (code, locator) == ("VersionNegotiationFailed", "AcceptVersions")
    assert "2.0.2 and 3.0.0" in text
    body = """<csw30:GetCapabilities xmlns:csw30="http://www.opengis.net/cat/csw/3.0"
        xmlns:ows20="http://www.opengis.net/ows/2.0" service="CSW">
        <ows20:AcceptVersions><ows20:Version>3.0.0</ows20:Version></ows20:AcceptVersions></csw30:GetCapabilities>"""
    response = client.post("/csw", data=body, content_type="application/xml")
    assert ET.fromstring(response.content).tag == f"{CSW30}Capabilities"
    # A 2.0.2-style request that prefers 3.0.0 gets 3.0.0.
    body = """<csw:GetCapabilities xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"
        xmlns:ows="http://www.opengis.net/ows" service="CSW"><ows:AcceptVersions><ows:Version>3.0.0</ows:Version>
        <ows:Version>2.0.2</ows:Version></ows:AcceptVersions></csw:GetCapabilities>"""
    response = client.post("/csw", data=body, content_type="application/xml")
    assert ET.fromstring(response.content).tag == f"{CSW30}Capabilities"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status", "code", "locator"),
    [
        ({"request": "GetRecords", "maxRecords": "lots"}, 400, "InvalidParameterValue", "maxRecords"),
        ({"request": "GetRecords", "bbox": "1,2,3"}, 400, "InvalidParameterValue", "bbox"),
        ({"request": "GetRecords", "bbox": "-80,40,-79,41,EPSG:3857"}, 400, "InvalidParameterValue", "bbox"),
        ({"request": "GetRecords", "bbox": "a,b,c,d"}, 400, "InvalidParameterValue", "bbox"),
        ({"request": "GetRecords", "outputFormat": "text/html"}, 400, "InvalidParameterValue", "outputFormat"),
        ({"request": "GetRecords", "outputSchema": "urn:x"}, 400, "InvalidParameterValue", "outputSchema"),
        ({"request": "GetRecords", "typeNames": "gmd:MD_Metadata"}, 400, "InvalidParameterValue", "typeNames"),
        (
            {"request": "GetRecords", "constraintLanguage": "CQL_TEXT", "constraint": "DROP TABLE x"},
            400,
            "InvalidParameterValue",
            "Constraint",
        ),
        ({"request": "GetRecordById"}, 400, "MissingParameterValue", "Id"),
        ({"request": "GetRecordById", "id": "no-such-record"}, 404, "NotFound", "id"),
        ({"request": "GetRecordById", "id": "-" * 36}, 404, "NotFound", "id"),  # looks like a uuid, is not one
        ({"request": "Harvest"}, 501, "OperationNotSupported", "request"),
        ({"request": "GetRecords", "version": "3.1.0"}, 400, "InvalidParameterValue", "version"),
        ({"request": "GetRecords", "service": ""}, 400, "MissingParameterValue", "service"),
    ],
)
def test_faulty_requests_get_an_ows2_exception_report(client, params, status, code, locator):
    response = _get(client, **params)
    assert response.status_code == status
    assert _exception(response)[:2] == (code, locator)


@pytest.mark.django_db
def test_faulty_xml_requests_get_an_ows2_exception_report(client):
    broken = '<csw30:GetRecords xmlns:csw30="http://www.opengis.net/cat/csw/3.0" service="CSW"'
    response = client.post("/csw", data=broken, content_type="application/xml")
    assert response.status_code == 400
    assert _exception(response)[0] == "NoApplicableCode"
    body = """<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <csw30:GetRecords xmlns:csw30="http://www.opengis.net/cat/csw/3.0" service="CSW" version="3.0.0">&xxe;
        </csw30:GetRecords>"""
    response = client.post("/csw", data=body, content_type="application/xml")
    assert response.status_code == 400
    assert "DTD" in _exception(response)[2]
    huge = '<csw30:GetRecords xmlns:csw30="http://www.opengis.net/cat/csw/3.0" ' + "x" * (300 * 1024)
    response = client.post("/csw", data=huge, content_type="application/xml")
    assert response.status_code == 400
    # Refused on its Content-Length before a byte is read, so before its version is known: OWS 1.0.
    assert "larger than" in _exception(response, OWS)[2]
    no_query = """<csw30:GetRecords xmlns:csw30="http://www.opengis.net/cat/csw/3.0" service="CSW"
        version="3.0.0"/>"""
    response = client.post("/csw", data=no_query, content_type="application/xml")
    assert _exception(response)[:2] == ("MissingParameterValue", "Query")
    # 2.0.2 requests keep their OWS 1.0 reports.
    response = client.get("/csw", {"service": "CSW", "version": "2.0.2", "request": "GetRecords", "maxRecords": "x"})
    assert _exception(response, OWS)[0] == "InvalidParameterValue"


def test_kvp_get_records_with_q_and_bbox(catalog, client):
    response = _get(client, request="GetRecords", q="bridge", elementSetName="full")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{CSW30}GetRecordsResponse"
    results = root.find(f"{CSW30}SearchResults")
    assert results.get("numberOfRecordsMatched") == "1"
    assert results.get("numberOfRecordsReturned") == "1"  # resultType is "results" by default in 3.0
    assert results.get("nextRecord") == "0"
    assert results.get("elementSet") == "full"
    assert results.get("recordSchema") == "http://www.opengis.net/cat/csw/3.0"
    assert [r.findtext(f"{DC}title") for r in results.findall(f"{CSW30}Record")] == ["Bridge inspections"]

    def titles(**params) -> set[str]:
        answer = ET.fromstring(_get(client, request="GetRecords", **params).content)
        return {r.findtext(f"{DC}title") for r in answer.find(f"{CSW30}SearchResults")}

    assert titles(q="street TREES") == {"Street trees"}  # every word, any case
    assert titles(q="street bridges") == set()
    assert titles(bbox="-80.5,40.0,-79.5,41.0") == {"Bridge inspections"}
    assert titles(bbox="40.0,-80.5,41.0,-79.5,urn:ogc:def:crs:EPSG::4326") == {"Bridge inspections"}
    assert titles(q="tree", bbox="-80.5,40.0,-79.5,41.0") == set()
    assert titles(recordIds=f"{catalog['permits'].uuid},{catalog['draft'].uuid}") == {"Building permits"}
    assert titles(constraintLanguage="CQL_TEXT", constraint="dc:title like '%permit%'") == {"Building permits"}
    hits = ET.fromstring(_get(client, request="GetRecords", resultType="hits").content)
    assert hits.find(f"{CSW30}SearchResults").get("numberOfRecordsMatched") == "3"
    assert hits.find(f"{CSW30}SearchResults").get("numberOfRecordsReturned") == "0"


def test_atom_output(catalog, client):
    response = _get(client, request="GetRecords", q="bridge", outputFormat="application/atom+xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{OPENSEARCH}totalResults") == "1"
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Bridge inspections"
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{catalog['bridges'].uuid}"
    assert entry.findtext(f"{GEORSS}box") == "40.36 -80.1 40.5 -79.86"
    page = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert page == f"https://data.example.org/datasets/{catalog['bridges'].identifier}/"
    single = _get(client, request="GetRecordById", id=str(catalog["trees"].uuid), outputFormat="application/atom+xml")
    assert ET.fromstring(single.content).findtext(f"{ATOM}title") == "Street trees"


def test_xml_post_get_records_and_get_record_by_id(catalog, client):
    body = """<csw30:GetRecords xmlns:csw30="http://www.opengis.net/cat/csw/3.0"
        xmlns:fes="http://www.opengis.net/fes/2.0" service="CSW" version="3.0.0" maxRecords="5">
      <csw30:Query typeNames="csw30:Record"><csw30:ElementSetName>summary</csw30:ElementSetName>
        <csw30:Constraint><fes:Filter><fes:Or>
          <fes:PropertyIsEqualTo><fes:ValueReference>dc:title</fes:ValueReference>
            <fes:Literal>building permits</fes:Literal></fes:PropertyIsEqualTo>
          <fes:ResourceId rid="{}"/>
        </fes:Or></fes:Filter></csw30:Constraint></csw30:Query></csw30:GetRecords>""".format(catalog["trees"].uuid)
    response = client.post("/csw", data=body, content_type="application/xml")
    assert response.status_code == 200
    results = ET.fromstring(response.content).find(f"{CSW30}SearchResults")
    assert {r.findtext(f"{DC}title") for r in results.findall(f"{CSW30}SummaryRecord")} == {
        "Building permits",
        "Street trees",
    }
    body = """<csw30:GetRecordById xmlns:csw30="http://www.opengis.net/cat/csw/3.0" service="CSW"
        version="3.0.0"><csw30:Id>{}</csw30:Id></csw30:GetRecordById>""".format(catalog["bridges"].uuid)
    root = ET.fromstring(client.post("/csw", data=body, content_type="application/xml").content)
    assert root.tag == f"{CSW30}SummaryRecord"
    assert root.findtext(f"{DC}title") == "Bridge inspections"


@pytest.mark.django_db
def test_describe_record_points_at_the_csw3_record_schema(client):
    response = _get(client, request="DescribeRecord")
    assert response.status_code == 200
    assert b"cat/csw/3.0/record.xsd" in response.content
