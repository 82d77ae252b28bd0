"""Lossless mapping between a Project Open Data (DCAT-US v1.1) dataset object and typed Python records.

`to_flat` turns a dataset dict from a data.json file into a `FlatDataset`; `to_pod` turns it back. The
pair is lossless: `to_pod(to_flat(d)) == d` for any JSON object `d`, including values of the wrong type,
explicit nulls and members the standard does not define. `content_hash` gives the canonical hash used
by incremental harvest.

How fidelity is kept (documented in docs/catalog.md, "Normalisation"):

* Members the standard defines and whose value has the expected JSON type go into typed attributes.
* A defined member present with the value ``null`` is listed in ``nulls`` (absent and null differ).
* A defined member whose value has another type (a number as ``title``, a string as ``keyword``) is
  kept verbatim in ``raw`` and wins over the typed attribute on the way back.
* Members the standard does not define are kept verbatim in ``extras``.

The same three buckets exist on the nested records (publisher, contactPoint, each distribution), so a
null inside a distribution or an agency-specific member of a publisher survives too. Object member order
is not kept (JSON objects are unordered); array order is.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

POD_V11_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
POD_V11_CONTEXT = "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
POD_V11_DESCRIBED_BY = "https://project-open-data.cio.gov/v1.1/schema/catalog.json"

PUBLIC_ACCESS_LEVELS = ("public", "restricted public")

# Kinds of typed value. "json" accepts anything (spatial may be a string or a GeoJSON-like object).
STR = "str"
STR_LIST = "str_list"
BOOL = "bool"
JSON = "json"


@dataclass(slots=True)
class Organization:
    """A publisher and, through `sub_organization_of`, the chain of its parent organisations."""

    name: str | None = None
    type: str | None = None
    sub_organization_of: Organization | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    nulls: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def chain(self) -> list[str]:
        """Names from this organisation up to the top parent (nameless links are skipped)."""
        names: list[str] = []
        node: Organization | None = self
        while node is not None:
            if node.name:
                names.append(node.name)
            node = node.sub_organization_of
        return names


@dataclass(slots=True)
class ContactPoint:
    """vCard contact: a name (`fn`) and a `mailto:` address (`has_email`)."""

    fn: str | None = None
    has_email: str | None = None
    type: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    nulls: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def email(self) -> str | None:
        """The address without its `mailto:` prefix."""
        if not self.has_email:
            return None
        value = self.has_email
        return value[7:] if value.lower().startswith("mailto:") else value


@dataclass(slots=True)
class FlatDistribution:
    """One way to get the data: a download (`download_url` + `media_type`) or an access page/API."""

    type: str | None = None
    title: str | None = None
    description: str | None = None
    access_url: str | None = None
    download_url: str | None = None
    media_type: str | None = None
    format: str | None = None
    conforms_to: str | None = None
    described_by: str | None = None
    described_by_type: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    nulls: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str | None:
        """The best link to the data: the download if there is one, else the access URL."""
        return self.download_url or self.access_url


@dataclass(slots=True)
class FlatDataset:
    """Every DCAT-US v1.1 dataset field as a typed attribute, plus the fidelity buckets."""

    title: str | None = None
    description: str | None = None
    keyword: list[str] | None = None
    modified: str | None = None
    publisher: Organization | None = None
    contact_point: ContactPoint | None = None
    identifier: str | None = None
    access_level: str | None = None
    bureau_code: list[str] | None = None
    program_code: list[str] | None = None
    license: str | None = None
    rights: str | None = None
    spatial: Any = None
    temporal: str | None = None
    distribution: list[FlatDistribution] | None = None
    accrual_periodicity: str | None = None
    conforms_to: str | None = None
    data_quality: bool | None = None
    described_by: str | None = None
    described_by_type: str | None = None
    is_part_of: str | None = None
    issued: str | None = None
    language: list[str] | None = None
    landing_page: str | None = None
    primary_it_investment_uii: str | None = None
    references: list[str] | None = None
    system_of_records: str | None = None
    theme: list[str] | None = None
    type: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    nulls: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_public_listing(self) -> bool:
        """True when the dataset belongs in the Public Data Listing (public or restricted public)."""
        return self.access_level in PUBLIC_ACCESS_LEVELS


# (JSON member, attribute, kind) in the order the standard documents them; `to_pod` writes this order.
ORGANIZATION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("@type", "type", STR),
    ("name", "name", STR),
)
CONTACT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("@type", "type", STR),
    ("fn", "fn", STR),
    ("hasEmail", "has_email", STR),
)
DISTRIBUTION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("@type", "type", STR),
    ("title", "title", STR),
    ("description", "description", STR),
    ("accessURL", "access_url", STR),
    ("downloadURL", "download_url", STR),
    ("mediaType", "media_type", STR),
    ("format", "format", STR),
    ("conformsTo", "conforms_to", STR),
    ("describedBy", "described_by", STR),
    ("describedByType", "described_by_type", STR),
)
DATASET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("@type", "type", STR),
    ("title", "title", STR),
    ("description", "description", STR),
    ("keyword", "keyword", STR_LIST),
    ("modified", "modified", STR),
    ("identifier", "identifier", STR),
    ("accessLevel", "access_level", STR),
    ("bureauCode", "bureau_code", STR_LIST),
    ("programCode", "program_code", STR_LIST),
    ("license", "license", STR),
    ("rights", "rights", STR),
    ("spatial", "spatial", JSON),
    ("temporal", "temporal", STR),
    ("accrualPeriodicity", "accrual_periodicity", STR),
    ("conformsTo", "conforms_to", STR),
    ("dataQuality", "data_quality", BOOL),
    ("describedBy", "described_by", STR),
    ("describedByType", "described_by_type", STR),
    ("isPartOf", "is_part_of", STR),
    ("issued", "issued", STR),
    ("language", "language", STR_LIST),
    ("landingPage", "landing_page", STR),
    ("primaryITInvestmentUII", "primary_it_investment_uii", STR),
    ("references", "references", STR_LIST),
    ("systemOfRecords", "system_of_records", STR),
    ("theme", "theme", STR_LIST),
)
# Nested members handled by their own record types.
_DATASET_NESTED = ("publisher", "contactPoint", "distribution")


def _fits(value: Any, kind: str) -> bool:
    if kind == STR:
        return isinstance(value, str)
    if kind == STR_LIST:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == BOOL:
        return isinstance(value, bool)
    return True


# {key: (attribute, kind)} per field table (the tables are module constants, so their ids are stable).
_KNOWN: dict[int, dict[str, tuple[str, str]]] = {}


def _split(
    obj: dict[str, Any],
    specs: tuple[tuple[str, str, str], ...],
    nested: Iterable[str],
    target: Any,
) -> None:
    """Fill `target`'s typed attributes and fidelity buckets from the JSON object `obj`."""
    known = _KNOWN.get(id(specs))
    if known is None:
        known = _KNOWN[id(specs)] = {key: (attr, kind) for key, attr, kind in specs}
    for key, value in obj.items():
        if key in nested:
            continue
        spec = known.get(key)
        if spec is None:
            target.extras[key] = value
        elif value is None:
            target.nulls.append(key)
        elif _fits(value, spec[1]):
            # Lists are copied so later edits of the record never reach the caller's document.
            setattr(target, spec[0], list(value) if spec[1] == STR_LIST else value)
        else:
            target.raw[key] = value


