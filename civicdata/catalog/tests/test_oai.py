"""OAI-PMH at /oai, read with Sickle (a harvesting client libraries use) against a live server, and the
protocol's error conditions checked on the raw answers."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist

from civicdata.accounts.models import Organization
from civicdata.catalog import oai, services
from civicdata.catalog.models import Dataset
from civicdata.catalog.tests.factories import make_dataset

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"


def _org(slug: str, parent: Organization | None = None) -> Organization:
    return Organization.objects.create(
        name=f"Department of {slug}", slug=slug, kind="publisher", org_type="department", parent=parent
    )


HOST = "data.example.org"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = f"https://{HOST}"


@pytest.fixture
def catalog(transactional_db):
    city = _org("city")
    parks = _org("parks", parent=city)
    trees = make_dataset(parks, title="Street trees", keyword=["trees", "árboles"], language=["en-US"])
    permits = make_dataset(city, title="Building permits")
    draft = make_dataset(city, title="Draft only", published=False)
    gone = make_dataset(city, title="Old parking tickets")
    services.withdraw_dataset(gone, by=None, reason="Replaced")
    return {"trees": trees, "permits": permits, "draft": draft, "gone": Dataset.objects.get(pk=gone.pk)}


def _harvester(live_server) -> Sickle:
    return Sickle(f"{live_server.url}/oai", max_retries=0)


def test_identify_names_the_repository_and_its_rules(catalog, live_server, settings):
    settings.SITE_NAME = "Springfield Open Data"
    identify = _harvester(live_server).Identify()
    assert identify.repositoryName == "Springfield Open Data"
    assert identify.baseURL == f"{live_server.url}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "transient"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"


def test_list_records_gives_public_datasets_in_dublin_core_and_withdrawn_ones_as_deleted(catalog, live_server):
    harvested = list(_harvester(live_server).ListRecords(metadataPrefix="oai_dc"))
    by_id = {r.header.identifier.rsplit(":", 1)[1]: r for r in harvested}
    assert set(by_id) == {str(catalog[k].uuid) for k in ("trees", "permits", "gone")}
    trees = by_id[str(catalog["trees"].uuid)]
    assert not trees.header.deleted
    assert trees.metadata["title"] == ["Street trees"]
    assert set(trees.metadata["subject"]) == {"trees", "árboles"}
    assert trees.metadata["type"] == ["Dataset"]
    assert "text/csv" in trees.metadata["format"]
    assert any(value.endswith(catalog["trees"].get_absolute_url()) for value in trees.metadata["identifier"])
    assert trees.header.setSpecs == ["parks", "city"]
    gone = by_id[str(catalog["gone"].uuid)]
    assert gone.header.deleted
    assert not hasattr(gone, "metadata")


def test_sets_hold_sub_organisations_and_unknown_sets_match_nothing(catalog, live_server):
    harvester = _harvester(live_server)
    assert {s.setSpec for s in harvester.ListSets()} >= {"city", "parks"}
    parks = [h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", set="parks")]
    assert parks == [f"oai:{HOST}:{catalog['trees'].uuid}"]
    city = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="city"))
    assert len(city) == 3


def test_get_record_and_metadata_formats_for_one_identifier(catalog, live_server):
    harvester = _harvester(live_server)
    identifier = f"oai:{HOST}:{catalog['permits'].uuid}"
    record = harvester.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["Building permits"]
    assert [f.metadataPrefix for f in harvester.ListMetadataFormats(identifier=identifier)] == ["oai_dc"]
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier=f"oai:{HOST}:{catalog['draft'].uuid}", metadataPrefix="oai_dc")
    with pytest.raises(CannotDisseminateFormat):
        harvester.GetRecord(identifier=identifier, metadataPrefix="marc21")


def test_paging_with_resumption_tokens_reaches_every_record_once(transactional_db, live_server, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)
    org = _org("works")
    made = {str(make_dataset(org).uuid) for _ in range(5)}
    seen = [h.identifier.rsplit(":", 1)[1] for h in _harvester(live_server).ListIdentifiers(metadataPrefix="oai_dc")]
    assert sorted(seen) == sorted(made)


def test_from_and_until_select_by_last_change(catalog, live_server):
    harvester = _harvester(live_server)
    Dataset.objects.filter(pk=catalog["permits"].pk).update(updated_at=timezone.now() - dt.timedelta(days=30))
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    last_week = (timezone.now() - dt.timedelta(days=7)).date().isoformat()
    recent = {h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": last_week})}
    older = {h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", until=last_week)}
    assert f"oai:{HOST}:{catalog['permits'].uuid}" in older
    assert f"oai:{HOST}:{catalog['permits'].uuid}" not in recent
    assert len(recent) == 2
    with pytest.raises(BadArgument):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": tomorrow, "until": last_week}))
    with pytest.raises(BadArgument):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "last tuesday"}))


def test_protocol_errors(catalog, live_server):
    harvester = _harvester(live_server)

    def error_code(**params: str) -> str:
        return harvester.harvest(**params).xml.find(f"{OAI}error").get("code")

    assert error_code(verb="DeleteEverything") == "badVerb"
    assert error_code(verb="ListRecords") == "badArgument"
    assert error_code(verb="Identify", metadataPrefix="oai_dc") == "badArgument"
    assert error_code(verb="ListRecords", metadataPrefix="oai_dc", set="nobody") == "noRecordsMatch"
    with pytest.raises(BadResumptionToken):
        list(harvester.ListRecords(resumptionToken="not-a-token"))


@pytest.mark.django_db
def test_control_characters_in_titles_cannot_break_the_xml_and_repeated_arguments_are_refused(client):
    org = _org("odd")
    make_dataset(org, title="Budget\x0b 2026 <script>alert(1)</script> & more")
    answer = client.get("/oai", {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert answer["Content-Type"].startswith("text/xml")
    titles = [t.text for t in ET.fromstring(answer.content).iter(f"{DC}title")]  # noqa: S314 (our own answer)
    assert titles == ["Budget 2026 <script>alert(1)</script> & more"]
    repeated = client.get("/oai?verb=Identify&verb=Identify")
    error = ET.fromstring(repeated.content).find(f"{OAI}error")  # noqa: S314 (our own answer)
    assert error.get("code") == "badArgument"
