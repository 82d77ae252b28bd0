"""OGC Catalogue Service for the Web 2.0.2 over the public catalog, for GIS desktop tools (QGIS
MetaSearch) and geospatial harvesters: the same records as `/data.json`, as Dublin Core `csw:Record`s.

Answers GetCapabilities, DescribeRecord, GetRecords (text and bounding-box constraints as OGC Filter
1.1 in XML, or a small CQL subset, with paging) and GetRecordById, by KVP GET or XML POST. The query layer
(constraints, paging, records) is shared with CSW 3.0 in `query`. Why this rather than pycsw: see
docs/catalog-tools.md ("CSW").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from xml.etree import ElementTree as ET

from django.utils import timezone

from civicdata.catalog.csw.query import (
    CSW_NS,
    DEFAULT_MAX_RECORDS,
    ELEMENT_SETS,
    MAX_RECORDS,
    NAMESPACES,
    OPERATIONS,
    RECORD_TYPE,
    VERSION,
    VERSIONS,
    CswError,
    Query,
    add_service_sections,
    check_choice,
    check_schema,
    check_type_names,
    cql_q,
    filter_q,
    find_ids,
    int_param,
    load,
    local,
    parse_xml,
    qname,
    record,
    run,
    sub,
)


class Csw2:
    """Answers CSW 2.0.2 requests for one base URL."""

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
            check_type_names(args.get("typename", ""))
            return self.describe_record()
        if request == "GetRecordById":
            check_schema(args.get("outputschema", ""))
            ids = [value.strip() for value in args.get("id", "").split(",") if value.strip()]
            element_set = check_choice(args.get("elementsetname", "summary"), ELEMENT_SETS, "ElementSetName")
            return self.get_record_by_id(ids, element_set)
        check_schema(args.get("outputschema", ""))
        check_type_names(args.get("typenames", ""))
        query = Query(
            result_type=check_choice(args.get("resulttype", "hits"), ("hits", "results"), "resultType"),
            element_set=check_choice(args.get("elementsetname", "summary"), ELEMENT_SETS, "ElementSetName"),
            start=int_param(args.get("startposition", "1"), "startPosition", low=1),
            max_records=int_param(args.get("maxrecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
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

    def respond_xml(self, root: ET.Element) -> bytes:
        if not root.tag.startswith(f"{{{CSW_NS}}}"):
            raise CswError("OperationNotSupported", "The request is not a CSW 2.0.2 operation.", "request")
        operation = local(root.tag)
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
            check_schema(root.get("outputSchema", ""))
            ids = [(element.text or "").strip() for element in root.iterfind("csw:Id", NAMESPACES)]
            element_set = root.findtext("csw:ElementSetName", "summary", NAMESPACES).strip()
            return self.get_record_by_id(
                [i for i in ids if i], check_choice(element_set, ELEMENT_SETS, "ElementSetName")
            )
        check_schema(root.get("outputSchema", ""))
        query = Query(
            result_type=check_choice(root.get("resultType", "hits"), ("hits", "results"), "resultType"),
            start=int_param(root.get("startPosition", "1"), "startPosition", low=1),
            max_records=int_param(root.get("maxRecords", str(DEFAULT_MAX_RECORDS)), "maxRecords", low=0),
        )
        element = root.find("csw:Query", NAMESPACES)
        if element is None:
            raise CswError("MissingParameterValue", "GetRecords needs a csw:Query.", "Query")
        check_type_names(element.get("typeNames", ""))
        element_set = (element.findtext("csw:ElementSetName", "summary", NAMESPACES) or "summary").strip()
        query.element_set = check_choice(element_set, ELEMENT_SETS, "ElementSetName")
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
            raise CswError("InvalidParameterValue", f"This service speaks CSW {' and '.join(VERSIONS)}.", "version")

    # -- operations -----------------------------------------------------------------------------------

    def capabilities(self) -> bytes:
        root = ET.Element(qname("csw", "Capabilities"), {"version": VERSION})
        root.set(qname("xsi", "schemaLocation"), f"{CSW_NS} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
        add_service_sections(root, "ows", list(VERSIONS), self.site_url)
        meta = sub(root, "ows", "OperationsMetadata")
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
            op = sub(meta, "ows", "Operation", name=operation)
            http = sub(sub(op, "ows", "DCP"), "ows", "HTTP")
            sub(http, "ows", "Get", **{qname("xlink", "href"): self.base_url})
            sub(http, "ows", "Post", **{qname("xlink", "href"): self.base_url})
            for name, values in parameters[operation].items():
                parameter = sub(op, "ows", "Parameter", name=name)
                for value in values:
                    sub(parameter, "ows", "Value", value)
            if operation == "GetRecords":
                queryables = sub(op, "ows", "Constraint", name="SupportedDublinCoreQueryables")
                for value in ("csw:AnyText", "dc:title", "dc:subject", "dct:abstract", "dc:identifier", "dc:type"):
                    sub(queryables, "ows", "Value", value)
                sub(sub(op, "ows", "Constraint", name="SupportedISOQueryables"), "ows", "Value", "ows:BoundingBox")
        for name, values in (
            ("service", ["CSW"]),
            ("version", list(VERSIONS)),
            ("PostEncoding", ["XML"]),
            ("MaxRecordDefault", [str(MAX_RECORDS)]),
        ):
            tag = "Parameter" if name in ("service", "version") else "Constraint"
            element = sub(meta, "ows", tag, name=name)
            for value in values:
                sub(element, "ows", "Value", value)
        filters = sub(root, "ogc", "Filter_Capabilities")
        spatial = sub(filters, "ogc", "Spatial_Capabilities")
        sub(sub(spatial, "ogc", "GeometryOperands"), "ogc", "GeometryOperand", "gml:Envelope")
        sub(sub(spatial, "ogc", "SpatialOperators"), "ogc", "SpatialOperator", name="BBOX")
        scalar = sub(filters, "ogc", "Scalar_Capabilities")
        logical = sub(scalar, "ogc", "LogicalOperators")
        del logical  # the element's presence says And, Or and Not are supported
        comparison = sub(scalar, "ogc", "ComparisonOperators")
        for operator in ("Like", "EqualTo", "NotEqualTo"):
            sub(comparison, "ogc", "ComparisonOperator", operator)
        sub(sub(filters, "ogc", "Id_Capabilities"), "ogc", "EID")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def describe_record(self) -> bytes:
        root = ET.Element(qname("csw", "DescribeRecordResponse"))
        component = sub(
            root,
            "csw",
            "SchemaComponent",
            schemaLanguage="http://www.w3.org/XML/Schema",
            targetNamespace=CSW_NS,
        )
        schema = sub(component, "xs", "schema", targetNamespace=CSW_NS, elementFormDefault="qualified", version="2.0.2")
        sub(schema, "xs", "include", schemaLocation="http://schemas.opengis.net/csw/2.0.2/record.xsd")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def get_records(self, query: Query) -> bytes:
        page = run(query)
        root = ET.Element(qname("csw", "GetRecordsResponse"), {"version": VERSION})
        root.set(qname("xsi", "schemaLocation"), f"{CSW_NS} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd")
        sub(root, "csw", "SearchStatus", timestamp=timezone.now().isoformat(timespec="seconds"))
        results = sub(
            root,
            "csw",
            "SearchResults",
            numberOfRecordsMatched=str(page.matched),
            numberOfRecordsReturned=str(page.returned),
            nextRecord=str(page.next_record),
            recordSchema=CSW_NS,
            elementSet=query.element_set,
        )
        for element in self._records(page.ids, query.element_set):
            results.append(element)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    def get_record_by_id(self, ids: list[str], element_set: str) -> bytes:
        found = find_ids(ids)
        root = ET.Element(qname("csw", "GetRecordByIdResponse"))
        for element in self._records(found, element_set):
            root.append(element)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    # -- records --------------------------------------------------------------------------------------

    def _records(self, ids: list[int], element_set: str) -> Iterator[ET.Element]:
        for pod, row, page_url in load(ids, self.site_url):
            yield record(pod, row, page_url=page_url, element_set=element_set)
