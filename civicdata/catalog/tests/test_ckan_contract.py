"""Contract suite for the CKAN-compatible API: the real `ckanapi` client against a live server, on a
catalog loaded from real agency data.json files (CMS and the Department of Energy, captured 2025-02).

Each test checks one promise of issue 11 item 4 in the way a CKAN client, harvester or script relies on
it. Expected values come from the source files or from another action (set algebra between queries,
counts between lists and searches), never from re-running the code under test.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from django.conf import settings

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog import services
from civicdata.catalog.models import Dataset
from civicdata.core.testing import realdata_path

ckanapi = pytest.importorskip("ckanapi")

SOURCES = {"cms": "Centers for Medicare & Medicaid Services", "energy": "Department of Energy"}
# Members ckanext-datajson maps to core CKAN fields instead of extras.
CORE_MEMBERS = {"@type", "title", "description", "keyword", "contactPoint", "distribution"}


def _document(slug: str) -> dict[str, Any]:
    return json.loads(realdata_path(f"datajson/federal_agencies_2025-02/{slug}.data.json").read_text())


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    """Both catalogs imported (each under its publisher); three CMS datasets then edited one after another.

    Loaded once for the module (the tests only read): the rows are committed, outside any test transaction,
    so the server thread sees them, and the database is emptied afterwards as `transactional_db` does
    (flush). The server is the module's own: tests asking for pytest-django's `live_server` would each get
    `transactional_db`, which empties the database after every test.
    """
    from django.core.management import call_command
    from django.test.utils import modify_settings
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        try:
            sources: dict[str, dict[str, Any]] = {}
            for slug, name in SOURCES.items():
                document = _document(slug)
                publisher = make_organization(name, slug=slug)
                run = services.import_catalog(publisher=publisher, document=document, by=None)
                assert run.status == "succeeded", run.error
                sources.update({d["identifier"]: d for d in document["dataset"]})
            edited = []
            for dataset in Dataset.objects.filter(publisher__slug="cms").order_by("-id")[:3]:
                source = sources[dataset.identifier]
                services.update_dataset(
                    dataset, data=dict(source, description=source["description"] + " Edited."), by=None
                )
                edited.append(dataset.name)
            server = LiveServer("localhost")
            try:
                with (
                    modify_settings(ALLOWED_HOSTS={"append": "localhost"}),
                    ckanapi.RemoteCKAN(server.url, user_agent="civicdata-contract-tests") as ckan,
                ):
                    yield {"ckan": ckan, "sources": sources, "edited": edited, "url": server.url}
            finally:
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def _all_packages(ckan: Any, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = ckan.action.package_search(rows=1000, start=len(found), **params)
        found.extend(page["results"])
        if not page["results"] or len(found) >= page["count"]:
            return found


def _names(ckan: Any, **params: Any) -> set[str]:
    return {package["name"] for package in _all_packages(ckan, fl="name", **params)}


def _raw(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - the live test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_version_document_status_and_help_links(catalog):
    """/api/3 is CKAN's version document, status_show names the site, and every help link answers."""
    ckan, url = catalog["ckan"], catalog["url"]
    assert _raw(f"{url}/api/3") == (200, {"version": 3})
    assert ckan.action.status_show()["site_url"] == (settings.SITE_URL or url)
    status, body = _raw(f"{url}/api/3/action/package_search?rows=1")
    assert status == 200
    help_status, help_body = _raw(body["help"])
    assert help_status == 200
    assert help_body["success"] is True
    assert "sort" in help_body["result"]
    assert ":param id:" in ckan.action.help_show(name="package_show")
    with pytest.raises(ckanapi.NotFound):
        ckan.action.help_show(name="package_delete")


def test_ids_are_stable_uuids_and_names_are_still_accepted(catalog):
    """Packages and resources have UUID ids; package_show takes the id or the name; resource_show the id."""
    ckan = catalog["ckan"]
    name = ckan.action.package_list(limit=1)[0]
    by_name = ckan.action.package_show(id=name)
    assert uuid.UUID(by_name["id"])
    assert ckan.action.package_show(id=by_name["id"]) == by_name
    resource = by_name["resources"][0]
    assert uuid.UUID(resource["id"])
    assert resource["package_id"] == by_name["id"]
    assert ckan.action.resource_show(id=resource["id"])["url"] == resource["url"]
    organization = ckan.action.organization_show(id=by_name["organization"]["id"])
    assert organization["name"] == by_name["organization"]["name"]
    assert uuid.UUID(organization["id"])
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id=str(uuid.uuid4()))


