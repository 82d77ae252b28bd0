"""Conversions between CKAN package dicts and POD v1.1 dataset objects.

Used two ways: harvesting a CKAN portal (`package_search` results → POD datasets) and serving the
CKAN-compatible read API (our datasets → CKAN package dicts). CKAN's names ("package", "resource",
"notes") appear only here and in `ckan_api.py`, because that is what CKAN clients expect on the wire.
"""

from __future__ import annotations

import re
from typing import Any

# Extras written by ckanext-datajson carry POD members under their own names; these are copied as-is.
_POD_EXTRA_KEYS = (
    "identifier",
    "accessLevel",
    "modified",
    "issued",
    "rights",
    "spatial",
    "temporal",
    "accrualPeriodicity",
    "conformsTo",
    "describedBy",
    "describedByType",
    "isPartOf",
    "landingPage",
    "primaryITInvestmentUII",
    "systemOfRecords",
    "license",
)
_POD_LIST_EXTRAS = ("bureauCode", "programCode", "language", "references", "theme")


def _extras(package: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in package.get("extras") or []:
        if isinstance(item, dict) and "key" in item:
            found[str(item["key"])] = item.get("value")
    return found


def _as_list(value: Any) -> list[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [part.strip().strip('"') for part in text.split(",") if part.strip().strip('"')]


def ckan_package_to_pod(package: dict[str, Any], *, site_url: str = "") -> dict[str, Any]:
    """A POD v1.1 dataset object built from one CKAN package dict.

    Packages harvested into CKAN from a data.json keep their POD members in `extras`; those win over
    the generic CKAN fields so that a CKAN→civicdata hop loses as little as possible.
    """
    extras = _extras(package)
    organization = package.get("organization") or {}
    site = site_url.rstrip("/")
    identifier = extras.get("identifier") or package.get("id") or package.get("name")
    contact_name = package.get("maintainer") or package.get("author") or extras.get("contact_name")
    contact_email = package.get("maintainer_email") or package.get("author_email") or extras.get("contact_email")
    dataset: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "title": package.get("title") or package.get("name") or "",
        "description": package.get("notes") or package.get("title") or "",
        "keyword": [t["name"] for t in package.get("tags") or [] if isinstance(t, dict) and t.get("name")],
        "modified": extras.get("modified") or package.get("metadata_modified"),
        "publisher": {
            "@type": "org:Organization",
            "name": extras.get("publisher") or organization.get("title") or organization.get("name") or "",
        },
        "contactPoint": {
            "@type": "vcard:Contact",
            "fn": contact_name or "",
            "hasEmail": "",
        },
        "identifier": str(identifier),
        "accessLevel": extras.get("accessLevel") or ("public" if not package.get("private") else "non-public"),
    }
    if contact_email:
        dataset["contactPoint"]["hasEmail"] = (
            contact_email if str(contact_email).startswith("mailto:") else f"mailto:{contact_email}"
        )
    for key in _POD_EXTRA_KEYS:
        if extras.get(key) not in (None, "") and key not in (
            "identifier",
            "accessLevel",
            "modified",
        ):
            dataset[key] = extras[key]
    for key in _POD_LIST_EXTRAS:
        values = _as_list(extras.get(key))
        if values:
            dataset[key] = values
    if "license" not in dataset and (package.get("license_url") or package.get("license_id")):
        dataset["license"] = package.get("license_url") or package.get("license_id")
    if "landingPage" not in dataset:
        if package.get("url"):
            dataset["landingPage"] = package["url"]
        elif site and package.get("name"):
            dataset["landingPage"] = f"{site}/dataset/{package['name']}"
    if "issued" not in dataset and package.get("metadata_created"):
        dataset["issued"] = package["metadata_created"]
    if "theme" not in dataset:
        groups = [g.get("title") or g.get("name") for g in package.get("groups") or [] if isinstance(g, dict)]
        if any(groups):
            dataset["theme"] = [g for g in groups if g]
    distributions = []
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict) or not resource.get("url"):
            continue
        dist: dict[str, Any] = {"@type": "dcat:Distribution"}
        if resource.get("mimetype"):
            dist["downloadURL"] = resource["url"]
            dist["mediaType"] = resource["mimetype"]
        else:
            dist["accessURL"] = resource["url"]
        if resource.get("format"):
            dist["format"] = resource["format"]
        if resource.get("name"):
            dist["title"] = resource["name"]
        if resource.get("description"):
            dist["description"] = resource["description"]
        distributions.append(dist)
    if distributions:
        dataset["distribution"] = distributions
    return dataset


def ckan_name(text: str, *, max_length: int = 100) -> str:
    """A CKAN-style name (lowercase letters, digits, - and _) for an identifier or title."""
    name = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return (name or "dataset")[:max_length]