def _join(source: Any, specs: tuple[tuple[str, str, str], ...], out: dict[str, Any]) -> None:
    """Write `source`'s typed attributes back as JSON members into `out` (fidelity applied by caller)."""
    for key, attr, kind in specs:
        value = getattr(source, attr)
        if value is not None:
            out[key] = list(value) if kind == STR_LIST else value


def _finish(source: Any, out: dict[str, Any]) -> dict[str, Any]:
    for key in source.nulls:
        out[key] = None
    out.update(source.raw)
    out.update(source.extras)
    return out


def organization_from_pod(obj: dict[str, Any]) -> Organization:
    """Parse a publisher object (with its `subOrganizationOf` chain) into an `Organization`."""
    org = Organization()
    _split(obj, ORGANIZATION_FIELDS, ("subOrganizationOf",), org)
    if "subOrganizationOf" in obj:
        parent = obj["subOrganizationOf"]
        if parent is None:
            org.nulls.append("subOrganizationOf")
        elif isinstance(parent, dict):
            org.sub_organization_of = organization_from_pod(parent)
        else:
            org.raw["subOrganizationOf"] = parent
    return org


def organization_to_pod(org: Organization) -> dict[str, Any]:
    """The publisher object for `org`, parents included."""
    out: dict[str, Any] = {}
    _join(org, ORGANIZATION_FIELDS, out)
    if org.sub_organization_of is not None:
        out["subOrganizationOf"] = organization_to_pod(org.sub_organization_of)
    return _finish(org, out)


