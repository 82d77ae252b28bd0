"""Tests of the lossless POD v1.1 mapping (`civicdata.catalog.pod`) on every real catalog we have."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from civicdata.catalog import pod
from civicdata.core.testing import realdata_path

DATAJSON_DIRS = (
    "datajson/federal_agencies_2025-02",
    "datajson/hhs",
    "datajson/datagov-harvester_fixtures",
    "datajson/ckanext-datajson_samples",
    "datajson/dkan_fixtures",
    "datajson/catalog.data.gov_test_harvest_source",
)


def _catalog_files() -> list[Path]:
    found: list[Path] = []
    for folder in DATAJSON_DIRS:
        base = realdata_path(folder)
        if base.is_dir():
            found.extend(sorted(base.rglob("*.json")))
    return found


def _datasets(path: Path) -> list[dict] | None:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    items = doc.get("dataset") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        return None
    return [item for item in items if isinstance(item, dict)]


CATALOGS = [path for path in _catalog_files() if _datasets(path)]


def test_real_catalogs_are_present():
    """The round-trip test covers at least the federal, hhs, harvester, ckanext, dkan and test-source catalogs."""
    if not realdata_path("datajson").is_dir():
        pytest.skip("real data folder not available (set CIVICDATA_REALDATA)")
    folders = {path.parent.name for path in CATALOGS} | {path.parent.parent.name for path in CATALOGS}
    for folder in DATAJSON_DIRS:
        assert folder.split("/")[-1] in folders, folder
    assert len(CATALOGS) >= 40


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip_is_lossless_on_real_catalog(path):
    """to_pod(to_flat(d)) is JSON-equivalent to d for every dataset of every real catalog."""
    datasets = _datasets(path)
    for index, original in enumerate(datasets):
        snapshot = copy.deepcopy(original)
        back = pod.to_pod(pod.to_flat(original))
        assert pod.json_equivalent(back, snapshot), (
            index,
            pod.first_difference(back, snapshot),
        )
        assert original == snapshot, "to_flat must not modify its input"
        assert pod.content_hash(back) == pod.content_hash(snapshot)


def test_known_fields_are_typed():
    """Standard members land in typed attributes, including the publisher chain and distributions."""
    flat = pod.to_flat(
        {
            "title": "Trees",
            "keyword": ["trees", "parks"],
            "dataQuality": True,
            "spatial": "-77.1,38.8,-76.9,39.0",
            "publisher": {
                "@type": "org:Organization",
                "name": "Parks",
                "subOrganizationOf": {"name": "City of Example"},
            },
            "contactPoint": {"fn": "Data Desk", "hasEmail": "mailto:data@example.gov"},
            "distribution": [{"downloadURL": "https://example.gov/t.csv", "mediaType": "text/csv"}],
        }
    )
    assert flat.title == "Trees"
    assert flat.keyword == ["trees", "parks"]
    assert flat.data_quality is True
    assert flat.publisher.chain == ["Parks", "City of Example"]
    assert flat.contact_point.email == "data@example.gov"
    assert flat.distribution[0].url == "https://example.gov/t.csv"
    assert flat.extras == {}
    assert flat.raw == {}
    assert flat.nulls == []


def test_wrong_types_nulls_and_unknown_members_survive():
    """Wrong types go to raw, nulls to nulls, unknown members to extras, and all come back unchanged."""
    original = {
        "title": 1234,
        "keyword": "single string",
        "rights": None,
        "USAIDawardNumber": "AID-1",
        "publisher": {"name": "X", "subOrganizationOf": None, "acronym": "X"},
        "distribution": [{"title": None, "downloadURL": "https://x", "extra": [1, {"a": None}]}],
    }
    flat = pod.to_flat(original)
    assert flat.title is None
    assert flat.raw["title"] == 1234
    assert flat.raw["keyword"] == "single string"
    assert flat.nulls == ["rights"]
    assert flat.extras == {"USAIDawardNumber": "AID-1"}
    assert flat.publisher.nulls == ["subOrganizationOf"]
    assert flat.distribution[0].nulls == ["title"]
    assert pod.json_equivalent(pod.to_pod(flat), original)


def test_non_object_distribution_items_are_kept_raw():
    """A distribution array holding a non-object is preserved verbatim rather than dropped."""
    original = {"distribution": [{"accessURL": "https://x"}, "oops"]}
    flat = pod.to_flat(original)
    assert flat.distribution is None
    assert pod.to_pod(flat) == original


def test_json_equivalent_is_strict_about_types():
    """1, 1.0 and true are different JSON values even though Python compares them equal."""
    assert not pod.json_equivalent({"a": 1}, {"a": True})
    assert not pod.json_equivalent([1], [1.0])
    assert pod.json_equivalent({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "x"}]})
    assert pod.first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "/a/1"


def test_content_hash_ignores_member_order_and_nulls_but_not_values():
    """The hash is stable under key order, null members and Unicode composition; any real change alters it."""
    base = {"title": "Caf\u00e9", "keyword": ["a", "b"], "identifier": "x"}
    reordered = {
        "identifier": "x",
        "keyword": ["a", "b"],
        "title": "Cafe\u0301",
        "rights": None,
    }
    assert pod.content_hash(base) == pod.content_hash(reordered)
    assert pod.content_hash(base) != pod.content_hash({**base, "keyword": ["b", "a"]})
    assert pod.content_hash(base) != pod.content_hash({**base, "title": "Cafe"})
    assert pod.content_hash(pod.to_flat(base)) == pod.content_hash(base)


def test_to_flat_rejects_non_objects():
    """Only JSON objects are datasets; anything else is a TypeError with a clear message."""
    with pytest.raises(TypeError, match="JSON object"):
        pod.to_flat(["not", "a", "dataset"])


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_column_layout_round_trip_is_lossless(path):
    """Splitting a dataset into database columns and rebuilding it gives back the same JSON."""
    from civicdata.catalog import columns

    for index, original in enumerate(_datasets(path)):
        flat = pod.to_flat(original)
        row = columns.dataset_columns(flat)
        rows = [columns.distribution_columns(d, i) for i, d in enumerate(flat.distribution or [])]
        # Simulate the JSON columns' storage: values pass through a JSON encode/decode.
        row = json.loads(json.dumps(row))
        rows = json.loads(json.dumps(rows))
        back = pod.to_pod(columns.flat_from_columns(row, rows))
        assert pod.json_equivalent(back, original), (
            index,
            pod.first_difference(back, original),
        )
