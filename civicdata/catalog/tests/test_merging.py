"""Merging component catalogs: collisions resolved and reported, isPartOf kept consistent, result validated."""

from __future__ import annotations

import copy

import pytest

from civicdata.catalog.ingest.reading import read_catalog_file
from civicdata.catalog.tools.merging import MergeError, merge_catalogs, source_slug
from civicdata.core.testing import realdata_path

V11 = "https://project-open-data.cio.gov/v1.1/schema"


def ds(identifier, title="A dataset", **extra):
    out = {
        "title": title,
        "description": "Something useful.",
        "keyword": ["k"],
        "modified": "2024-01-01",
        "publisher": {"name": "City"},
        "contactPoint": {"fn": "Team", "hasEmail": "mailto:team@example.gov"},
        "identifier": identifier,
        "accessLevel": "public",
    }
    out.update(extra)
    return out


def cat(*datasets, **header):
    return {"conformsTo": V11, **header, "dataset": list(datasets)}


def test_identical_datasets_are_kept_once():
    """A dataset listed identically by two components appears once; the collision says so."""
    a = cat(ds("x"), ds("y"))
    b = cat(ds("x"), ds("z"))
    result = merge_catalogs([("parks.json", a), ("roads.json", b)], profile="non-federal-v1.1")
    assert [d["identifier"] for d in result.catalog["dataset"]] == ["x", "y", "z"]
    [collision] = result.collisions
    assert (collision.identifier, collision.resolution, collision.kept_from) == ("x", "deduplicated", "parks.json")
    assert result.sources[1].deduplicated == 1
    assert result.sources[1].added == 1


@pytest.mark.parametrize(("style", "expected"), [("suffix", "x--roads"), ("prefix", "roads:x")])
def test_different_datasets_are_renamed_by_source(style, expected):
    """Different content under the same identifier: first kept, later renamed by source."""
    a = cat(ds("x", "Parks trees"))
    b = cat(ds("x", "Road signs"))
    result = merge_catalogs([("parks.json", a), ("roads.json", b)], rename=style, profile="non-federal-v1.1")
    titles = {d["identifier"]: d["title"] for d in result.catalog["dataset"]}
    assert titles == {"x": "Parks trees", expected: "Road signs"}
    assert result.collisions[0].new_identifier == expected
    assert result.report.valid


def test_ispartof_follows_renamed_parent_even_when_child_comes_first():
    """Children of a renamed parent in the same component point at the new identifier."""
    a = cat(ds("parent", "Parks collection"))
    b = cat(ds("child", isPartOf="parent"), ds("parent", "Roads collection"))
    result = merge_catalogs([("parks.json", a), ("roads.json", b)], profile="non-federal-v1.1")
    child = next(d for d in result.catalog["dataset"] if d["identifier"] == "child")
    assert child["isPartOf"] == "parent--roads"
    assert result.sources[1].ispartof_rewritten == 1
    assert "ispartof.unknown" not in {f.code for f in result.report.findings}


def test_inputs_are_not_modified():
    """Merging never changes the component documents."""
    a, b = cat(ds("x", "A")), cat(ds("x", "B"), ds("c", isPartOf="x"))
    before = copy.deepcopy((a, b))
    merge_catalogs([("a.json", a), ("b.json", b)], validate=False)
    assert (a, b) == before


def test_header_from_first_component_and_override():
    """Catalog header fields come from the first component unless given."""
    a = cat(
        ds("x"), **{"@type": "dcat:Catalog", "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"}
    )
    result = merge_catalogs([("a.json", a)], header={"@id": "https://city.example/data.json"}, validate=False)
    assert result.catalog["@type"] == "dcat:Catalog"
    assert result.catalog["@id"] == "https://city.example/data.json"
    assert list(result.catalog)[-1] == "dataset"


def test_non_catalog_component_is_refused():
    """A component without a dataset list is refused with its name."""
    with pytest.raises(MergeError, match=r"broken\.json"):
        merge_catalogs([("a.json", cat(ds("x"))), ("broken.json", {"error": True})])
    with pytest.raises(MergeError):
        merge_catalogs([])


def test_same_source_names_get_distinct_slugs():
    """Two sources with the same file name still get distinct renamed identifiers."""
    result = merge_catalogs(
        [("a/data.json", cat(ds("x", "1"))), ("b/data.json", cat(ds("x", "2"))), ("c/data.json", cat(ds("x", "3")))],
        validate=False,
    )
    idents = [d["identifier"] for d in result.catalog["dataset"]]
    assert len(set(idents)) == 3


def test_source_slug():
    """Source names become short identifier-safe labels: a URL by its host, a file by its name or folder."""
    assert source_slug("https://www.fcc.gov/data.json") == "www-fcc-gov"
    assert source_slug("HTTPS://Data.Example.gov:8443/catalog/parks.json?x=1") == "data-example-gov"
    assert source_slug("fcc.data.json") == "fcc"
    assert source_slug("Parks Dept.json") == "parks-dept"
    assert source_slug("bureaus/Parks Dept/data.json") == "parks-dept"
    assert source_slug("data.json") == "data-json"
    assert source_slug("***.json") == "source"


def test_merge_real_federal_catalogs():
    """Merging two real agency catalogs keeps every dataset, reports verdicts, and counts per source."""
    fcc = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")).document
    opm = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/opm.data.json")).document
    result = merge_catalogs(
        [("fcc.data.json", fcc), ("opm.data.json", opm), ("fcc-again.json", fcc)], profile="federal-v1.1"
    )
    assert result.dataset_count == len(fcc["dataset"]) + len(opm["dataset"])
    assert result.sources[2].deduplicated == len(fcc["dataset"])
    assert len(result.report.invalid_dataset_indexes) == 6
    assert result.to_dict(include_catalog=False)["sources"][0]["added"] == len(fcc["dataset"])
