"""Tests of the framework-free helpers: periodicity, spatial boxes, CKAN mapping and schema.org output."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from civicdata.catalog import ckan_mapping, periodicity, schemaorg, spatial


def test_periodicity_reads_iso_durations_and_words():
    """R/P1Y, R/PT1H and common words map to intervals; irregular values to None."""
    assert periodicity.parse_periodicity("R/P1Y") == timedelta(days=365.25)
    assert periodicity.parse_periodicity("R/P3.5D") == timedelta(days=3.5)
    assert periodicity.parse_periodicity("R/PT1H") == timedelta(hours=1)
    assert periodicity.parse_periodicity("Weekly") == timedelta(days=7)
    assert periodicity.parse_periodicity("irregular") is None
    assert periodicity.parse_periodicity("R/P") is None
    assert periodicity.parse_periodicity("whenever") is None


def test_staleness_uses_a_grace_factor():
    """A monthly dataset last modified 40 days ago is fine, 60 days ago is stale."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert not periodicity.is_stale("2026-04-22", "R/P1M", now=now)
    assert periodicity.is_stale("2026-04-01", "R/P1M", now=now)
    assert not periodicity.is_stale(None, "R/P1M", now=now)
    assert not periodicity.is_stale("2020-01-01", "irregular", now=now)
    assert periodicity.is_stale("2020-01-01T10:00:00Z", "R/P1Y", now=now)


def test_bbox_from_text_and_geojson():
    """Comma boxes and GeoJSON geometries give boxes; place names give none."""
    assert spatial.bbox_of_spatial("-75.3,39.8,-74.9,40.1") == (
        -75.3,
        39.8,
        -74.9,
        40.1,
    )
    assert spatial.bbox_of_spatial("Philadelphia, Pennsylvania") is None
    polygon = {
        "type": "Polygon",
        "coordinates": [[[-1, -2], [3, -2], [3, 4], [-1, 4], [-1, -2]]],
    }
    assert spatial.bbox_of_spatial(polygon) == (-1.0, -2.0, 3.0, 4.0)
    assert spatial.bbox_of_spatial('{"type": "Point", "coordinates": [5, 6]}') == (
        5.0,
        6.0,
        5.0,
        6.0,
    )
    assert spatial.bbox_of_spatial("0,95,1,96") is None
    assert spatial.intersects((0, 0, 2, 2), (1, 1, 3, 3))
    assert not spatial.intersects((0, 0, 1, 1), (2, 2, 3, 3))


def test_ckan_package_becomes_pod_dataset():
    """Tags, organisation, resources and datajson extras of a CKAN package map onto POD members."""
    package = {
        "id": "abc",
        "name": "street-trees",
        "title": "Street trees",
        "notes": "Every tree.",
        "tags": [{"name": "trees"}],
        "organization": {"name": "parks", "title": "Parks Department"},
        "maintainer": "Data Desk",
        "maintainer_email": "data@example.gov",
        "metadata_modified": "2024-01-02T03:04:05",
        "license_id": "cc-by",
        "resources": [
            {
                "url": "https://example.gov/t.csv",
                "mimetype": "text/csv",
                "format": "CSV",
            },
            {"url": "https://example.gov/api", "format": "API"},
        ],
        "extras": [
            {"key": "bureauCode", "value": "015:11,015:12"},
            {"key": "identifier", "value": "T-1"},
        ],
    }
    dataset = ckan_mapping.ckan_package_to_pod(package, site_url="https://ckan.example.gov")
    assert dataset["identifier"] == "T-1"
    assert dataset["publisher"]["name"] == "Parks Department"
    assert dataset["contactPoint"]["hasEmail"] == "mailto:data@example.gov"
    assert dataset["bureauCode"] == ["015:11", "015:12"]
    assert dataset["distribution"][0]["mediaType"] == "text/csv"
    assert dataset["distribution"][1] == {
        "@type": "dcat:Distribution",
        "accessURL": "https://example.gov/api",
        "format": "API",
    }
    assert dataset["landingPage"] == "https://ckan.example.gov/dataset/street-trees"
    assert ckan_mapping.ckan_name("Street Trees / 2024!") == "street-trees-2024"


def test_schema_org_dataset_has_downloads_and_publisher():
    """The JSON-LD names the dataset, its publisher and each download."""
    data = schemaorg.schema_org_dataset(
        {
            "title": "Trees",
            "description": "All trees",
            "keyword": ["trees"],
            "publisher": {"name": "Parks"},
            "accessLevel": "public",
            "distribution": [{"downloadURL": "https://x/t.csv", "mediaType": "text/csv"}],
        },
        url="https://city.example/datasets/trees/",
    )
    assert data["@type"] == "Dataset"
    assert data["publisher"] == {"@type": "Organization", "name": "Parks"}
    assert data["distribution"][0]["contentUrl"] == "https://x/t.csv"
    assert data["isAccessibleForFree"] is True
