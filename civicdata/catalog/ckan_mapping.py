"""Conversions between CKAN package dicts and POD v1.1 dataset objects.

Used two ways: harvesting a CKAN portal (`package_search` results → POD datasets) and serving the
CKAN-compatible read API (our datasets → CKAN package dicts). CKAN's names ("package", "resource",
"notes") appear only here and in `ckan_api.py`, because that is what CKAN clients expect on the wire.
"""

from __future__ import annotations

import json
import re
import uuid
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


# --- serving: our records → CKAN's shapes ----------------------------------------------------------

# CKAN's `format` is a short name ("CSV"); DCAT-US distributions carry a media type ("text/csv").
MEDIA_TYPE_FORMATS = {
    "text/csv": "CSV",
    "application/csv": "CSV",
    "text/comma-separated-values": "CSV",
    "text/tab-separated-values": "TSV",
    "application/json": "JSON",
    "text/json": "JSON",
    "application/ld+json": "JSON-LD",
    "application/geo+json": "GeoJSON",
    "application/vnd.geo+json": "GeoJSON",
    "application/xml": "XML",
    "text/xml": "XML",
    "application/rdf+xml": "RDF",
    "text/turtle": "TTL",
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "text/html": "HTML",
    "application/xhtml+xml": "HTML",
    "text/plain": "TXT",
    "application/pdf": "PDF",
    "application/zip": "ZIP",
    "application/x-zip-compressed": "ZIP",
    "application/gzip": "GZ",
    "application/x-gzip": "GZ",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-powerpoint": "PPT",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
    "application/vnd.oasis.opendocument.spreadsheet": "ODS",
    "application/vnd.google-earth.kml+xml": "KML",
    "application/vnd.google-earth.kmz": "KMZ",
    "application/x-shapefile": "SHP",
    "application/x-esri-shape": "SHP",
    "application/x-msaccess": "MDB",
    "application/x-sas": "SAS",
    "application/x-sas-data": "SAS",
    "application/x-stata": "DTA",
    "application/x-spss-sav": "SAV",
    "application/sql": "SQL",
    "application/x-sqlite3": "SQLite",
    "application/vnd.api+json": "JSON",
    "application/octet-stream": "BIN",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/tiff": "TIFF",
    "image/svg+xml": "SVG",
    "text/calendar": "ICS",
    "text/markdown": "MD",
}
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,7})(?:[?#].*)?$")
_FORMAT_EXTENSIONS = {value.lower(): value for value in MEDIA_TYPE_FORMATS.values()}


def ckan_format(label: str | None, url: str | None = None) -> str:
    """CKAN's short format name for a distribution's format or media type ("text/csv" → "CSV").

    A short label ("CSV", "csv", "Esri REST") is kept (upper-cased when it is a known extension); a media
    type is mapped; otherwise the file extension of the URL decides; "" when nothing says."""
    text = (label or "").strip()
    if text and "/" not in text:
        return _FORMAT_EXTENSIONS.get(text.lower(), text)
    if text:
        base = text.split(";")[0].strip().lower()
        if base in MEDIA_TYPE_FORMATS:
            return MEDIA_TYPE_FORMATS[base]
    match = _EXTENSION.search((url or "").split("://", 1)[-1].split("/", 1)[-1]) if url else None
    if match:
        extension = match[1].lower()
        return _FORMAT_EXTENSIONS.get(extension, extension.upper())
    if text:  # an unknown media type: its subtype ("application/x-foo" → "FOO")
        subtype = text.split(";")[0].split("/")[-1].split("+")[-1]
        return re.sub(r"^(x-|vnd\.)", "", subtype).upper()
    return ""


_NAMESPACE = uuid.UUID("6f1f2f5e-2a43-4c38-9f5e-5d8c3f7a9b10")


def organization_uuid(pk: int) -> str:
    """A stable UUID for a publisher (CKAN organization ids are UUIDs); derived from its database id."""
    return str(uuid.uuid5(_NAMESPACE, f"organization:{pk}"))


def named_uuid(kind: str, name: str) -> str:
    """A stable UUID for a group (category) or tag, derived from its name."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


# POD members that become core CKAN fields rather than extras (as ckanext-datajson maps them).
_CORE_MEMBERS = {"@type", "title", "description", "keyword", "contactPoint", "distribution"}


def _extra_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def pod_extras(data: dict[str, Any]) -> list[dict[str, str]]:
    """CKAN `extras` for a POD dataset object the way ckanext-datajson's harvester writes them: every
    DCAT-US member except those mapped to core fields, under its own name (lists joined with commas,
    booleans as "true"/"false", objects as JSON); `publisher` is the name and `publisher_hierarchy` the
    chain of parent organisations."""
    extras: list[dict[str, str]] = []
    for key, value in data.items():
        if key in _CORE_MEMBERS or value is None or key == "publisher":
            continue
        extras.append({"key": key, "value": _extra_text(value)})
    publisher = data.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        extras.append({"key": "publisher", "value": publisher["name"]})
        chain = [publisher["name"]]
        parent = publisher.get("subOrganizationOf")
        while isinstance(parent, dict) and isinstance(parent.get("name"), str) and len(chain) < 20:
            chain.insert(0, parent["name"])
            parent = parent.get("subOrganizationOf")
        if len(chain) > 1:
            extras.append({"key": "publisher_hierarchy", "value": " > ".join(chain)})
    elif isinstance(publisher, str):
        extras.append({"key": "publisher", "value": publisher})
    return sorted(extras, key=lambda item: item["key"])
