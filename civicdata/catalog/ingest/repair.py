"""Repairs an import or harvest makes to a DCAT-US v1.1 dataset before validating it.

Each rule has a stable name (counted in the run report and documented in docs/catalog.md, "Repairs on
import") and changes a value only when the value is invalid under v1.1 *and* the v1.1 mapping gives
exactly one valid replacement: a valid dataset is never touched, so its content hash — and therefore the
incremental harvest — is not affected. Anything that would need a guess (a date in `01/02/2019`, a program
code `009:20`, an empty description) is left alone; the validator then holds the dataset back as "needs
fixing". Framework-free and pure: the input is never mutated.
"""

from __future__ import annotations

import re
from typing import Any

# Rule names, in the order they are documented.
RULES: dict[str, str] = {
    "type_name": "A bare JSON-LD type (`Dataset`, `Organization`, `Kind`/`Contact`, `Distribution`) gets its "
    "v1.1 prefix (`dcat:Dataset`, `org:Organization`, `vcard:Contact`, `dcat:Distribution`).",
    "list_from_text": "`keyword`, `theme`, `bureauCode`, `programCode`, `language` or `references` given as one "
    "text becomes a list (split at commas; codes also at semicolons and spaces).",
    "email_mailto": "`contactPoint.hasEmail` is trimmed, loses spaces after `mailto:`, and gets the `mailto:` "
    "prefix when it is a bare e-mail address.",
    "media_type": "A distribution's `mediaType` that is not a media type is trimmed; a bare well-known file extension "
    "(`csv`, `json`, `pdf`…) becomes its IANA media type; a `downloadURL` without `mediaType` takes it from "
    "`format` when `format` is a media type.",
    "date_form": "`modified` and `issued` written `YYYY/MM/DD`, `YYYY.MM.DD` or with one-digit month or day "
    "become `YYYY-MM-DD`; surrounding spaces are trimmed.",
    "frequency_term": "`accrualPeriodicity` written as a term of the official ISO 8601 guidance table "
    "(`Annual`, `Weekly`, `Continuously updated`…) or of the official ISO 19115 crosswalk (`asNeeded`, "
    "`notPlanned`…) becomes its ISO 8601 value; a few spelling variants (`Annually`, `Bi-weekly`, `Ad hoc`) "
    "are listed in the table too.",
    "temporal_years": "`temporal` given as a year (`2018`) or a range of years (`2000-2018`) becomes the interval "
    "from 1 January of the first year to 31 December of the last.",
    "empty_optional": "An optional field holding an empty text or an empty list is left out (the standard "
    "treats an empty optional field as not populated).",
}

_BARE_TYPES = {
    "dataset": {"dataset": "dcat:Dataset"},
    "publisher": {"organization": "org:Organization", "organisation": "org:Organization"},
    "contactPoint": {"kind": "vcard:Contact", "contact": "vcard:Contact", "vcard:kind": "vcard:Contact"},
    "distribution": {"distribution": "dcat:Distribution"},
}
_LIST_FIELDS = ("keyword", "theme", "bureauCode", "programCode", "language", "references")
_CODE_FIELDS = ("bureauCode", "programCode")
# Optional fields where an empty text (or list) breaks the v1.1 schema; only these are left out, so a
# valid dataset stays untouched (an empty `license` or `landingPage` passes the schema and is kept).
_OPTIONAL_DATASET = (
    "rights", "spatial", "temporal", "accrualPeriodicity", "describedByType", "isPartOf", "issued", "language",
    "primaryITInvestmentUII", "references", "systemOfRecords", "theme", "dataQuality",
)  # fmt: skip
_OPTIONAL_DISTRIBUTION = ("title", "description", "format", "describedByType", "mediaType")
MEDIA_TYPE_RE = re.compile(r"^[-\w]+/[-\w]+(\.[-\w]+)*([+][-\w]+)?$")
EMAIL_RE = re.compile(r"^[\w_~!$&'()*+,;=:.-]+@[\w.-]+\.[\w.-]+?$")
# Well-known file extensions and their IANA media types (the same table the v1.0 conversion uses).
EXTENSION_MEDIA_TYPES = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "txt": "text/plain",
    "text": "text/plain",
    "html": "text/html",
    "htm": "text/html",
    "json": "application/json",
    "geojson": "application/geo+json",
    "xml": "application/xml",
    "rdf": "application/rdf+xml",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "kml": "application/vnd.google-earth.kml+xml",
    "kmz": "application/vnd.google-earth.kmz",
    "rss": "application/rss+xml",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