def test_resource_format_is_ckans_short_name(catalog):
    """Every resource whose media type is known has a short CKAN format; text/csv is CSV everywhere."""
    ckan = catalog["ckan"]
    resources = [r for p in _all_packages(ckan, fq="organization:cms") for r in p["resources"]]
    typed = [r for r in resources if r["mimetype"]]
    assert typed
    assert all(r["format"] for r in typed)
    assert {r["format"] for r in typed if r["mimetype"] == "text/csv"} == {"CSV"}
    formats = ckan.action.package_search(rows=0, **{"facet.field": '["res_format"]', "facet.limit": -1})
    assert "CSV" in formats["facets"]["res_format"]
    assert "text/csv" not in formats["facets"]["res_format"]
    assert ckan.action.package_search(fq="res_format:CSV", rows=0)["count"] == formats["facets"]["res_format"]["CSV"]


def test_every_dcat_us_member_is_in_extras(catalog):
    """Every DCAT-US member of the source record that is not a core CKAN field is an extra, by its own name
    (references included), with the publisher's name."""
    ckan, sources = catalog["ckan"], catalog["sources"]
    packages = _all_packages(ckan)
    assert len(packages) > 400
    with_references = 0
    for package in packages:
        extras = {extra["key"]: extra["value"] for extra in package["extras"]}
        source = sources[extras["identifier"]]
        missing = {key for key, value in source.items() if value is not None} - CORE_MEMBERS - set(extras)
        assert not missing, (package["name"], missing)
        assert extras["publisher"] == source["publisher"]["name"]
        if source.get("references"):
            with_references += 1
            assert extras["references"].split(",")[0] == source["references"][0]
    assert with_references > 300


def test_fielded_q_matches_fq_and_boolean_operators_combine(catalog):
    """q=tags:X finds what fq=tags:X finds; OR, AND, NOT, phrases and wildcards behave as set operations."""
    ckan = catalog["ckan"]
    assert _names(ckan, q="tags:medicare") == _names(ckan, fq="tags:medicare")
    assert len(_names(ckan, q="tags:medicare")) > 100
    assert _names(ckan, q='tags:"original medicare"') == _names(ckan, fq='tags:"original medicare"')
    hospital, solar = _names(ckan, q="hospital"), _names(ckan, q="solar")
    assert hospital
    assert solar
    assert _names(ckan, q="hospital OR solar") == hospital | solar
    assert _names(ckan, q="medicare AND hospital") == _names(ckan, q="medicare") & hospital
    assert _names(ckan, q="medicare hospital") == _names(ckan, q="medicare") & hospital  # default operator AND
    assert _names(ckan, q="medicare -hospital") == _names(ckan, q="medicare") - hospital
    assert _names(ckan, q="medicare NOT hospital") == _names(ckan, q="medicare") - hospital
    energy = _names(ckan, fq="organization:energy")
    assert _names(ckan, q="(hospital OR solar) AND organization:energy") == (hospital | solar) & energy
    assert _names(ckan, q='"original medicare"') <= _names(ckan, q="original medicare")
    assert hospital <= _names(ckan, q="hosp*")
    name = sorted(solar)[0]
    title = ckan.action.package_show(id=name)["title"].replace('"', '\\"')
    assert name in _names(ckan, q=f'title:"{title}"')


def test_fq_on_organization_tags_groups_formats_and_license(catalog):
    """fq filters on organization, tags, groups (by name, as group_list gives them), res_format, license_id,
    negated and ORed the way CKAN's harvester sends them."""
    ckan = catalog["ckan"]
    everything = _names(ckan)
    cms, energy = _names(ckan, fq="organization:cms"), _names(ckan, fq="organization:energy")
    assert cms
    assert energy
    assert cms | energy == everything
    assert not cms & energy
    assert _names(ckan, fq="-organization:cms") == energy
    assert _names(ckan, fq="organization:cms OR organization:energy") == everything
    groups = {g["name"]: g for g in ckan.action.group_list(all_fields=True)}
    assert "childrens-health-insurance-program" in groups
    for name in ("medicare", "childrens-health-insurance-program"):
        assert len(_names(ckan, fq=f"groups:{name}")) == groups[name]["package_count"] > 0
    assert _names(ckan, fq="tags:medicare") <= cms
    license_url = "https://www.usa.gov/government-works"
    assert _names(ckan, fq=f'license_id:"{license_url}"') >= cms
    assert ckan.action.package_search(fq_list=["organization:cms", "tags:medicare"], rows=0)["count"] == len(
        _names(ckan, fq="organization:cms tags:medicare")
    )


def _field(package: dict[str, Any], name: str) -> Any:
    return package[name].lower() if name in ("title", "name") else package[name]


@pytest.mark.parametrize(
    ("sort", "field"),
    [
        ("metadata_modified", "metadata_modified"),
        ("metadata_created", "metadata_created"),
        ("title_string", "title"),
        ("name", "name"),
        ("id", "id"),
    ],
)
def test_every_sort_field_in_both_directions(catalog, sort, field):
    """Each documented sort orders the whole result both ways; a page boundary does not reorder."""
    ckan = catalog["ckan"]
    ascending = [_field(p, field) for p in _all_packages(ckan, sort=f"{sort} asc")]
    descending = [_field(p, field) for p in _all_packages(ckan, sort=f"{sort} desc")]
    assert ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True)
    assert ascending[0] != ascending[-1]


