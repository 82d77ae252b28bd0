"""OGC Catalogue Service for the Web (CSW 2.0.2) over the public catalog, for GIS desktop tools (QGIS
MetaSearch) and geospatial harvesters: the same records as `/data.json`, as Dublin Core `csw:Record`s.

Answers GetCapabilities, DescribeRecord, GetRecords (text and bounding-box constraints as OGC Filter
1.1 in XML, or a small CQL subset, with paging) and GetRecordById, by KVP GET or XML POST. Everything is
read from the catalog tables at request time, so the answers follow every change at once.

Request bodies are parsed with defusedxml (no DTDs, no entities, no external references) after a size
check, and their nesting depth and element count are bounded while parsing. Why this module rather than
pycsw: see docs/catalog-tools.md ("CSW").

Record identifiers are the dataset's uuid (as in OAI-PMH); GetRecordById also takes the POD identifier.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from civicdata.catalog import records
from civicdata.catalog.models import Dataset
from civicdata.catalog.publishing import Listing, listing_queryset

CSW_NS = "http://www.opengis.net/cat/csw/2.0.2"
OWS_NS = "http://www.opengis.net/ows"
OGC_NS = "http://www.opengis.net/ogc"
GML_NS = "http://www.opengis.net/gml"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCT_NS = "http://purl.org/dc/terms/"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XS_NS = "http://www.w3.org/2001/XMLSchema"
NAMESPACES = {
    "csw": CSW_NS,
    "ows": OWS_NS,
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

    def __init__(self, code: str, message: str, locator: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.locator = locator


def _q(prefix: str, tag: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{tag}"


def _clean(text: Any) -> str:
    return _NOT_XML.sub("", str(text))


def _sub(parent: ET.Element, prefix: str, tag: str, text: Any = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(prefix, tag), attrs)
    if text is not None:
        element.text = _clean(text)
    return element


def exception_report(error: CswError) -> bytes:
    root = ET.Element(_q("ows", "ExceptionReport"), {"version": "1.2.0"})
    root.set(_q("xsi", "schemaLocation"), f"{OWS_NS} http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd")
    attrs = {"exceptionCode": error.code}
    if error.locator:
        attrs["locator"] = error.locator
    exception = _sub(root, "ows", "Exception", **attrs)
    _sub(exception, "ows", "ExceptionText", error.message)
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


def _int(value: str, name: str, *, low: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise CswError("InvalidParameterValue", f"{name} must be a whole number.", name) from error
    if number < low:
        raise CswError("InvalidParameterValue", f"{name} must be at least {low}.", name)
    return number


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise CswError("InvalidParameterValue", f"{name} must be one of {', '.join(choices)}.", name)
    return value


def _check_schema(value: str) -> None:
    if value and value != CSW_NS:
        raise CswError("InvalidParameterValue", f"Records are available in the schema {CSW_NS} only.", "outputSchema")


def _check_type_names(value: str) -> None:
    names = {name.strip() for name in value.replace(",", " ").split() if name.strip()}
    if names and not names <= {RECORD_TYPE, "Record"}:
        raise CswError("InvalidParameterValue", "The only record type is csw:Record.", "typeNames")


# -- filters ------------------------------------------------------------------------------------------

_TEXT_FIELDS = {
    "csw:anytext": "_anytext",
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
_BBOX_FIELDS = {"ows:boundingbox", "boundingbox", "csw:boundingbox", "dc:coverage", ""}


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
            return Q(identifier=exact) | (Q(uuid=exact) if re.fullmatch(r"[0-9a-fA-F-]{32,36}", exact) else Q())
        return Q(identifier__iregex=regex) | Q(_uuid_text__iregex=regex)
    if exact is not None:
        return Q(**{f"{target}__iexact": exact}) if not target.startswith("_") else Q(**{f"{target}__icontains": exact})
    return Q(**{f"{target}__iregex": regex})


def _bbox_q(west: float, south: float, east: float, north: float) -> Q:
    """Datasets whose box overlaps the given one (touching counts)."""
    return Q(bbox_west__lte=east, bbox_east__gte=west, bbox_south__lte=north, bbox_north__gte=south)


def _envelope(element: ET.Element) -> tuple[float, float, float, float]:
    envelope = element.find("gml:Envelope", NAMESPACES)
    if envelope is None:
        envelope = element.find("ows:BoundingBox", NAMESPACES)
    if envelope is None:
        raise CswError("InvalidParameterValue", "BBOX needs a gml:Envelope.", "Constraint")
    srs = envelope.get("srsName") or envelope.get("crs") or ""
    lower = envelope.find("gml:lowerCorner", NAMESPACES)
    upper = envelope.find("gml:upperCorner", NAMESPACES)
    if lower is None or upper is None:
        lower = envelope.find("ows:LowerCorner", NAMESPACES)
        upper = envelope.find("ows:UpperCorner", NAMESPACES)
    try:
        a, b = (float(v) for v in (lower.text or "").split()) if lower is not None else (None, None)
        c, d = (float(v) for v in (upper.text or "").split()) if upper is not None else (None, None)
    except ValueError as error:
        raise CswError("InvalidParameterValue", "BBOX corners must be two numbers each.", "Constraint") from error
    if a is None or c is None:
        raise CswError("InvalidParameterValue", "BBOX needs a lower and an upper corner.", "Constraint")
    return _ordered(srs, a, b, c, d)


def _ordered(srs: str, a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
    if srs and not re.search(r"(4326|CRS84)$", srs, re.I):
        raise CswError("InvalidParameterValue", "BBOX must be in WGS 84 (EPSG:4326 or CRS84).", "Constraint")
    west, south, east, north = (b, a, d, c) if _LAT_FIRST.search(srs) else (a, b, c, d)
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise CswError("InvalidParameterValue", "BBOX is not a box in degrees of WGS 84.", "Constraint")
    return west, south, east, north


def _property_name(element: ET.Element) -> str:
    name = element.find("ogc:PropertyName", NAMESPACES)
    if name is None or not (name.text or "").strip():
        raise CswError("InvalidParameterValue", f"{_local(element.tag)} needs an ogc:PropertyName.", "Constraint")
    return (name.text or "").strip()


def _literal(element: ET.Element) -> str:
    literal = element.find("ogc:Literal", NAMESPACES)
    if literal is None:
        raise CswError("InvalidParameterValue", f"{_local(element.tag)} needs an ogc:Literal.", "Constraint")
    return "".join(literal.itertext())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def filter_q(element: ET.Element) -> Q:
    """An OGC Filter 1.1 expression (the ogc:Filter element or one operator) as a queryset filter."""
    name = _local(element.tag)
    if element.tag == _q("ogc", "Filter"):
        children = list(element)
        if len(children) != 1:
            raise CswError("InvalidParameterValue", "ogc:Filter must hold one operator.", "Constraint")
        return filter_q(children[0])
    if name in ("And", "Or") and element.tag.startswith(f"{{{OGC_NS}}}"):
        parts = [filter_q(child) for child in element]
        if len(parts) < 2:
            raise CswError("InvalidParameterValue", f"ogc:{name} needs two operands or more.", "Constraint")
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined & part) if name == "And" else (combined | part)
        return combined
    if element.tag == _q("ogc", "Not"):
        children = list(element)
        if len(children) != 1:
            raise CswError("InvalidParameterValue", "ogc:Not needs one operand.", "Constraint")
        return ~filter_q(children[0])
    if element.tag == _q("ogc", "PropertyIsLike"):
        wild, single = element.get("wildCard", "%"), element.get("singleChar", "_")
        escape = element.get("escapeChar", element.get("escape", "\\"))
        regex = _like_regex(_literal(element), wild, single, escape)
        return _field_q(_property_name(element), regex=regex)
    if element.tag == _q("ogc", "PropertyIsEqualTo"):
        return _field_q(_property_name(element), exact=_literal(element))
    if element.tag == _q("ogc", "PropertyIsNotEqualTo"):
        return ~_field_q(_property_name(element), exact=_literal(element))
    if element.tag == _q("ogc", "BBOX"):
        prop = element.find("ogc:PropertyName", NAMESPACES)
        if (prop.text or "").strip().lower() not in _BBOX_FIELDS if prop is not None else False:
            raise CswError("InvalidParameterValue", "BBOX works on ows:BoundingBox.", "Constraint")
        return _bbox_q(*_envelope(element))
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
            combined &= _bbox_q(*_ordered(box.group(6) or "", a, b, c, d))
        else:
            raise CswError(
                "InvalidParameterValue",
                "This CQL is not understood; use `AnyText like '%word%'`, `dc:title = 'x'` or BBOX(...), "
                "or send an OGC Filter.",
                "Constraint",
            )
    return combined


# -- the catalogue ------------------------------------------------------------------------------------


def _public() -> QuerySet[Dataset]:
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


class Catalogue:
    """Answers CSW requests for one base URL."""

    def __init__(self, *, base_url: str, site_url: str) -> None:
        self.base_url = base_url
        self.site_url = site_url.rstrip("/")

    # -- dispatch -------------------------------------------------------------------------------------

    def respond_kvp(self, params: Mapping[str, str]) -> bytes:
        args = {key.lower(): value for key, value in params.items()}
        service = args.get("service", "")
        request = args.get("request", "")
        if not request:
            raise CswError("MissingParameterValue", "The parameter 'request' is missing.", "request")
        if service and service.upper() != "CSW":
            raise CswError("InvalidParameterValue", "This service is CSW.", "service")
        if request not in OPERATIONS:
            raise CswError("OperationNotSupported", f"'{request}' is not an operation of this service.", "request")
        if request == "GetCapabilities":
            accept = args.get("acceptversions", "")
            if accept and VERSION not in [v.strip() for v in accept.split(",")]:
                raise CswError("VersionNegotiationFailed", f"This service speaks CSW {VERSION}.", "AcceptVersions")
            return self.capabilities()
        if not service:
            raise CswError("MissingParameterValue", "The parameter 'service' is missing.", "service")
        self._check_version(args.get("version", ""))
        if request == "DescribeRecord":
            _check_type_names(args.get("typename", ""))
            return self.describe_record()
        if request == "GetRecordById":
            _check_schema(args.get("outputschema", ""))
            ids = [value.strip() for value in args.get("id", "").split(",") if value.strip()]
            element_set = _check_choice(args.get("elementsetname", "summary"), ELEMENT_SETS, "ElementSetName")
            return self.get_record_by_id(ids, element_set)
        _check_schema(args.get("outputschema", ""))
        _check_type_names(args.get("typenames", ""))
        query = Query(
            result_type=_check_choice(args.get("resulttype", "hits"), ("hits", "results"), "resultType"),
            element_set=_check_choice(args.get("elementsetname", "summary"), ELEMENT_SETS, "ElementSetName"),
            start=_int(args.get("startposition", "1"), "startPosition", low=1),
            max_records=_int(args.get("maxrecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
        )
        constraint = args.get("constraint", "")
        if constraint:
            language = args.get("constraintlanguage", "").upper()
            if language == "FILTER":
                query.filter = filter_q(parse_xml(constraint.encode()))
            elif language == "CQL_TEXT":
                query.filter = cql_q(constraint)
            else:
                raise CswError(
                    "MissingParameterValue", "CONSTRAINTLANGUAGE must be FILTER or CQL_TEXT.", "CONSTRAINTLANGUAGE"
                )
        return self.get_records(query)

    def respond_xml(self, body: bytes) -> bytes:
        root = parse_xml(body)
        if not root.tag.startswith(f"{{{CSW_NS}}}"):
            raise CswError("OperationNotSupported", "The request is not a CSW 2.0.2 operation.", "request")
        operation = _local(root.tag)
        if operation not in OPERATIONS:
            raise CswError("OperationNotSupported", f"'{operation}' is not an operation of this service.", "request")
        if root.get("service", "CSW").upper() != "CSW":
            raise CswError("InvalidParameterValue", "This service is CSW.", "service")
        if operation == "GetCapabilities":
            versions = [v.text or "" for v in root.iterfind("ows:AcceptVersions/ows:Version", NAMESPACES)]
            if versions and VERSION not in versions:
                raise CswError("VersionNegotiationFailed", f"This service speaks CSW {VERSION}.", "AcceptVersions")
            return self.capabilities()
        self._check_version(root.get("version", ""))
        if operation == "DescribeRecord":
            return self.describe_record()
        if operation == "GetRecordById":
            _check_schema(root.get("outputSchema", ""))
            ids = [(element.text or "").strip() for element in root.iterfind("csw:Id", NAMESPACES)]
            element_set = root.findtext("csw:ElementSetName", "summary", NAMESPACES).strip()
            return self.get_record_by_id(
                [i for i in ids if i], _check_choice(element_set, ELEMENT_SETS, "ElementSetName")
            )
        _check_schema(root.get("outputSchema", ""))
        query = Query(
            result_type=_check_choice(root.get("resultType", "hits"), ("hits", "results"), "resultType"),
            start=_int(root.get("startPosition", "1"), "startPosition", low=1),
            max_records=_int(root.get("maxRecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
        )
        element = root.find("csw:Query", NAMESPACES)
        if element is None:
            raise CswError("MissingParameterValue", "GetRecords needs a csw:Query.", "Query")
        _check_type_names(element.get("typeNames", ""))
        element_set = (element.findtext("csw:ElementSetName", "summary", NAMESPACES) or "summary").strip()
        query.element_set = _check_choice(element_set, ELEMENT_SETS, "ElementSetName")
        constraint = element.find("csw:Constraint", NAMESPACES)
        if constraint is not None:
            found = constraint.find("ogc:Filter", NAMESPACES)
            cql = constraint.findtext("csw:CqlText", None, NAMESPACES)
            if found is not None:
                query.filter = filter_q(found)
            elif cql is not None:
                query.filter = cql_q(cql)
            else:
                raise CswError(
                    "MissingParameterValue", "csw:Constraint needs an ogc:Filter or csw:CqlText.", "Constraint"
                )
        return self.get_records(query)

    def _check_version(self, version: str) -> None:
        if not version:
            raise CswError("MissingParameterValue", "The parameter 'version' is missing.", "version")
        if version != VERSION:
            raise CswError("InvalidParameterValue", f"This service speaks CSW {VERSION}.", "version")

    # -- operations -----------------------------------------------------------------------------------

    def capabilities(self) -> bytes:
        root = ET.Element(_q("csw", "Capabilities"), {"version": VERSION})
        root.set(_q("xsi", "schemaLocation"), f"{CSW_NS} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
        ident = _sub(root, "ows", "ServiceIdentification")
        _sub(ident, "ows", "Title", settings.SITE_NAME)
        _sub(ident, "ows", "Abstract", f"The public open data catalog of {settings.SITE_NAME}, as OGC CSW records.")
        keywords = _sub(ident, "ows", "Keywords")
        for word in ("open data", "catalog", "DCAT-US"):
            _sub(keywords, "ows", "Keyword", word)
        _sub(ident, "ows", "ServiceType", "CSW", codeSpace="OGC")
        _sub(ident, "ows", "ServiceTypeVersion", VERSION)
        _sub(ident, "ows", "Fees", "none")
        _sub(ident, "ows", "AccessConstraints", "none")
        provider = _sub(root, "ows", "ServiceProvider")
        _sub(provider, "ows", "ProviderName", settings.SITE_NAME)
        _sub(provider, "ows", "ProviderSite", **{_q("xlink", "href"): self.site_url + "/"})
        contact = _sub(provider, "ows", "ServiceContact")
        admin = settings.DEFAULT_FROM_EMAIL
        admin = admin.split("<", 1)[1].rstrip(">").strip() if "<" in admin else admin
        info = _sub(contact, "ows", "ContactInfo")
        _sub(_sub(info, "ows", "Address"), "ows", "ElectronicMailAddress", admin)
        meta = _sub(root, "ows", "OperationsMetadata")
        parameters = {
            "GetCapabilities": {"sections": ["ServiceIdentification", "ServiceProvider", "OperationsMetadata"]},
            "DescribeRecord": {
                "typeName": [RECORD_TYPE],
                "outputFormat": ["application/xml"],
                "schemaLanguage": ["http://www.w3.org/XML/Schema"],
            },
            "GetRecords": {
                "typeNames": [RECORD_TYPE],
                "outputFormat": ["application/xml"],
                "outputSchema": [CSW_NS],
                "resultType": ["hits", "results"],
                "ElementSetName": list(ELEMENT_SETS),
                "CONSTRAINTLANGUAGE": ["FILTER", "CQL_TEXT"],
            },
            "GetRecordById": {"outputSchema": [CSW_NS], "ElementSetName": list(ELEMENT_SETS)},
        }
        for operation in OPERATIONS:
            op = _sub(meta, "ows", "Operation", name=operation)
            http = _sub(_sub(op, "ows", "DCP"), "ows", "HTTP")
            _sub(http, "ows", "Get", **{_q("xlink", "href"): self.base_url})
            _sub(http, "ows", "Post", **{_q("xlink", "href"): self.base_url})
            for name, values in parameters[operation].items():
                parameter = _sub(op, "ows", "Parameter", name=name)
                for value in values:
                    _sub(parameter, "ows", "Value", value)
            if operation == "GetRecords":
                queryables = _sub(op, "ows", "Constraint", name="SupportedDublinCoreQueryables")
                for value in ("csw:AnyText", "dc:title", "dc:subject", "dct:abstract", "dc:identifier", "dc:type"):
                    _sub(queryables, "ows", "Value", value)
                _sub(_sub(op, "ows", "Constraint", name="SupportedISOQueryables"), "ows", "Value", "ows:BoundingBox")
        for name, values in (
            ("service", ["CSW"]),
            ("version", [VERSION]),
            ("PostEncoding", ["XML"]),
            ("MaxRecordDefault", [str(MAX_RECORDS)]),
        ):
            tag = "Parameter" if name in ("service", "version") else "Constraint"
            element = _sub(meta, "ows", tag, name=name)
            for value in values:
                _sub(element, "ows", "Value", value)
        filters = _sub(root, "ogc", "Filter_Capabilities")
        spatial = _sub(filters, "ogc", "Spatial_Capabilities")
        _sub(_sub(spatial, "ogc", "GeometryOperands"), "ogc", "GeometryOperand", "gml:Envelope")
        _sub(_sub(spatial, "ogc", "SpatialOperators"), "ogc", "SpatialOperator", name="BBOX")
        scalar = _sub(filters, "ogc", "Scalar_Capabilities")
        logical = _sub(scalar, "ogc", "LogicalOperators")
        del logical  # the element's presence says And, Or and Not are supported
        comparison = _sub(scalar, "ogc", "ComparisonOperators")
        for operator in ("Like", "EqualTo", "NotEqualTo"):
            _sub(comparison, "ogc", "ComparisonOperator", operator)
        _sub(_sub(filters, "ogc", "Id_Capabilities"), "ogc", "EID")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def describe_record(self) -> bytes:
        root = ET.Element(_q("csw", "DescribeRecordResponse"))
        component = _sub(
            root,
            "csw",
            "SchemaComponent",
            schemaLanguage="http://www.w3.org/XML/Schema",
            targetNamespace=CSW_NS,
        )
        schema = _sub(
            component, "xs", "schema", targetNamespace=CSW_NS, elementFormDefault="qualified", version="2.0.2"
        )
        _sub(schema, "xs", "include", schemaLocation="http://schemas.opengis.net/csw/2.0.2/record.xsd")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def get_records(self, query: Query) -> bytes:
        queryset = _public().filter(query.filter).order_by("id")
        matched = queryset.count()
        limit = min(query.max_records, MAX_RECORDS)
        ids: list[int] = []
        if query.result_type == "results" and limit:
            ids = list(queryset.values_list("id", flat=True)[query.start - 1 : query.start - 1 + limit])
        root = ET.Element(_q("csw", "GetRecordsResponse"), {"version": VERSION})
        root.set(_q("xsi", "schemaLocation"), f"{CSW_NS} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
        _sub(root, "csw", "SearchStatus", timestamp=timezone.now().isoformat(timespec="seconds"))
        returned = len(ids) if query.result_type == "results" else 0
        after = query.start + (len(ids) if query.result_type == "results" else min(limit, matched))
        results = _sub(
            root,
            "csw",
            "SearchResults",
            numberOfRecordsMatched=str(matched),
            numberOfRecordsReturned=str(returned),
            nextRecord=str(after if after <= matched else 0),
            recordSchema=CSW_NS,
            elementSet=query.element_set,
        )
        for element in self._records(ids, query.element_set):
            results.append(element)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def get_record_by_id(self, ids: list[str], element_set: str) -> bytes:
        if not ids:
            raise CswError("MissingParameterValue", "GetRecordById needs one or more ids.", "Id")
        if len(ids) > MAX_IDS:
            raise CswError("InvalidParameterValue", f"Ask for {MAX_IDS} ids or fewer at a time.", "Id")
        uuids = [value for value in ids if re.fullmatch(r"[0-9a-fA-F-]{32,36}", value)]
        found = dict(_public().filter(Q(uuid__in=uuids) | Q(identifier__in=ids)).values_list("id", "uuid"))
        root = ET.Element(_q("csw", "GetRecordByIdResponse"))
        for element in self._records(sorted(found), element_set):
            root.append(element)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    # -- records --------------------------------------------------------------------------------------

    def _records(self, ids: list[int], element_set: str) -> Iterator[ET.Element]:
        if not ids:
            return
        rows = Dataset.objects.filter(pk__in=ids).order_by("id")
        extra = {
            row["id"]: row
            for row in rows.values(
                "id", "uuid", "name", "identifier", "bbox_west", "bbox_south", "bbox_east", "bbox_north"
            )
        }
        pods = dict(records.iter_pod_rows(rows, links_base=""))
        for pk in ids:
            row = extra[pk]
            key = row["identifier"] or row["name"]
            page_url = f"{self.site_url}/datasets/{key}/"
            yield record(pods[pk], row, page_url=page_url, element_set=element_set)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    if isinstance(value, (str, int, float)) and str(value).strip():
        return [str(value)]
    return []


def record(obj: dict[str, Any], row: Mapping[str, Any], *, page_url: str, element_set: str) -> ET.Element:
    """One POD v1.1 dataset as a Dublin Core csw:Record (or its summary or brief form)."""
    tag = {"brief": "BriefRecord", "summary": "SummaryRecord", "full": "Record"}[element_set]
    root = ET.Element(_q("csw", tag))

    def add(prefix: str, name: str, values: list[str]) -> None:
        for value in values:
            _sub(root, prefix, name, value)

    publisher = obj.get("publisher") if isinstance(obj.get("publisher"), dict) else {}
    distributions = [d for d in obj.get("distribution") or [] if isinstance(d, dict)]
    add("dc", "identifier", [str(row["uuid"])])
    add("dc", "title", _texts(obj.get("title")))
    add("dc", "type", ["dataset"])
    if element_set != "brief":
        add("dc", "subject", _texts(obj.get("keyword")) + _texts(obj.get("theme")))
        formats = sorted({t for d in distributions for t in _texts(d.get("mediaType")) + _texts(d.get("format"))})
        add("dc", "format", formats)
        add("dct", "modified", _texts(obj.get("modified")))
        add("dct", "abstract", _texts(obj.get("description")))
    if element_set == "full":
        add("dc", "identifier", [*_texts(obj.get("identifier")), page_url])
        add("dc", "creator", _texts(publisher.get("name")))
        add("dc", "publisher", _texts(publisher.get("name")))
        add("dc", "description", _texts(obj.get("description")))
        add("dc", "language", _texts(obj.get("language")))
        add("dc", "rights", _texts(obj.get("license")) + _texts(obj.get("rights")))
        add("dc", "coverage", _texts(obj.get("spatial")) + _texts(obj.get("temporal")))
        add("dct", "issued", _texts(obj.get("issued")))
        add("dct", "references", [page_url, *_texts(obj.get("landingPage"))])
        for distribution in distributions:
            for url in _texts(distribution.get("downloadURL")) + _texts(distribution.get("accessURL")):
                _sub(root, "dct", "references", url, scheme=_clean(distribution.get("mediaType") or "WWW:LINK"))
    box = [row.get(k) for k in ("bbox_west", "bbox_south", "bbox_east", "bbox_north")]
    if all(v is not None for v in box):
        west, south, east, north = box
        bbox = _sub(root, "ows", "BoundingBox", crs=OUTPUT_CRS, dimensions="2")
        _sub(bbox, "ows", "LowerCorner", f"{south} {west}")
        _sub(bbox, "ows", "UpperCorner", f"{north} {east}")
    return root
