"""OGC Catalogue Service for the Web 3.0.0 over the public catalog: the same operations, constraints,
paging and records as CSW 2.0.2 (`query`), in CSW 3.0's envelopes and namespaces.

What 3.0 changes and this module does: the `csw30` and `ows20` namespaces and OWS 2.0 exception reports;
`resultType` is `results` by default; GetRecordById takes one id and answers with the bare record (or
`NotFound`, status 404); GetRecords by KVP also takes the OpenSearch-style `q` (free text) and `bbox`
(`west,south,east,north[,crs]`) and `recordIds`; constraints may be OGC FES 2.0 (`fes:Filter`); and
`outputFormat=application/atom+xml` answers with an Atom feed (OpenSearch totals, GeoRSS boxes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from civicdata.catalog.csw.query import (
    CSW30_NS,
    DEFAULT_MAX_RECORDS,
    ELEMENT_SETS,
    MAX_RECORDS,
    NAMESPACES,
    OPERATIONS,
    VERSION3,
    VERSIONS,
    CswError,
    Query,
    add_service_sections,
    bbox_q,
    check_choice,
    check_schema,
    check_type_names,
    clean,
    cql_q,
    filter_q,
    find_ids,
    ids_q,
    int_param,
    load,
    local,
    ordered_box,
    parse_xml,
    qname,
    record,
    run,
    sub,
    texts,
    words_q,
)

RECORD_TYPE3 = "csw30:Record"
XML = "application/xml"
ATOM = "application/atom+xml"
FORMATS = (XML, ATOM)
SCHEMA_LOCATION = f"{CSW30_NS} http://schemas.opengis.net/cat/csw/3.0/cswAll.xsd"
CONFORMANCE = "http://www.opengis.net/spec/csw/3.0/conf/"
# The CSW 3.0 conformance classes, and whether this service meets them (advertised in the capabilities).
CONFORMANCE_CLASSES = {
    "CoreQueryables": True,
    "CoreSortables": False,
    "ExtendedQueryables": False,
    "GetCapabilities-XML": True,
    "GetRecordById-XML": True,
    "GetRecords-Basic-XML": True,
    "GetRecords-Distributed-XML": False,
    "GetRecords-Async-XML": False,
    "GetDomain-XML": False,
    "Filter-CQL": True,
    "Filter-FES-XML": True,
    "Filter-FES-KVP": True,
    "Transaction": False,
    "Harvest": False,
}
Answer = tuple[bytes, str]


def _xml(root: ET.Element) -> Answer:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), XML


def _and(*parts: Q) -> Q:
    combined = Q()
    for part in parts:
        combined &= part
    return combined


def _kvp_box(value: str) -> Q:
    """`bbox=west,south,east,north[,crs]` (longitude first unless the CRS says otherwise)."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) not in (4, 5):
        raise CswError("InvalidParameterValue", "bbox is west,south,east,north with an optional CRS.", "bbox")
    try:
        a, b, c, d = (float(part) for part in parts[:4])
    except ValueError as error:
        raise CswError("InvalidParameterValue", "bbox corners must be numbers.", "bbox") from error
    return bbox_q(*ordered_box(parts[4] if len(parts) == 5 else "", a, b, c, d, locator="bbox"))


