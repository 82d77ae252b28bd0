"""How a `FlatDataset` is laid out in database columns, and back.

The Dataset and Distribution models store each DCAT-US field in its own column (so it can be indexed,
searched and edited) plus three JSON columns that keep the record lossless: ``publisher_json`` and
``contact_point_json`` hold the nested objects verbatim, ``extras`` holds members the standard does not
define, and ``fidelity`` holds explicit nulls and wrongly-typed values (see `civicdata.catalog.pod`).
These functions are pure so the round trip can be tested without a database.
"""

from __future__ import annotations

from typing import Any

from civicdata.catalog import pod
from civicdata.catalog.spatial import bbox_of_spatial

# Dataset attributes stored one-to-one in a column of the same name.
DATASET_SCALARS: tuple[str, ...] = (
    "title",
    "description",
    "keyword",
    "modified",
    "identifier",
    "access_level",
    "bureau_code",
    "program_code",
    "license",
    "rights",
    "spatial",
    "temporal",
    "accrual_periodicity",
    "conforms_to",
    "data_quality",
    "described_by",
    "described_by_type",
    "is_part_of",
    "issued",
    "language",
    "landing_page",
    "primary_it_investment_uii",
    "references",
    "system_of_records",
    "theme",
)
DISTRIBUTION_SCALARS: tuple[str, ...] = (
    "title",
    "description",
    "access_url",
    "download_url",
    "media_type",
    "format",
    "conforms_to",
    "described_by",
    "described_by_type",
)


def _fidelity(record: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if record.nulls:
        found["nulls"] = list(record.nulls)
    if record.raw:
        found["raw"] = dict(record.raw)
    return found


def dataset_columns(flat: pod.FlatDataset) -> dict[str, Any]:
    """Column values for a Dataset row (without publisher FK, flags or counters)."""
    columns: dict[str, Any] = {name: getattr(flat, name) for name in DATASET_SCALARS}
    columns["pod_type"] = flat.type
    columns["publisher_json"] = pod.organization_to_pod(flat.publisher) if flat.publisher is not None else None
    columns["contact_point_json"] = pod.contact_to_pod(flat.contact_point) if flat.contact_point is not None else None
    contact = flat.contact_point
    columns["contact_name"] = (contact.fn or "") if contact else ""
    columns["contact_email"] = (contact.email or "") if contact else ""
    columns["publisher_name"] = (flat.publisher.name or "") if flat.publisher else ""
    columns["has_distribution_list"] = flat.distribution is not None
    columns["extras"] = dict(flat.extras)
    columns["fidelity"] = _fidelity(flat)
    box = bbox_of_spatial(flat.spatial)
    (
        columns["bbox_west"],
        columns["bbox_south"],
        columns["bbox_east"],
        columns["bbox_north"],
    ) = box or (
        None,
        None,
        None,
        None,
    )
    return columns


def distribution_columns(dist: pod.FlatDistribution, position: int) -> dict[str, Any]:
    """Column values for one Distribution row."""
    columns: dict[str, Any] = {name: getattr(dist, name) for name in DISTRIBUTION_SCALARS}
    columns["pod_type"] = dist.type
    columns["position"] = position
    columns["extras"] = dict(dist.extras)
    columns["fidelity"] = _fidelity(dist)
    return columns


def flat_from_columns(columns: dict[str, Any], distributions: list[dict[str, Any]]) -> pod.FlatDataset:
    """Rebuild the `FlatDataset` from a row's column values and its distributions' (in position order)."""
    flat = pod.FlatDataset()
    for name in DATASET_SCALARS:
        setattr(flat, name, columns.get(name))
    fidelity = columns.get("fidelity") or {}
    flat.type = columns.get("pod_type")
    if columns.get("publisher_json") is not None:
        flat.publisher = pod.organization_from_pod(columns["publisher_json"])
    if columns.get("contact_point_json") is not None:
        flat.contact_point = pod.contact_from_pod(columns["contact_point_json"])
    if columns.get("has_distribution_list"):
        flat.distribution = [distribution_from_columns(row) for row in distributions]
    flat.extras = dict(columns.get("extras") or {})
    flat.nulls = list(fidelity.get("nulls", []))
    flat.raw = dict(fidelity.get("raw", {}))
    return flat


def distribution_from_columns(columns: dict[str, Any]) -> pod.FlatDistribution:
    """Rebuild one `FlatDistribution` from its row."""
    dist = pod.FlatDistribution()
    for name in DISTRIBUTION_SCALARS:
        setattr(dist, name, columns.get(name))
    dist.type = columns.get("pod_type")
    fidelity = columns.get("fidelity") or {}
    dist.extras = dict(columns.get("extras") or {})
    dist.nulls = list(fidelity.get("nulls", []))
    dist.raw = dict(fidelity.get("raw", {}))
    return dist