def contact_from_pod(obj: dict[str, Any]) -> ContactPoint:
    """Parse a contactPoint (vCard) object."""
    contact = ContactPoint()
    _split(obj, CONTACT_FIELDS, (), contact)
    return contact


def contact_to_pod(contact: ContactPoint) -> dict[str, Any]:
    """The contactPoint object for `contact`."""
    out: dict[str, Any] = {}
    _join(contact, CONTACT_FIELDS, out)
    return _finish(contact, out)


def distribution_from_pod(obj: dict[str, Any]) -> FlatDistribution:
    """Parse one distribution object."""
    dist = FlatDistribution()
    _split(obj, DISTRIBUTION_FIELDS, (), dist)
    return dist


def distribution_to_pod(dist: FlatDistribution) -> dict[str, Any]:
    """The distribution object for `dist`."""
    out: dict[str, Any] = {}
    _join(dist, DISTRIBUTION_FIELDS, out)
    return _finish(dist, out)


def to_flat(obj: dict[str, Any]) -> FlatDataset:
    """Parse a POD v1.1 dataset object into a `FlatDataset` without losing anything.

    Accepts any JSON object: invalid values are kept in the fidelity buckets rather than rejected
    (validation is the validator's job, not the mapping's).
    """
    if not isinstance(obj, dict):
        raise TypeError(f"a dataset must be a JSON object, not {type(obj).__name__}")
    flat = FlatDataset()
    _split(obj, DATASET_FIELDS, _DATASET_NESTED, flat)
    for key, parse, attr in (
        ("publisher", organization_from_pod, "publisher"),
        ("contactPoint", contact_from_pod, "contact_point"),
    ):
        if key not in obj:
            continue
        value = obj[key]
        if value is None:
            flat.nulls.append(key)
        elif isinstance(value, dict):
            setattr(flat, attr, parse(value))
        else:
            flat.raw[key] = value
    if "distribution" in obj:
        value = obj["distribution"]
        if value is None:
            flat.nulls.append("distribution")
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            flat.distribution = [distribution_from_pod(item) for item in value]
        else:
            flat.raw["distribution"] = value
    return flat


def to_pod(flat: FlatDataset) -> dict[str, Any]:
    """The POD v1.1 dataset object for `flat`; the exact inverse of `to_flat`."""
    out: dict[str, Any] = {}
    # Standard order: @type, title, description, keyword, modified, publisher, contactPoint, ...
    head, tail = DATASET_FIELDS[:5], DATASET_FIELDS[5:]
    _join(flat, head, out)
    if flat.publisher is not None:
        out["publisher"] = organization_to_pod(flat.publisher)
    if flat.contact_point is not None:
        out["contactPoint"] = contact_to_pod(flat.contact_point)
    _join(flat, tail, out)
    if flat.distribution is not None:
        out["distribution"] = [distribution_to_pod(dist) for dist in flat.distribution]
    return _finish(flat, out)