# The official ISO 8601 guidance table (resources.data.gov, accrualPeriodicity) and the ISO 19115 crosswalk
# (project-open-data v1.1 metadata resources); where the table offers two values the first is used.
FREQUENCY_TERMS = {
    "decennial": "R/P10Y",
    "quadrennial": "R/P4Y",
    "annual": "R/P1Y",
    "bimonthly": "R/P2M",
    "semiweekly": "R/P3.5D",
    "daily": "R/P1D",
    "biweekly": "R/P2W",
    "semiannual": "R/P6M",
    "biennial": "R/P2Y",
    "triennial": "R/P3Y",
    "three times a week": "R/P0.33W",
    "three times a month": "R/P0.33M",
    "continuously updated": "R/PT1S",
    "monthly": "R/P1M",
    "quarterly": "R/P3M",
    "semimonthly": "R/P0.5M",
    "three times a year": "R/P4M",
    "weekly": "R/P1W",
    "hourly": "R/PT1H",
    # ISO 19115 maintenance frequency codes
    "continual": "R/PT1S",
    "fortnightly": "R/P0.5M",
    "biannually": "R/P0.5Y",
    "asneeded": "irregular",
    "irregular": "irregular",
    "notplanned": "irregular",
    "unknown": "irregular",
    # spelling variants of the terms above
    "annually": "R/P1Y",
    "yearly": "R/P1Y",
    "bi-weekly": "R/P2W",
    "semi-annual": "R/P6M",
    "semi-annually": "R/P6M",
    "semi-monthly": "R/P0.5M",
    "as needed": "irregular",
    "ad hoc": "irregular",
}
_FREQUENCY_RE = re.compile(
    r"^R/P(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_SLASHED_DATE_RE = re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEARS_RE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


class Repairs:
    """Names of the rules applied to one dataset (a rule applied twice is listed once)."""

    __slots__ = ("applied",)

    def __init__(self) -> None:
        self.applied: list[str] = []

    def note(self, rule: str) -> None:
        if rule not in self.applied:
            self.applied.append(rule)


def repair_dataset(obj: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A repaired copy of a dataset object and the names of the rules applied (the object itself when none)."""
    if not isinstance(obj, dict):
        return obj, []
    repairs = Repairs()
    out = dict(obj)
    _type_name(out, "dataset", repairs)
    _lists(out, repairs)
    _dates(out, repairs)
    _frequency(out, repairs)
    _temporal(out, repairs)
    publisher = out.get("publisher")
    if isinstance(publisher, dict):
        out["publisher"] = _organization(publisher, repairs, depth=0)
    contact = out.get("contactPoint")
    if isinstance(contact, dict):
        contact = dict(contact)
        _type_name(contact, "contactPoint", repairs)
        _email(contact, repairs)
        out["contactPoint"] = contact
    distributions = out.get("distribution")
    if isinstance(distributions, list):
        out["distribution"] = [_distribution(d, repairs) if isinstance(d, dict) else d for d in distributions]
    _drop_empty(out, _OPTIONAL_DATASET, repairs)
    if not repairs.applied:
        return obj, []
    return out, repairs.applied


def _type_name(obj: dict[str, Any], kind: str, repairs: Repairs) -> None:
    value = obj.get("@type")
    if isinstance(value, str):
        fixed = _BARE_TYPES[kind].get(value.strip().lower())
        if fixed and fixed != value:
            obj["@type"] = fixed
            repairs.note("type_name")


def _organization(org: dict[str, Any], repairs: Repairs, *, depth: int) -> dict[str, Any]:
    org = dict(org)
    _type_name(org, "publisher", repairs)
    parent = org.get("subOrganizationOf")
    if isinstance(parent, dict) and depth < 20:
        org["subOrganizationOf"] = _organization(parent, repairs, depth=depth + 1)
    return org


def split_list(value: str, *, codes: bool = False) -> list[str]:
    """One text holding several values as a list: split at commas (codes: also `;` and spaces), de-duplicated."""
    parts = re.split(r"[,;\s]+" if codes else r",", value)
    found: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in found:
            found.append(part)
    return found


def _lists(obj: dict[str, Any], repairs: Repairs) -> None:
    for key in _LIST_FIELDS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            obj[key] = split_list(value, codes=key in _CODE_FIELDS)
            repairs.note("list_from_text")


def _email(contact: dict[str, Any], repairs: Repairs) -> None:
    value = contact.get("hasEmail")
    if not isinstance(value, str):
        return
    fixed = value.strip()
    if fixed.lower().startswith("mailto:"):
        fixed = "mailto:" + fixed[7:].strip()
    elif EMAIL_RE.match(fixed):
        fixed = "mailto:" + fixed
    if fixed != value and EMAIL_RE.match(fixed[7:]):
        contact["hasEmail"] = fixed
        repairs.note("email_mailto")


def media_type_for(label: str) -> str | None:
    """The IANA media type a format label stands for: itself when it is one, or a well-known extension's."""
    text = label.strip()
    lowered = text.lower()
    if MEDIA_TYPE_RE.match(lowered):
        return lowered
    return EXTENSION_MEDIA_TYPES.get(lowered.lstrip("."))


def _distribution(dist: dict[str, Any], repairs: Repairs) -> dict[str, Any]:
    dist = dict(dist)
    _type_name(dist, "distribution", repairs)
    value = dist.get("mediaType")
    if isinstance(value, str) and not MEDIA_TYPE_RE.match(value):
        fixed = media_type_for(value)
        if fixed:
            dist["mediaType"] = fixed
            repairs.note("media_type")
    label = dist.get("format")
    if dist.get("downloadURL") and dist.get("mediaType") is None and isinstance(label, str):
        lowered = label.strip().lower()
        if MEDIA_TYPE_RE.match(lowered):
            dist["mediaType"] = lowered
            repairs.note("media_type")
    _drop_empty(dist, _OPTIONAL_DISTRIBUTION, repairs)
    return dist


def _dates(obj: dict[str, Any], repairs: Repairs) -> None:
    for key in ("modified", "issued"):
        value = obj.get(key)
        if not isinstance(value, str) or _ISO_DATE_RE.match(value):
            continue
        match = _SLASHED_DATE_RE.match(value.strip())
        if match is None:
            continue
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            obj[key] = f"{year:04d}-{month:02d}-{day:02d}"
            repairs.note("date_form")


def _frequency(obj: dict[str, Any], repairs: Repairs) -> None:
    value = obj.get("accrualPeriodicity")
    if not isinstance(value, str) or value == "irregular" or _FREQUENCY_RE.match(value):
        return
    fixed = FREQUENCY_TERMS.get(" ".join(value.strip().lower().split()))
    if fixed:
        obj["accrualPeriodicity"] = fixed
        repairs.note("frequency_term")


def _temporal(obj: dict[str, Any], repairs: Repairs) -> None:
    value = obj.get("temporal")
    if not isinstance(value, str):
        return
    match = _YEARS_RE.match(value.strip())
    if match is None:
        return
    first, last = match.group(1), match.group(2) or match.group(1)
    if first <= last:
        obj["temporal"] = f"{first}-01-01/{last}-12-31"
        repairs.note("temporal_years")


def _drop_empty(obj: dict[str, Any], keys: tuple[str, ...], repairs: Repairs) -> None:
    for key in keys:
        value = obj.get(key)
        if value == "" or (value == [] and key != "language"):
            del obj[key]
            repairs.note("empty_optional")