def test_metadata_modified_is_the_records_modification_time(catalog):
    """metadata_modified sorts by when civicdata last changed the record (the edits), not the dataset's own
    `modified` date; asc is the reverse of desc; a harvester's since-range finds exactly the edits."""
    ckan, edited = catalog["ckan"], catalog["edited"]
    newest = ckan.action.package_search(sort="metadata_modified desc", rows=3)["results"]
    assert [p["name"] for p in newest] == list(reversed(edited))
    oldest_first = _all_packages(ckan, sort="metadata_modified asc")
    assert [p["name"] for p in oldest_first[-3:]] == edited
    since = newest[-1]["metadata_modified"]
    changed = _names(ckan, fq=f"metadata_modified:[{since}Z TO *]")
    assert changed == set(edited)
    views = _all_packages(ckan, sort="views_recent desc")
    assert len(views) == len(_names(ckan))


def test_unknown_sort_and_unreadable_queries_are_409_in_ckans_shape(catalog):
    """An unknown sort field, a bad direction or a query the parser cannot read is CKAN's 409 Search Query
    Error (ckanapi raises SearchQueryError), never a silent fallback."""
    ckan, url = catalog["ckan"], catalog["url"]
    for params in (
        {"sort": "popularity desc"},
        {"sort": "metadata_modified sideways"},
        {"q": "(hospital OR solar"},
        {"q": "colour:blue"},
        {"q": "ho*al"},
    ):
        with pytest.raises(ckanapi.SearchQueryError):
            ckan.action.package_search(**params)
    status, body = _raw(f"{url}/api/3/action/package_search?sort=popularity%20desc")
    assert status == 409
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    assert "popularity" in body["error"]["message"]
    assert "sort" not in body


def test_facet_limit_minus_one_returns_every_value(catalog):
    """facet.limit=-1 returns every tag (as many as tag_list); the default stops at 50."""
    ckan = catalog["ckan"]
    tags = ckan.action.tag_list()
    everything = ckan.action.package_search(rows=0, **{"facet.field": '["tags"]', "facet.limit": -1})
    assert len(everything["facets"]["tags"]) == len(tags)
    assert len(everything["search_facets"]["tags"]["items"]) == len(tags)
    assert len(ckan.action.package_search(rows=0, **{"facet.field": '["tags"]'})["facets"]["tags"]) == 50


def test_tag_list_is_complete(catalog):
    """tag_list names every tag of every public package, beyond 1,000."""
    ckan = catalog["ckan"]
    expected = {tag["name"] for package in _all_packages(ckan) for tag in package["tags"]}
    tags = ckan.action.tag_list()
    assert len(expected) > 1000
    assert set(tags) == {tag.strip().lower() for tag in expected if tag.strip()}
    assert tags == sorted(tags)
    assert {t["name"] for t in ckan.action.tag_list(all_fields=True)} == set(tags)


def test_organization_and_group_lists_page_and_sort(catalog):
    """organization_list and group_list honour all_fields, limit, offset and sort like CKAN."""
    ckan = catalog["ckan"]
    orgs = ckan.action.organization_list(all_fields=True, sort="package_count desc")
    assert [o["name"] for o in orgs] == ["energy", "cms"]
    assert orgs[0]["package_count"] == len(_names(ckan, fq="organization:energy"))
    assert ckan.action.organization_list(sort="name asc") == ["cms", "energy"]
    assert ckan.action.organization_list(sort="name desc") == ["energy", "cms"]
    assert ckan.action.organization_list(sort="name asc", limit=1, offset=1) == ["energy"]
    groups = ckan.action.group_list(sort="name asc")
    assert len(groups) >= 15
    assert groups == sorted(groups)
    assert "childrens-health-insurance-program" in groups
    assert ckan.action.group_list(sort="name asc", limit=5, offset=5) == groups[5:10]
    counts = [g["package_count"] for g in ckan.action.group_list(all_fields=True, sort="package_count desc")]
    assert counts == sorted(counts, reverse=True)
    with pytest.raises(ckanapi.ValidationError):
        ckan.action.organization_list(sort="colour asc")


def test_current_package_list_with_resources_pages_newest_first(catalog):
    """current_package_list_with_resources pages through packages with resources, newest change first."""
    ckan, edited = catalog["ckan"], catalog["edited"]
    first = ckan.action.current_package_list_with_resources(limit=5)
    second = ckan.action.current_package_list_with_resources(limit=5, offset=5)
    assert [p["name"] for p in first[:3]] == list(reversed(edited))
    assert len({p["id"] for p in first + second}) == 10
    assert all("resources" in p for p in first)
    stamps = [p["metadata_modified"] for p in first + second]
    assert stamps == sorted(stamps, reverse=True)