# --- canonical hashing -------------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """The canonical form hashed by `content_hash`.

    * object members whose value is ``null`` are dropped (the standard treats null as "not populated");
    * strings are put in Unicode NFC so a re-encoded but identical text hashes the same;
    * object member order is irrelevant (keys are sorted when serialised); array order is kept.
    """
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", key): normalise(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def canonical_bytes(dataset: dict[str, Any]) -> bytes:
    """Canonical JSON bytes of a dataset object (normalised, sorted keys, no whitespace)."""
    return dumps_json(normalise(dataset), sort_keys=True)


def dumps_json(value: Any, *, sort_keys: bool = False) -> bytes:
    """Compact UTF-8 JSON, fast path through orjson.

    Real catalogs contain lone UTF-16 surrogates (escaped as ``\\udXXX`` in the source) that orjson
    refuses; those documents go through the standard library, which writes them back as the same
    escapes, so even such text round-trips unchanged.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:
        return json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=True).encode()


def content_hash(dataset: dict[str, Any] | FlatDataset) -> str:
    """SHA-256 (hex) of the canonical form: equal for datasets that differ only in ways `normalise` ignores."""
    if isinstance(dataset, FlatDataset):
        dataset = to_pod(dataset)
    # Fast path: when the plain sorted serialisation has no null member and its text is already NFC,
    # `normalise` would change nothing, so the (slow, recursive) normalisation is skipped.
    try:
        raw = orjson.dumps(dataset, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raw = None
    if raw is not None and b":null" not in raw and (raw.isascii() or unicodedata.is_normalized("NFC", raw.decode())):
        return hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(canonical_bytes(dataset)).hexdigest()


def json_equivalent(left: Any, right: Any) -> bool:
    """Strict JSON equality: object member order ignored, but `1`, `1.0` and `true` are told apart."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(json_equivalent(left[k], right[k]) for k in left)
        )
    if isinstance(left, list):
        return (
            isinstance(right, list)
            and len(left) == len(right)
            and all(json_equivalent(a, b) for a, b in zip(left, right, strict=True))
        )
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return type(left) is type(right) and left == right
    return type(left) is type(right) and left == right


def first_difference(left: Any, right: Any, path: str = "") -> str | None:
    """JSON pointer of the first place where two documents differ, or None when equivalent."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(left.keys() | right.keys()):
            pointer = f"{path}/{key.replace('~', '~0').replace('/', '~1')}"
            if key not in left or key not in right:
                return pointer
            found = first_difference(left[key], right[key], pointer)
            if found is not None:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return path or "/"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}/{index}")
            if found is not None:
                return found
        return None
    return None if json_equivalent(left, right) else (path or "/")


def _repair_text(text: str) -> str:
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    # Join valid surrogate pairs first; what is left are lone halves.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    out = []
    for ch in text:
        if "\udc80" <= ch <= "\udcff":
            # A byte smuggled in as a surrogate (Python's surrogateescape convention): almost always
            # Windows-1252 punctuation such as the curly apostrophe 0x92.
            out.append(bytes([ord(ch) - 0xDC00]).decode("cp1252", "replace"))
        elif "\ud800" <= ch <= "\udfff":
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def repair_surrogates(value: Any) -> Any:
    """Replace lone UTF-16 surrogates, which no database can store as UTF-8 text (documented normalisation).

    A surrogate in U+DC80–U+DCFF stands for one mis-encoded byte and becomes the Windows-1252
    character of that byte; any other lone surrogate becomes U+FFFD. Everything else is unchanged.
    """
    if isinstance(value, str):
        return _repair_text(value)
    if isinstance(value, dict):
        return {_repair_text(k): repair_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [repair_surrogates(item) for item in value]
    return value
