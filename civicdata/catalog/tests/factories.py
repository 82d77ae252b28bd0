"""Plain factory functions for catalog tests: POD dataset objects and stored datasets."""

from __future__ import annotations

import itertools
from typing import Any

from civicdata.accounts.models import Organization
from civicdata.catalog import services
from civicdata.catalog.models import Dataset

_counter = itertools.count(1)


def pod_dataset(identifier: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid non-federal POD v1.1 dataset object."""
    number = next(_counter)
    data: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "title": f"Street trees {number}",
        "description": "Records kept by the department and updated on a regular basis.",
        "keyword": ["trees", "parks"],
        "modified": "2026-01-15",
        "publisher": {"@type": "org:Organization", "name": "Parks Department"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Data Desk", "hasEmail": "mailto:data@example.org"},
        "identifier": identifier or f"https://data.example.org/id/{number}",
        "accessLevel": "public",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "downloadURL": f"https://data.example.org/files/{number}.csv",
                "mediaType": "text/csv",
                "format": "CSV",
                "title": "CSV file",
            }
        ],
    }
    data.update(overrides)
    return data


def pod_catalog(*datasets: dict[str, Any]) -> dict[str, Any]:
    return {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": list(datasets)}


def make_dataset(publisher: Organization, *, by: Any = None, published: bool = True, **overrides: Any) -> Dataset:
    """A stored dataset; `published` also ticks the release checklist and publishes it."""
    dataset = services.create_dataset(publisher=publisher, data=pod_dataset(**overrides), by=by)
    if published:
        services.set_release_checklist(
            dataset, by=by, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
        )
        dataset = services.publish_dataset(dataset, by=by)
    return dataset