class Csw3:
    """Answers CSW 3.0.0 requests for one base URL."""

    def __init__(self, *, base_url: str, site_url: str) -> None:
        self.base_url = base_url
        self.site_url = site_url.rstrip("/")

    # -- dispatch -------------------------------------------------------------------------------------

    def respond_kvp(self, args: Mapping[str, str]) -> Answer:
        """Answer a KVP request whose parameter names are already lower case."""
        service = args.get("service", "")
        request = args.get("request", "")
        if not request:
            raise CswError("MissingParameterValue", "The parameter 'request' is missing.", "request")
        if service and service.upper() != "CSW":
            raise CswError("InvalidParameterValue", "This service is CSW.", "service")
        if request not in OPERATIONS:
            raise CswError("OperationNotSupported", f"'{request}' is not an operation of this service.", "request")
        if request == "GetCapabilities":
            return self.capabilities()
        if not service:
            raise CswError("MissingParameterValue", "The parameter 'service' is missing.", "service")
        self._check_version(args.get("version", ""))
        if request == "DescribeRecord":
            check_type_names(args.get("typename", ""), RECORD_TYPE3)
            return self.describe_record()
        check_schema(args.get("outputschema", ""), CSW30_NS)
        output_format = check_choice(args.get("outputformat", "") or XML, FORMATS, "outputFormat")
        element_set = check_choice(args.get("elementsetname", "summary"), ELEMENT_SETS, "ElementSetName")
        if request == "GetRecordById":
            return self.get_record_by_id(args.get("id", "").strip(), element_set, output_format)
        check_type_names(args.get("typenames", ""), RECORD_TYPE3)
        query = Query(
            result_type=check_choice(args.get("resulttype", "results"), ("hits", "results"), "resultType"),
            element_set=element_set,
            start=int_param(args.get("startposition", "1"), "startPosition", low=1),
            max_records=int_param(args.get("maxrecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
        )
        parts: list[Q] = []
        constraint = args.get("constraint", "")
        if constraint:
            language = args.get("constraintlanguage", "").upper()
            if language == "FILTER":
                parts.append(filter_q(parse_xml(constraint.encode())))
            elif language == "CQL_TEXT":
                parts.append(cql_q(constraint))
            else:
                raise CswError(
                    "MissingParameterValue", "CONSTRAINTLANGUAGE must be FILTER or CQL_TEXT.", "CONSTRAINTLANGUAGE"
                )
        if args.get("q", "").strip():
            parts.append(words_q(args["q"]))
        if args.get("bbox", "").strip():
            parts.append(_kvp_box(args["bbox"]))
        record_ids = [value.strip() for value in args.get("recordids", "").split(",") if value.strip()]
        if record_ids:
            parts.append(ids_q(record_ids))
        query.filter = _and(*parts)
        return self.get_records(query, output_format)

    def respond_xml(self, root: ET.Element) -> Answer:
        operation = local(root.tag)
        if not root.tag.startswith(f"{{{CSW30_NS}}}") or operation not in OPERATIONS:
            raise CswError("OperationNotSupported", f"'{operation}' is not an operation of this service.", "request")
        if root.get("service", "CSW").upper() != "CSW":
            raise CswError("InvalidParameterValue", "This service is CSW.", "service")
        if operation == "GetCapabilities":
            return self.capabilities()
        self._check_version(root.get("version", ""))
        if operation == "DescribeRecord":
            return self.describe_record()
        check_schema(root.get("outputSchema", ""), CSW30_NS)
        output_format = check_choice(root.get("outputFormat", "") or XML, FORMATS, "outputFormat")
        if operation == "GetRecordById":
            ids = [(element.text or "").strip() for element in root.iterfind("csw30:Id", NAMESPACES)]
            if len(ids) > 1:
                raise CswError("InvalidParameterValue", "GetRecordById in CSW 3.0 takes one Id.", "Id")
            element_set = (root.findtext("csw30:ElementSetName", "summary", NAMESPACES) or "summary").strip()
            return self.get_record_by_id(
                ids[0] if ids else "", check_choice(element_set, ELEMENT_SETS, "ElementSetName"), output_format
            )
        query = Query(
            result_type=check_choice(root.get("resultType", "results"), ("hits", "results"), "resultType"),
            start=int_param(root.get("startPosition", "1"), "startPosition", low=1),
            max_records=int_param(root.get("maxRecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
        )
        element = root.find("csw30:Query", NAMESPACES)
        if element is None:
            raise CswError("MissingParameterValue", "GetRecords needs a csw30:Query.", "Query")
        check_type_names(element.get("typeNames", ""), RECORD_TYPE3)
        element_set = (element.findtext("csw30:ElementSetName", "summary", NAMESPACES) or "summary").strip()
        query.element_set = check_choice(element_set, ELEMENT_SETS, "ElementSetName")
        constraint = element.find("csw30:Constraint", NAMESPACES)
        if constraint is not None:
            found = constraint.find("fes:Filter", NAMESPACES)
            if found is None:
                found = constraint.find("ogc:Filter", NAMESPACES)
            cql = constraint.findtext("csw30:CqlText", None, NAMESPACES)
            if found is not None:
                query.filter = filter_q(found)
            elif cql is not None:
                query.filter = cql_q(cql)
            else:
                raise CswError(
                    "MissingParameterValue", "csw30:Constraint needs a fes:Filter or csw30:CqlText.", "Constraint"
                )
        return self.get_records(query, output_format)

    def _check_version(self, version: str) -> None:
        if not version:
            raise CswError("MissingParameterValue", "The parameter 'version' is missing.", "version")
        if version != VERSION3:
            raise CswError("InvalidParameterValue", f"This service speaks CSW {' and '.join(VERSIONS)}.", "version")

    # -- operations -----------------------------------------------------------------------------------

    def capabilities(self) -> Answer:
        root = ET.Element(qname("csw30", "Capabilities"), {"version": VERSION3})
        root.set(qname("xsi", "schemaLocation"), SCHEMA_LOCATION)
        add_service_sections(root, "ows20", [VERSION3, *[v for v in VERSIONS if v != VERSION3]], self.site_url)
        meta = sub(root, "ows20", "OperationsMetadata")
        parameters = {
            "GetCapabilities": {
                "AcceptVersions": [VERSION3, *[v for v in VERSIONS if v != VERSION3]],
                "sections": ["ServiceIdentification", "ServiceProvider", "OperationsMetadata", "Filter_Capabilities"],
            },
            "DescribeRecord": {
                "typeName": [RECORD_TYPE3],
                "outputFormat": [XML],
                "schemaLanguage": ["http://www.w3.org/XML/Schema"],
            },
            "GetRecords": {
                "typeNames": [RECORD_TYPE3],
                "outputFormat": list(FORMATS),
                "outputSchema": [CSW30_NS],
                "resultType": ["hits", "results"],
                "ElementSetName": list(ELEMENT_SETS),
                "CONSTRAINTLANGUAGE": ["FILTER", "CQL_TEXT"],
            },
            "GetRecordById": {
                "outputFormat": list(FORMATS),
                "outputSchema": [CSW30_NS],
                "ElementSetName": list(ELEMENT_SETS),
            },
        }
        for operation in OPERATIONS:
            op = sub(meta, "ows20", "Operation", name=operation)
            http = sub(sub(op, "ows20", "DCP"), "ows20", "HTTP")
            sub(http, "ows20", "Get", **{qname("xlink", "href"): self.base_url})
            sub(http, "ows20", "Post", **{qname("xlink", "href"): self.base_url})
            for name, values in parameters[operation].items():
                _allowed(sub(op, "ows20", "Parameter", name=name), values)
            if operation == "GetRecords":
                queryables = ["csw30:AnyText", "dc:title", "dc:subject", "dct:abstract", "dc:identifier", "dc:type"]
                _allowed(sub(op, "ows20", "Constraint", name="SupportedDublinCoreQueryables"), queryables)
                _allowed(sub(op, "ows20", "Constraint", name="OpenSearchParameters"), ["q", "bbox", "recordIds"])
        _allowed(sub(meta, "ows20", "Parameter", name="service"), ["CSW"])
        _allowed(sub(meta, "ows20", "Parameter", name="version"), [VERSION3, *[v for v in VERSIONS if v != VERSION3]])
        _allowed(sub(meta, "ows20", "Constraint", name="PostEncoding"), ["XML"])
        _allowed(sub(meta, "ows20", "Constraint", name="MaxRecordDefault"), [str(MAX_RECORDS)])
        for name, met in CONFORMANCE_CLASSES.items():
            _flag(sub(meta, "ows20", "Constraint", name=CONFORMANCE + name), met)
        filters = sub(root, "fes", "Filter_Capabilities")
        conformance = sub(filters, "fes", "Conformance")
        for name, met in (
            ("ImplementsQuery", True),
            ("ImplementsAdHocQuery", True),
            ("ImplementsFunctions", False),
            ("ImplementsResourceId", True),
            ("ImplementsMinStandardFilter", True),
            ("ImplementsStandardFilter", False),
            ("ImplementsMinSpatialFilter", True),
            ("ImplementsSpatialFilter", False),
            ("ImplementsMinTemporalFilter", False),
            ("ImplementsTemporalFilter", False),
            ("ImplementsVersionNav", False),
            ("ImplementsSorting", False),
            ("ImplementsExtendedOperators", False),
        ):
            _flag(sub(conformance, "fes", "Constraint", name=name), met, "ows11")
        sub(sub(filters, "fes", "Id_Capabilities"), "fes", "ResourceIdentifier", name="csw30:Identifier")
        scalar = sub(filters, "fes", "Scalar_Capabilities")
        sub(scalar, "fes", "LogicalOperators")  # present: And, Or and Not are supported
        comparison = sub(scalar, "fes", "ComparisonOperators")
        for operator in ("PropertyIsLike", "PropertyIsEqualTo", "PropertyIsNotEqualTo"):
            sub(comparison, "fes", "ComparisonOperator", name=operator)
        spatial = sub(filters, "fes", "Spatial_Capabilities")
        sub(sub(spatial, "fes", "GeometryOperands"), "fes", "GeometryOperand", name="gml32:Envelope")
        sub(sub(spatial, "fes", "SpatialOperators"), "fes", "SpatialOperator", name="BBOX")
        return _xml(root)

    def describe_record(self) -> Answer:
        root = ET.Element(qname("csw30", "DescribeRecordResponse"))
        component = sub(
            root,
            "csw30",
            "SchemaComponent",
            schemaLanguage="http://www.w3.org/XML/Schema",
            targetNamespace=CSW30_NS,
            typeName=RECORD_TYPE3,
        )
        schema = sub(
            component, "xs", "schema", targetNamespace=CSW30_NS, elementFormDefault="qualified", version="3.0.0"
        )
        sub(schema, "xs", "include", schemaLocation="http://schemas.opengis.net/cat/csw/3.0/record.xsd")
        return _xml(root)

    def get_records(self, query: Query, output_format: str = XML) -> Answer:
        page = run(query)
        if output_format == ATOM:
            return self._feed(page.ids, matched=page.matched, start=query.start)
        root = ET.Element(qname("csw30", "GetRecordsResponse"), {"version": VERSION3})
        root.set(qname("xsi", "schemaLocation"), SCHEMA_LOCATION)
        sub(root, "csw30", "SearchStatus", timestamp=timezone.now().isoformat(timespec="seconds"))
        results = sub(
            root,
            "csw30",
            "SearchResults",
            numberOfRecordsMatched=str(page.matched),
            numberOfRecordsReturned=str(page.returned),
            nextRecord=str(page.next_record),
            recordSchema=CSW30_NS,
            elementSet=query.element_set,
        )
        for element in self._records(page.ids, query.element_set):
            results.append(element)
        return _xml(root)

    def get_record_by_id(self, identifier: str, element_set: str, output_format: str = XML) -> Answer:
        found = find_ids([identifier] if identifier else [])
        if not found:
            raise CswError("NotFound", f"No public record has the id '{identifier}'.", "id")
        if output_format == ATOM:
            return self._entry_document(found[0])
        return _xml(next(self._records(found[:1], element_set)))

    # -- records --------------------------------------------------------------------------------------

    def _records(self, ids: list[int], element_set: str) -> Iterator[ET.Element]:
        for pod, row, page_url in load(ids, self.site_url):
            yield record(pod, row, page_url=page_url, element_set=element_set, csw="csw30", ows="ows20")

    def _feed(self, ids: list[int], *, matched: int, start: int) -> Answer:
        root = ET.Element(qname("atom", "feed"))
        sub(root, "atom", "id", self.base_url)
        sub(root, "atom", "title", f"{settings.SITE_NAME}: catalog records")
        sub(root, "atom", "updated", _atom_date(timezone.now()))
        sub(sub(root, "atom", "author"), "atom", "name", settings.SITE_NAME)
        sub(root, "atom", "link", rel="self", href=self.base_url, type=ATOM)
        sub(root, "os", "totalResults", str(matched))
        sub(root, "os", "startIndex", str(start))
        sub(root, "os", "itemsPerPage", str(len(ids)))
        for pod, row, page_url in load(ids, self.site_url):
            root.append(_entry(pod, row, page_url))
        return ET.tostring(root, encoding="utf-8", xml_declaration=True), ATOM

    def _entry_document(self, pk: int) -> Answer:
        pod, row, page_url = next(load([pk], self.site_url))
        return ET.tostring(_entry(pod, row, page_url), encoding="utf-8", xml_declaration=True), ATOM


def _allowed(parent: ET.Element, values: list[str]) -> None:
    allowed = sub(parent, "ows20", "AllowedValues")
    for value in values:
        sub(allowed, "ows20", "Value", value)


def _flag(parent: ET.Element, value: bool, ows: str = "ows20") -> None:
    sub(parent, ows, "NoValues")
    sub(parent, ows, "DefaultValue", "TRUE" if value else "FALSE")


def _atom_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(pod: dict, row: Mapping, page_url: str) -> ET.Element:
    """One dataset as an Atom entry (title, summary, page and downloads as links, keywords, GeoRSS box)."""
    entry = ET.Element(qname("atom", "entry"))
    sub(entry, "atom", "id", f"urn:uuid:{row['uuid']}")
    sub(entry, "atom", "title", (texts(pod.get("title")) or [""])[0])
    moment = row.get("modified_at") or row.get("published_at") or timezone.now()
    sub(entry, "atom", "updated", _atom_date(moment))
    summary = texts(pod.get("description"))
    if summary:
        sub(entry, "atom", "summary", summary[0])
    sub(entry, "atom", "link", rel="alternate", type="text/html", href=page_url)
    for distribution in [d for d in pod.get("distribution") or [] if isinstance(d, dict)]:
        for url in texts(distribution.get("downloadURL")) + texts(distribution.get("accessURL")):
            attrs = {"rel": "enclosure", "href": clean(url)}
            media = texts(distribution.get("mediaType"))
            if media and re.fullmatch(r"[\w.+-]+/[\w.+-]+", media[0]):
                attrs["type"] = media[0]
            sub(entry, "atom", "link", **attrs)
    for term in texts(pod.get("keyword")) + texts(pod.get("theme")):
        sub(entry, "atom", "category", term=clean(term))
    box = [row.get(k) for k in ("bbox_south", "bbox_west", "bbox_north", "bbox_east")]
    if all(v is not None for v in box):
        sub(entry, "georss", "box", " ".join(str(v) for v in box))
    return entry
