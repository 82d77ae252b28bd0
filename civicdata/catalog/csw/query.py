"""The part of OGC CSW that does not depend on the protocol version: reading request bodies safely,
turning constraints (OGC Filter 1.1, OGC FES 2.0, a small CQL subset, free text and boxes) into queryset
filters, paging the public catalog and building Dublin Core records. `v2` (CSW 2.0.2) and `v3` (CSW 3.0.0)
wrap these in their own envelopes and namespaces; the package's `Catalogue` picks the version.

Request bodies are parsed with defusedxml (no DTDs, no entities, no external references) after a size
check, and their nesting depth and element count are bounded while parsing. Everything is read from the
catalog tables at request time, so the answers follow every change at once.

Record identifiers are the dataset's uuid (as in OAI-PMH); GetRecordById also takes the POD identifier.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from civicdata.catalog import records
from civicdata.catalog.models import Dataset
from civicdata.catalog.publishing import Listing, listing_queryset

CSW_NS = "http://www.opengis.net/cat/csw/2.0.2"
CSW30_NS = "http://www.opengis.net/cat/csw/3.0"
OWS_NS = "http://www.opengis.net/ows"
OWS11_NS = "http://www.opengis.net/ows/1.1"  # FES 2.0's filter capabilities use OWS 1.1 types
OWS20_NS = "http://www.opengis.net/ows/2.0"
FES_NS = "http://www.opengis.net/fes/2.0"
GML32_NS = "http://www.opengis.net/gml/3.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
GEORSS_NS = "http://www.georss.org/georss"
OGC_NS = "http://www.opengis.net/ogc"
GML_NS = "http://www.opengis.net/gml"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCT_NS = "http://purl.org/dc/terms/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XS_NS = "http://www.w3.org/2001/XMLSchema"
NAMESPACES = {
    "csw": CSW_NS,
    "csw30": CSW30_NS,
    "ows": OWS_NS,
    "ows11": OWS11_NS,
    "ows20": OWS20_NS,
    "fes": FES_NS,
    "gml32": GML32_NS,
    "atom": ATOM_NS,
    "os": OPENSEARCH_NS,
    "georss": GEORSS_NS,
    "ogc": OGC_NS,
    "gml": GML_NS,
    "dc": DC_NS,
    "dct": DCT_NS,
    "xlink": XLINK_NS,
    "xsi": XSI_NS,
    "xs": XS_NS,
}
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)

VERSION = "2.0.2"
VERSION3 = "3.0.0"
VERSIONS = (VERSION, VERSION3)
RECORD_TYPE = "csw:Record"
OPERATIONS = ("GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById")
ELEMENT_SETS = ("brief", "summary", "full")
DEFAULT_MAX_RECORDS = 10
MAX_RECORDS = 100
MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_ELEMENTS = 2000
MAX_IDS = 100
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Axis order: EPSG's own 4326 names list latitude first; CRS84 and the short "EPSG:4326" longitude first.
_LAT_FIRST = re.compile(r"(urn:(x-)?ogc:def:crs:EPSG:[0-9.]*:4326|opengis\.net/def/crs/EPSG/0/4326)$", re.I)
OUTPUT_CRS = "urn:ogc:def:crs:EPSG::4326"


class CswError(Exception):
    """An OWS exception (`code` is one of OWS Common's codes; `locator` names the faulty parameter)."""

    def __init__(self, code: str, message: str, locator: str = "", *, version: str = VERSION) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.locator = locator
        self.version = version  # the protocol version whose exception report answers it

    @property
    def status(self) -> int:
        """The HTTP status (OWS Common 2.0, table 28; 400 for the client's own faults, never 500)."""
        if self.code == "OperationNotSupported" and self.locator == "request":
            return 501
        if self.code == "NotFound":
            return 404
        return 400


def qname(prefix: str, tag: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{tag}"


def clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def sub(parent: ET.Element, prefix: str, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, qname(prefix, tag), attrs)
    if text is not None:
        element.text = clean(text)
    return element


def add_service_sections(root: ET.Element, ows: str, versions: list[str], site_url: str) -> None:
    """The ServiceIdentification and ServiceProvider sections of a capabilities document, in the OWS
    namespace of the version asked (``ows`` for CSW 2.0.2, ``ows20`` for 3.0), ``versions`` first to last."""
    ident = sub(root, ows, "ServiceIdentification")
    sub(ident, ows, "Title", settings.SITE_NAME)
    sub(ident, ows, "Abstract", f"The public open data catalog of {settings.SITE_NAME}, as OGC CSW records.")
    keywords = sub(ident, ows, "Keywords")
    for word in ("open data", "catalog", "DCAT-US"):
        sub(keywords, ows, "Keyword", word)
    sub(ident, ows, "ServiceType", "CSW", codeSpace="OGC")
    for version in versions:
        sub(ident, ows, "ServiceTypeVersion", version)
    sub(ident, ows, "Fees", "none")
    sub(ident, ows, "AccessConstraints", "none")
    provider = sub(root, ows, "ServiceProvider")
    sub(provider, ows, "ProviderName", settings.SITE_NAME)
    sub(provider, ows, "ProviderSite", **{qname("xlink", "href"): site_url + "/"})
    contact = sub(provider, ows, "ServiceContact")
    admin = settings.DEFAULT_FROM_EMAIL
    admin = admin.split("<", 1)[1].rstrip(">").strip() if "<" in admin else admin
    info = sub(contact, ows, "ContactInfo")
    sub(sub(info, ows, "Address"), ows, "ElectronicMailAddress", admin)


def exception_report(error: CswError) -> bytes:
    """An OWS 1.0 exception report for CSW 2.0.2, an OWS 2.0 one for CSW 3.0."""
    if error.version == VERSION3:
        ows, version, schema = "ows20", "2.0.0", f"{OWS20_NS} http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd"
    else:
        ows, version, schema = "ows", "1.2.0", f"{OWS_NS} http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd"
    root = ET.Element(qname(ows, "ExceptionReport"), {"version": version})
    root.set(qname("xsi", "schemaLocation"), schema)
    attrs = {"exceptionCode": error.code}
    if error.locator:
        attrs["locator"] = error.locator
    exception = sub(root, ows, "Exception", **attrs)
    sub(exception, ows, "ExceptionText", error.message)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# -- reading requests ---------------------------------------------------------------------------------


def parse_xml(body: bytes) -> ET.Element:
    """A request body as an element tree; CswError when it is too big, too deep or not plain XML."""
    if len(body) > MAX_BODY_BYTES:
        raise CswError("NoApplicableCode", f"The request is larger than {MAX_BODY_BYTES // 1024} KB.")
    depth = count = 0
    root: ET.Element | None = None
    try:
        for event, element in iterparse(io.BytesIO(body), events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                count += 1
                if depth > MAX_DEPTH:
                    raise CswError("NoApplicableCode", f"The request nests elements more than {MAX_DEPTH} deep.")
                if count > MAX_ELEMENTS:
                    raise CswError("NoApplicableCode", f"The request has more than {MAX_ELEMENTS} elements.")
                if root is None:
                    root = element
            else:
                depth -= 1
    except DefusedXmlException as error:
        raise CswError("NoApplicableCode", "The request uses a DTD or entities, which this service refuses.") from error
    except ET.ParseError as error:
        raise CswError("NoApplicableCode", f"The request is not well-formed XML ({error}).") from error
    if root is None:
        raise CswError("NoApplicableCode", "The request is empty.")
    return root


@dataclass
class Query:
    """A GetRecords request, whichever way it came."""

    result_type: str = "hits"
    element_set: str = "summary"
    start: int = 1
    max_records: int = DEFAULT_MAX_RECORDS
    filter: Q = field(default_factory=Q)


def int_param(value: str, name: str, *, low: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise CswError("InvalidParameterValue", f"{name} must be a whole number.", name) from error
    if number < low:
        raise CswError("InvalidParameterValue", f"{name} must be at least {low}.", name)
    return number


def check_choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise CswError("InvalidParameterValue", f"{name} must be one of {', '.join(choices)}.", name)
    return value


def check_schema(value: str, schema: str = CSW_NS) -> None:
    if value and value != schema:
        raise CswError("InvalidParameterValue", f"Records are available in the schema {schema} only.", "outputSchema")


def check_type_names(value: str, record_type: str = RECORD_TYPE) -> None:
    names = {name.strip() for name in value.replace(",", " ").split() if name.strip()}
    if names and not names <= {record_type, "Record"}:
        raise CswError("InvalidParameterValue", f"The only record type is {record_type}.", "typeNames")


# -- filters ------------------------------------------------------------------------------------------

_TEXT_FIELDS = {
    "csw:anytext": "_anytext",
    "csw30:anytext": "_anytext",
    "anytext": "_anytext",
    "dc:title": "title",
    "title": "title",
    "dc:description": "description",
    "dct:abstract": "description",
    "abstract": "description",
    "dc:subject": "_subjects",
    "subject": "_subjects",
    "dc:identifier": "_identifier",
    "identifier": "_identifier",
    "dc:type": "_type",
    "dc:publisher": "publisher__name",
}
_BBOX_FIELDS = {
    "ows:boundingbox",
    "ows20:boundingbox",
    "boundingbox",
    "csw:boundingbox",
    "csw30:boundingbox",
    "dc:coverage",
    "",
}
# Filter encodings: OGC Filter 1.1 (CSW 2.0.2) and OGC FES 2.0 (CSW 3.0); either is read in either version.
_FILTER_NS = (OGC_NS, FES_NS)
_GML_NS = (GML_NS, GML32_NS)
_OWS_NS = (OWS_NS, OWS20_NS)


def _like_regex(pattern: str, wild: str, single: str, escape: str) -> str:
    out: list[str] = ["^"]
    chars = iter(pattern)
    for char in chars:
        if escape and char == escape:
            out.append(re.escape(next(chars, "")))
        elif char == wild:
            out.append(r"[\s\S]*")
        elif char == single:
            out.append(r"[\s\S]")
        else:
            out.append(re.escape(char))
    out.append("$")
    return "".join(out)


def _field_q(name: str, *, exact: str | None = None, regex: str | None = None) -> Q:
    target = _TEXT_FIELDS.get(name.strip().lower())
    if target is None:
        raise CswError("InvalidParameterValue", f"'{name}' is not a queryable of this catalogue.", "Constraint")
    if target == "_type":
        matches = (exact is not None and exact.lower() == "dataset") or (
            regex is not None and re.match(regex, "Dataset", re.I) is not None
        )
        return Q() if matches else Q(pk__in=[])
    if target == "_identifier":
        if exact is not None:
            return Q(identifier=exact) | (Q(uuid=exact) if _is_uuid(exact) else Q())
        return Q(identifier__iregex=regex) | Q(_uuid_text__iregex=regex)
    if exact is not None:
        return Q(**{f"{target}__iexact": exact}) if not target.startswith("_") else Q(**{f"{target}__icontains": exact})
    return Q(**{f"{target}__iregex": regex})


def bbox_q(west: float, south: float, east: float, north: float) -> Q:
    """Datasets whose box overlaps the given one (touching counts)."""
    return Q(bbox_west__lte=east, bbox_east__gte=west, bbox_south__lte=north, bbox_north__gte=south)


def _child(element: ET.Element, names: tuple[str, ...], spaces: tuple[str, ...]) -> ET.Element | None:
    """The first child named one of `names` in one of the namespaces `spaces`."""
    for child in element:
        if local(child.tag) in names and _space(child.tag) in spaces:
            return child
    return None


def _space(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _envelope(element: ET.Element) -> tuple[float, float, float, float]:
    envelope = _child(element, ("Envelope",), _GML_NS)
    if envelope is None:
        envelope = _child(element, ("BoundingBox",), _OWS_NS)
    if envelope is None:
        raise CswError("InvalidParameterValue", "BBOX needs a gml:Envelope.", "Constraint")
    srs = envelope.get("srsName") or envelope.get("crs") or ""
    lower = _child(envelope, ("lowerCorner", "LowerCorner"), _GML_NS + _OWS_NS)
    upper = _child(envelope, ("upperCorner", "UpperCorner"), _GML_NS + _OWS_NS)
    try:
        a, b = (float(v) for v in (lower.text or "").split()) if lower is not None else (None, None)
        c, d = (float(v) for v in (upper.text or "").split()) if upper is not None else (None, None)
    except ValueError as error:
        raise CswError("InvalidParameterValue", "BBOX corners must be two numbers each.", "Constraint") from error
    if a is None or c is None:
        raise CswError("InvalidParameterValue", "BBOX needs a lower and an upper corner.", "Constraint")
    return ordered_box(srs, a, b, c, d)


def ordered_box(
    srs: str, a: float, b: float, c: float, d: float, *, locator: str = "Constraint"
) -> tuple[float, float, float, float]:
    """Two corners in the axis order of `srs` as (west, south, east, north); CswError unless WGS 84."""
    if srs and not re.search(r"(4326|CRS84)$", srs, re.I):
        raise CswError("InvalidParameterValue", "BBOX must be in WGS 84 (EPSG:4326 or CRS84).", locator)
    west, south, east, north = (b, a, d, c) if _LAT_FIRST.search(srs) else (a, b, c, d)
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise CswError("InvalidParameterValue", "BBOX is not a box in degrees of WGS 84.", locator)
    return west, south, east, north


def _property_name(element: ET.Element) -> str:
    name = _child(element, ("PropertyName", "ValueReference"), _FILTER_NS)
    if name is None or not (name.text or "").strip():
        raise CswError(
            "InvalidParameterValue",
            f"{local(element.tag)} needs an ogc:PropertyName (fes:ValueReference in FES 2.0).",
            "Constraint",
        )
    return (name.text or "").strip()


def _literal(element: ET.Element) -> str:
    literal = _child(element, ("Literal",), _FILTER_NS)
    if literal is None:
        raise CswError("InvalidParameterValue", f"{local(element.tag)} needs a Literal.", "Constraint")
    return "".join(literal.itertext())


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_uuid(value: str) -> bool:
    """Whether `value` reads as a uuid (a uuid lookup on anything else fails with a ValidationError)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def ids_q(ids: list[str]) -> Q:
    """Datasets with one of these uuids or POD identifiers."""
    uuids = [value for value in ids if _is_uuid(value)]
    return Q(uuid__in=uuids) | Q(identifier__in=ids)


def filter_q(element: ET.Element) -> Q:
    """An OGC Filter 1.1 or FES 2.0 expression (the Filter element or one operator) as a queryset filter."""
    name = local(element.tag)
    if _space(element.tag) not in _FILTER_NS:
        raise CswError("OperationNotSupported", f"The filter operator '{name}' is not supported here.", "Constraint")
    if name == "Filter":
        children = list(element)
        if children and all(local(child.tag) == "ResourceId" for child in children):
            return ids_q([child.get("rid", "") for child in children])
        if len(children) != 1:
            raise CswError("InvalidParameterValue", "The Filter must hold one operator.", "Constraint")
        return filter_q(children[0])
    if name in ("And", "Or"):
        parts = [filter_q(child) for child in element]
        if len(parts) < 2:
            raise CswError("InvalidParameterValue", f"{name} needs two operands or more.", "Constraint")
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if name == "And" else (combined | part)
        return combined
    if name == "Not":
        children = list(element)
        if len(children) != 1:
            raise CswError("InvalidParameterValue", "Not needs one operand.", "Constraint")
        return ~filter_q(children[0])
    if name == "ResourceId":
        return ids_q([element.get("rid", "")])
    if name == "PropertyIsLike":
        wild, single = element.get("wildCard", "%"), element.get("singleChar", "_")
        escape = element.get("escapeChar", element.get("escape", "\\"))
        regex = _like_regex(_literal(element), wild, single, escape)
        return _field_q(_property_name(element), regex=regex)
    if name == "PropertyIsEqualTo":
        return _field_q(_property_name(element), exact=_literal(element))
    if name == "PropertyIsNotEqualTo":
        return ~_field_q(_property_name(element), exact=_literal(element))
    if name == "BBOX":
        prop = _child(element, ("PropertyName", "ValueReference"), _FILTER_NS)
        if (prop.text or "").strip().lower() not in _BBOX_FIELDS if prop is not None else False:
            raise CswError("InvalidParameterValue", "BBOX works on ows:BoundingBox.", "Constraint")
        return bbox_q(*_envelope(element))
    raise CswError("OperationNotSupported", f"The filter operator '{name}' is not supported here.", "Constraint")


_CQL_LIKE = re.compile(r"^\s*([\w:]+)\s+(I?LIKE|=)\s+'((?:[^']|'')*)'\s*$", re.I)
_CQL_BBOX = re.compile(
    r"^\s*BBOX\s*\(\s*([\w:]+)\s*,\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*(?:,\s*'([^']*)'\s*)?\)\s*$",
    re.I,
)


def cql_q(text: str) -> Q:
    """The small CQL subset clients send by KVP: `prop like '%x%'`, `prop = 'x'`, `BBOX(prop, w, s, e, n)`,
    joined with AND."""
    parts = re.split(r"\s+AND\s+", text.strip(), flags=re.I)
    combined = Q()
    for part in parts:
        like = _CQL_LIKE.match(part)
        box = _CQL_BBOX.match(part)
        if like:
            value = like.group(3).replace("''", "'")
            if like.group(2) == "=":
                combined &= _field_q(like.group(1), exact=value)
            else:
                combined &= _field_q(like.group(1), regex=_like_regex(value, "%", "_", "\\"))
        elif box:
            a, b, c, d = (float(box.group(i)) for i in range(2, 6))
            combined &= bbox_q(*ordered_box(box.group(6) or "", a, b, c, d))
        else:
            raise CswError(
                "InvalidParameterValue",
                "This CQL is not understood; use `AnyText like '%word%'`, `dc:title = 'x'` or BBOX(...), "
                "or send an OGC Filter.",
                "Constraint",
            )
    return combined


# -- the catalogue ------------------------------------------------------------------------------------


def public_datasets() -> QuerySet[Dataset]:
    """The datasets of `/data.json`, with the computed columns the filters use."""
    text = TextField()
    return listing_queryset(Listing.PUBLIC).annotate(
        _subjects=Concat(
            Coalesce(Cast("keyword", text), Value(""), output_field=text),
            Value(" ", output_field=text),
            Coalesce(Cast("theme", text), Value(""), output_field=text),
            output_field=text,
        ),
        _anytext=Concat(
            Coalesce("title", Value(""), output_field=text),
            Value(" ", output_field=text),
            Coalesce("description", Value(""), output_field=text),
            Value(" ", output_field=text),
            Coalesce(Cast("keyword", text), Value(""), output_field=text),
            Value(" ", output_field=text),
            Coalesce(Cast("theme", text), Value(""), output_field=text),
            Value(" ", output_field=text),
            Coalesce("identifier", Value(""), output_field=text),
            output_field=text,
        ),
        _uuid_text=Cast("uuid", text),
    )


def words_q(text: str) -> Q:
    """Free text (CSW 3.0's `q`): every word somewhere in title, description, keywords, themes or identifier."""
    combined = Q()
    for word in text.split()[:20]:
        combined &= Q(_anytext__icontains=word)
    return combined


@dataclass
class Page:
    """The outcome of a GetRecords query: how many match, which dataset ids to show and the next position."""

    matched: int
    ids: list[int]
    returned: int
    next_record: int


def run(query: Query) -> Page:
    """Count the public datasets matching `query` and pick the requested page (ordered by id)."""
    queryset = public_datasets().filter(query.filter).order_by("id")
    matched = queryset.count()
    limit = min(query.max_records, MAX_RECORDS)
    ids: list[int] = []
    if query.result_type == "results" and limit:
        ids = list(queryset.values_list("id", flat=True)[query.start - 1 : query.start - 1 + limit])
    returned = len(ids) if query.result_type == "results" else 0
    after = query.start + (len(ids) if query.result_type == "results" else min(limit, matched))
    return Page(matched=matched, ids=ids, returned=returned, next_record=after if after <= matched else 0)


def find_ids(ids: list[str]) -> list[int]:
    """The public datasets with these uuids or POD identifiers, by id."""
    if not ids:
        raise CswError("MissingParameterValue", "GetRecordById needs one or more ids.", "Id")
    if len(ids) > MAX_IDS:
        raise CswError("InvalidParameterValue", f"Ask for {MAX_IDS} ids or fewer at a time.", "Id")
    return sorted(public_datasets().filter(ids_q(ids)).values_list("id", flat=True))


def load(ids: list[int], site_url: str) -> Iterator[tuple[dict[str, Any], dict[str, Any], str]]:
    """For each dataset id: its POD v1.1 object, its catalog row (uuid, box, dates) and its page address."""
    if not ids:
        return
    rows = Dataset.objects.filter(pk__in=ids).order_by("id")
    extra = {
        row["id"]: row
        for row in rows.values(
            "id",
            "uuid",
            "name",
            "identifier",
            "bbox_west",
            "bbox_south",
            "bbox_east",
            "bbox_north",
            "modified_at",
            "published_at",
        )
    }
    pods = dict(records.iter_pod_rows(rows, links_base=""))
    for pk in ids:
        row = extra[pk]
        key = row["identifier"] or row["name"]
        yield pods[pk], row, f"{site_url}/datasets/{key}/"


def texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    if isinstance(value, (str, int, float)) and str(value).strip():
        return [str(value)]
    return []


def record(
    obj: dict[str, Any], row: Mapping[str, Any], *, page_url: str, element_set: str, csw: str = "csw", ows: str = "ows"
) -> ET.Element:
    """One POD v1.1 dataset as a Dublin Core csw:Record (or its summary or brief form); `csw` and `ows`
    name the namespaces (`csw30` and `ows20` for CSW 3.0)."""
    tag = {"brief": "BriefRecord", "summary": "SummaryRecord", "full": "Record"}[element_set]
    root = ET.Element(qname(csw, tag))

    def add(prefix: str, name: str, values: list[str]) -> None:
        for value in values:
            sub(root, prefix, name, value)

    publisher = obj.get("publisher") if isinstance(obj.get("publisher"), dict) else {}
    distributions = [d for d in obj.get("distribution") or [] if isinstance(d, dict)]
    add("dc", "identifier", [str(row["uuid"])])
    add("dc", "title", texts(obj.get("title")))
    add("dc", "type", ["dataset"])
    if element_set != "brief":
        add("dc", "subject", texts(obj.get("keyword")) + texts(obj.get("theme")))
        formats = sorted({t for d in distributions for t in texts(d.get("mediaType")) + texts(d.get("format"))})
        add("dc", "format", formats)
        add("dct", "modified", texts(obj.get("modified")))
        add("dct", "abstract", texts(obj.get("description")))
    if element_set == "full":
        add("dc", "identifier", [*texts(obj.get("identifier")), page_url])
        add("dc", "creator", texts(publisher.get("name")))
        add("dc", "publisher", texts(publisher.get("name")))
        add("dc", "description", texts(obj.get("description")))
        add("dc", "language", texts(obj.get("language")))
        add("dc", "rights", texts(obj.get("license")) + texts(obj.get("rights")))
        add("dc", "coverage", texts(obj.get("spatial")) + texts(obj.get("temporal")))
        add("dct", "issued", texts(obj.get("issued")))
        add("dct", "references", [page_url, *texts(obj.get("landingPage"))])
        for distribution in distributions:
            for url in texts(distribution.get("downloadURL")) + texts(distribution.get("accessURL")):
                sub(root, "dct", "references", url, scheme=clean(distribution.get("mediaType") or "WWW:LINK"))
    box = [row.get(k) for k in ("bbox_west", "bbox_south", "bbox_east", "bbox_north")]
    if all(v is not None for v in box):
        west, south, east, north = box
        bbox = sub(root, ows, "BoundingBox", crs=OUTPUT_CRS, dimensions="2")
        sub(bbox, ows, "LowerCorner", f"{south} {west}")
        sub(bbox, ows, "UpperCorner", f"{north} {east}")
    return root
