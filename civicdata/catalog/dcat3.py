"""Turning a DCAT-US 3.0 catalog into DCAT-US v1.1 dataset objects, so a 3.0 source can be harvested.

Only the members that have a v1.1 counterpart are carried over (see the 1.1 → 3.0 crosswalk in the
realdata docs); 3.0 values that are objects (licenses, formats, periods) are reduced to the text v1.1
expects. Anything else of the 3.0 record is kept under the `dcatUS3` extra so nothing is silently lost.
"""

from __future__ import annotations

from typing import Any

# 3.0 members that map onto a 1.1 member with the same name and a plain-text or text-list value.
_SAME_NAME_TEXT = ("title", "description", "modified", "issued", "rights", "accrualPeriodicity", "landingPage")
_SAME_NAME_LISTS = ("keyword", "language", "references", "bureauCode", "programCode")


def _text(value: Any) -> str | None:
    """The text of a 3.0 value that may be a string or an object with a label, title, name or IRI."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("@id", "prefLabel", "title", "label", "name", "notation", "uri"):
            if isinstance(value.get(key), str):
                return value[key]
    if isinstance(value, list) and value:
        return _text(value[0])
    return None


def _texts(value: Any) -> list[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    found = [t for t in (_text(item) for item in items) if t]
    return found or None


def _temporal(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        start = _text(value.get("startDate") or value.get("hasBeginning"))
        end = _text(value.get("endDate") or value.get("hasEnd"))
        if start and end:
            return f"{start}/{end}"
    return None


def _identifier(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _text(value.get("notation")) or _text(value)
    if isinstance(value, list) and value:
        return _identifier(value[0])
    return None


def dataset_to_v11(item: dict[str, Any], *, modified_by_record: dict[str, str] | None = None) -> dict[str, Any]:
    """One DCAT-US 3.0 dataset object as a v1.1 dataset object."""
    out: dict[str, Any] = {"@type": "dcat:Dataset"}
    for key in _SAME_NAME_TEXT:
        text = _text(item.get(key))
        if text is not None:
            out[key] = text
    for key in _SAME_NAME_LISTS:
        values = _texts(item.get(key))
        if values:
            out[key] = values
    identifier = _identifier(item.get("identifier")) or _text(item.get("@id"))
    if identifier:
        out["identifier"] = identifier
    if "modified" not in out and modified_by_record and identifier in modified_by_record:
        out["modified"] = modified_by_record[identifier]
    publisher = item.get("publisher")
    if isinstance(publisher, dict):
        out["publisher"] = {"@type": "org:Organization", "name": _text(publisher.get("name")) or ""}
    contact = item.get("contactPoint")
    if isinstance(contact, list) and contact:
        contact = contact[0]
    if isinstance(contact, dict):
        out["contactPoint"] = {
            "@type": "vcard:Contact",
            "fn": _text(contact.get("fn")) or "",
            "hasEmail": _text(contact.get("hasEmail")) or "",
        }
    out["accessLevel"] = _text(item.get("accessLevel")) or "public"
    license_text = _text(item.get("license"))
    if license_text:
        out["license"] = license_text
    spatial = item.get("spatial")
    if isinstance(spatial, list) and spatial:
        spatial = spatial[0]
    if isinstance(spatial, (str, dict)):
        out["spatial"] = spatial if isinstance(spatial, str) else (_text(spatial) or spatial)
    temporal = _temporal(item.get("temporal"))
    if temporal:
        out["temporal"] = temporal
    themes = _texts(item.get("theme") or item.get("category"))
    if themes:
        out["theme"] = themes
    is_part_of = _text(item.get("isPartOf") or item.get("inSeries"))
    if is_part_of:
        out["isPartOf"] = is_part_of
    distributions = []
    for dist in item.get("distribution") or []:
        if not isinstance(dist, dict):
            continue
        converted: dict[str, Any] = {"@type": "dcat:Distribution"}
        for key in ("accessURL", "downloadURL", "mediaType", "title", "description", "describedBy"):
            text = _text(dist.get(key))
            if text:
                converted[key] = text
        fmt = _text(dist.get("format"))
        if fmt:
            converted["format"] = fmt
        distributions.append(converted)
    if distributions:
        out["distribution"] = distributions
    leftover = {k: v for k, v in item.items() if k not in out and k not in ("@type", "@id")}
    if leftover:
        out["dcatUS3"] = leftover
    return out


def catalog_to_v11(doc: dict[str, Any]) -> dict[str, Any]:
    """A v1.1 catalog (conformsTo + dataset list) built from a DCAT-US 3.0 catalog document."""
    modified_by_record: dict[str, str] = {}
    for record in doc.get("record") or []:
        if isinstance(record, dict) and isinstance(record.get("primaryTopic"), str):
            modified = _text(record.get("modified"))
            if modified:
                modified_by_record[record["primaryTopic"]] = modified
    datasets = [
        dataset_to_v11(item, modified_by_record=modified_by_record)
        for item in doc.get("dataset") or []
        if isinstance(item, dict)
    ]
    return {
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "dataset": datasets,
    }


def looks_like_dcat3(doc: Any) -> bool:
    """True for a document that declares itself DCAT-US 3.0 (conformsTo object or 3.0 root type)."""
    if not isinstance(doc, dict):
        return False
    conforms = doc.get("conformsTo")
    if isinstance(conforms, dict) or (isinstance(conforms, str) and "3.0" in conforms):
        return True
    return doc.get("@type") == "Catalog"
