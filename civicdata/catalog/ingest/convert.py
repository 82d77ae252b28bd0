"""Converting a Project Open Data v1.0 catalog (a JSON array of datasets, 2013–2014) to DCAT-US v1.1.

The mapping is the official one: the v1.1 changelog and the v1.0 → v1.1 field mapping table of Project
Open Data's "Metadata Resources" page (realdata/pod-schema/docs/metadata-changelog.md and
v1.1/metadata-resources.md), listed rule by rule in docs/catalog.md, "Converting v1.0 catalogs". After the
mapping, the repairs of `repair.py` run as on any import. Framework-free and pure; the caller's document
is never changed. Used by `services.import_catalog` (imports and harvests) and `civicdata catalog convert`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from civicdata.catalog import pod
from civicdata.catalog.ingest import repair

# Mapping rule names, counted in the conversion report (documented in docs/catalog.md).
MAPPINGS: dict[str, str] = {
    "publisher_object": "`publisher` text → `publisher: {@type: org:Organization, name}`.",
    "contact_point_object": "`contactPoint` text and `mbox` → `contactPoint: {@type: vcard:Contact, fn, hasEmail: "
    "mailto:…}`.",
    "access_url_to_distribution": "dataset-level `accessURL` + `format` → one `distribution` entry.",
    "distribution_download": "a v1.0 `accessURL` whose `format` is (or names) a media type → `downloadURL` + "
    "`mediaType` (the label is kept as `format` when it was not a media type itself).",
    "distribution_access": "a v1.0 `accessURL` whose `format` names no media type → `accessURL` + `format` "
    "(indirect access).",
    "web_service": "`webService` → a distribution with `accessURL` and `format: API`.",
    "rights_from_comment": "`accessLevelComment` → `rights`.",
    "described_by": "`dataDictionary` → `describedBy`.",
    "investment_uii": "`PrimaryITInvestmentUII` → `primaryITInvestmentUII`.",
    "codes_to_lists": "`bureauCode` / `programCode` text → list.",
    "license_public_domain": "`license: Public Domain` → the U.S. Public Domain label "
    "`http://www.usa.gov/publicdomain/label/1.0/` (Project Open Data's Open Licenses page).",
    "types": "`@type` added: `dcat:Dataset`, `dcat:Distribution`.",
}
PUBLIC_DOMAIN_LABEL = "http://www.usa.gov/publicdomain/label/1.0/"


@dataclass(slots=True)
class Conversion:
    """The converted v1.1 catalog and what was done to get it."""

    document: dict[str, Any]
    mappings: Counter = field(default_factory=Counter)
    repairs: Counter = field(default_factory=Counter)
    skipped: int = 0

    def report(self) -> dict[str, Any]:
        """JSON summary for the run report and the CLI."""
        return {
            "from": "v1.0",
            "to": "v1.1",
            "datasets": len(self.document["dataset"]),
            "skipped": self.skipped,
            "mappings": dict(sorted(self.mappings.items())),
            "repairs": dict(sorted(self.repairs.items())),
        }


def is_v10_catalog(document: Any) -> bool:
    """A v1.0 catalog is a JSON array at the root (v1.1 and DCAT-US 3 catalogs are objects)."""
    return isinstance(document, list)


def convert_catalog(document: list[Any]) -> Conversion:
    """The v1.1 catalog for a v1.0 array of datasets. Entries that are not objects are left out (counted)."""
    conversion = Conversion(document={})
    datasets: list[dict[str, Any]] = []
    for entry in document:
        if not isinstance(entry, dict):
            conversion.skipped += 1
            continue
        converted, mapped = convert_dataset(entry)
        fixed, repaired = repair.repair_dataset(converted)
        conversion.mappings.update(mapped)
        conversion.repairs.update(repaired)
        datasets.append(fixed)
    conversion.document = {
        "@context": pod.POD_V11_CONTEXT,
        "@type": "dcat:Catalog",
        "conformsTo": pod.POD_V11_SCHEMA,
        "describedBy": pod.POD_V11_DESCRIBED_BY,
        "dataset": datasets,
    }
    return conversion


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def convert_dataset(old: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """One v1.0 dataset as a v1.1 dataset, and the names of the mappings used."""
    used: list[str] = []
    new: dict[str, Any] = {"@type": "dcat:Dataset"}
    used.append("types")
    moved = {"publisher", "contactPoint", "mbox", "accessURL", "format", "webService", "distribution"}
    renamed = {"accessLevelComment": "rights", "dataDictionary": "describedBy"}
    renamed["PrimaryITInvestmentUII"] = "primaryITInvestmentUII"
    for key, value in old.items():
        if key in moved:
            continue
        if key in renamed:
            if _present(value):
                new[renamed[key]] = value
                used.append(
                    {"rights": "rights_from_comment", "describedBy": "described_by"}.get(renamed[key], "investment_uii")
                )
            continue
        new[key] = value
    for key in ("bureauCode", "programCode"):
        if isinstance(new.get(key), str) and new[key].strip():
            new[key] = repair.split_list(new[key], codes=True)
            used.append("codes_to_lists")
    if isinstance(new.get("license"), str) and new["license"].strip().lower() in ("public domain", "publicdomain"):
        new["license"] = PUBLIC_DOMAIN_LABEL
        used.append("license_public_domain")
    _publisher(old, new, used)
    _contact(old, new, used)
    distributions = _distributions(old, used)
    if distributions:
        new["distribution"] = distributions
    return new, used


def _publisher(old: dict[str, Any], new: dict[str, Any], used: list[str]) -> None:
    value = old.get("publisher")
    if isinstance(value, str):
        new["publisher"] = {"@type": "org:Organization", "name": value}
        used.append("publisher_object")
    elif "publisher" in old:
        new["publisher"] = value


def _contact(old: dict[str, Any], new: dict[str, Any], used: list[str]) -> None:
    name, mbox = old.get("contactPoint"), old.get("mbox")
    if isinstance(name, dict):
        new["contactPoint"] = name
        return
    if name is None and mbox is None:
        return
    contact: dict[str, Any] = {"@type": "vcard:Contact"}
    if isinstance(name, str):
        contact["fn"] = name
    if isinstance(mbox, str) and mbox.strip():
        email = mbox.strip()
        contact["hasEmail"] = email if email.lower().startswith("mailto:") else f"mailto:{email}"
    new["contactPoint"] = contact
    used.append("contact_point_object")


def _v10_distribution(url: Any, label: Any, used: list[str]) -> dict[str, Any]:
    """A v1.0 (accessURL, format) pair as a v1.1 distribution."""
    dist: dict[str, Any] = {"@type": "dcat:Distribution"}
    media_type = repair.media_type_for(label) if isinstance(label, str) else None
    if media_type:
        dist["downloadURL"] = url
        dist["mediaType"] = media_type
        if label.strip().lower() != media_type:
            dist["format"] = label.strip().upper() if len(label.strip()) <= 8 else label.strip()
        used.append("distribution_download")
    else:
        dist["accessURL"] = url
        if isinstance(label, str) and label.strip():
            dist["format"] = label.strip()
        used.append("distribution_access")
    return dist


def _distributions(old: dict[str, Any], used: list[str]) -> list[Any]:
    found: list[Any] = []
    urls: set[str] = set()
    listed = old.get("distribution")
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, dict) and _present(item.get("accessURL")) and "downloadURL" not in item:
                rest = {k: v for k, v in item.items() if k not in ("accessURL", "format")}
                found.append({**_v10_distribution(item["accessURL"], item.get("format"), used), **rest})
                urls.add(str(item["accessURL"]))
            elif isinstance(item, dict) and not _present(item.get("accessURL")) and "downloadURL" not in item:
                continue  # an empty v1.0 template entry: nothing to point at
            else:
                found.append(item)
    if _present(old.get("accessURL")) and str(old["accessURL"]) not in urls:
        found.insert(0, _v10_distribution(old["accessURL"], old.get("format"), used))
        used.append("access_url_to_distribution")
    service = old.get("webService")
    if _present(service) and str(service) not in urls:
        found.append({"@type": "dcat:Distribution", "accessURL": service, "format": "API"})
        used.append("web_service")
    return found
