"""Catalog exports from an iterable of POD v1.1 dataset dicts, in constant memory.

CSV and XLSX (one row per dataset, or one per distribution) for people with spreadsheets, and
DCAT RDF (JSON-LD, Turtle) for harvesters. Text formats are generators of string chunks that a
streaming HTTP response can send as they come; nothing holds the whole catalog.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

import orjson

from civicdata.core import spreadsheet
from civicdata.core.spreadsheet import sendable_text

POD_NS = "https://project-open-data.cio.gov/v1.1/schema#"
PREFIXES: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "org": "http://www.w3.org/ns/org#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "pod": POD_NS,
}
_ROWS_PER_CHUNK = 200

# --- tabular exports ------------------------------------------------------------------------------

DATASET_COLUMNS: tuple[str, ...] = (
    "identifier",
    "title",
    "description",
    "keyword",
    "modified",
    "issued",
    "publisher",
    "publisher_parents",
    "contact_name",
    "contact_email",
    "access_level",
    "rights",
    "license",
    "spatial",
    "temporal",
    "accrual_periodicity",
    "bureau_code",
    "program_code",
    "theme",
    "language",
    "landing_page",
    "conforms_to",
    "described_by",
    "described_by_type",
    "data_quality",
    "is_part_of",
    "primary_it_investment_uii",
    "references",
    "system_of_records",
    "distribution_count",
)
DISTRIBUTION_COLUMNS: tuple[str, ...] = (
    "dataset_identifier",
    "dataset_title",
    "position",
    "title",
    "description",
    "format",
    "media_type",
    "download_url",
    "access_url",
    "conforms_to",
    "described_by",
    "described_by_type",
)
_LIST_SEPARATOR = "; "


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _LIST_SEPARATOR.join(value)
    return _dumps(value)


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # lone surrogates from real catalogs: strict parsers refuse even their escapes
        return sendable_text(json.dumps(value, ensure_ascii=False))


def _org_chain(publisher: Any) -> tuple[str, str]:
    if not isinstance(publisher, dict):
        return _cell(publisher), ""
    parents = []
    parent = publisher.get("subOrganizationOf")
    depth = 0
    while isinstance(parent, dict) and depth < 20:
        parents.append(_cell(parent.get("name")))
        parent = parent.get("subOrganizationOf")
        depth += 1
    return _cell(publisher.get("name")), " > ".join(parents)


def dataset_row(ds: dict[str, Any]) -> list[str]:
    """One spreadsheet row for a dataset, in DATASET_COLUMNS order (lists joined with "; ")."""
    publisher, parents = _org_chain(ds.get("publisher"))
    contact = ds.get("contactPoint") if isinstance(ds.get("contactPoint"), dict) else {}
    email = _cell(contact.get("hasEmail"))
    distributions = ds.get("distribution")
    return [
        _cell(ds.get("identifier")),
        _cell(ds.get("title")),
        _cell(ds.get("description")),
        _cell(ds.get("keyword")),
        _cell(ds.get("modified")),
        _cell(ds.get("issued")),
        publisher,
        parents,
        _cell(contact.get("fn")),
        email.removeprefix("mailto:"),
        _cell(ds.get("accessLevel")),
        _cell(ds.get("rights")),
        _cell(ds.get("license")),
        _cell(ds.get("spatial")),
        _cell(ds.get("temporal")),
        _cell(ds.get("accrualPeriodicity")),
        _cell(ds.get("bureauCode")),
        _cell(ds.get("programCode")),
        _cell(ds.get("theme")),
        _cell(ds.get("language")),
        _cell(ds.get("landingPage")),
        _cell(ds.get("conformsTo")),
        _cell(ds.get("describedBy")),
        _cell(ds.get("describedByType")),
        _cell(ds.get("dataQuality")),
        _cell(ds.get("isPartOf")),
        _cell(ds.get("primaryITInvestmentUII")),
        _cell(ds.get("references")),
        _cell(ds.get("systemOfRecords")),
        str(len(distributions)) if isinstance(distributions, list) else "0",
    ]


def distribution_rows(ds: dict[str, Any]) -> Iterator[list[str]]:
    """Rows for each distribution of a dataset, in DISTRIBUTION_COLUMNS order."""
    distributions = ds.get("distribution")
    if not isinstance(distributions, list):
        return
    ident, title = _cell(ds.get("identifier")), _cell(ds.get("title"))
    for position, dist in enumerate(distributions, start=1):
        if not isinstance(dist, dict):
            continue
        yield [
            ident,
            title,
            str(position),
            _cell(dist.get("title")),
            _cell(dist.get("description")),
            _cell(dist.get("format")),
            _cell(dist.get("mediaType")),
            _cell(dist.get("downloadURL")),
            _cell(dist.get("accessURL")),
            _cell(dist.get("conformsTo")),
            _cell(dist.get("describedBy")),
            _cell(dist.get("describedByType")),
        ]


def _rows(datasets: Iterable[dict[str, Any]], per: str) -> tuple[tuple[str, ...], Iterator[list[str]]]:
    if per == "dataset":
        return DATASET_COLUMNS, (dataset_row(ds) for ds in datasets if isinstance(ds, dict))
    if per == "distribution":
        return DISTRIBUTION_COLUMNS, (row for ds in datasets if isinstance(ds, dict) for row in distribution_rows(ds))
    raise ValueError(f"per must be 'dataset' or 'distribution', not {per!r}")


def iter_csv(datasets: Iterable[dict[str, Any]], *, per: str = "dataset") -> Iterator[str]:
    """CSV text in chunks of a few hundred rows; formula-like cells are neutralised."""
    header, rows = _rows(datasets, per)
    return spreadsheet.csv_chunks(header, rows, rows_per_chunk=_ROWS_PER_CHUNK)


def write_xlsx(datasets: Iterable[dict[str, Any]], target: str | IO[bytes]) -> dict[str, int]:
    """Write an XLSX workbook with a "Datasets" and a "Distributions" sheet in one pass.

    The shared workbook flushes each row to disk, so memory stays flat. Every cell is written as
    text (never as a formula), and formula-like text is neutralised too, for people who re-save the
    sheet as CSV. Returns the row counts per sheet.
    """
    workbook = spreadsheet.open_workbook(target)
    try:
        bold = workbook.add_format({"bold": True})
        sheets = {
            "dataset": workbook.add_worksheet("Datasets"),
            "distribution": workbook.add_worksheet("Distributions"),
        }
        for key, header in (("dataset", DATASET_COLUMNS), ("distribution", DISTRIBUTION_COLUMNS)):
            sheets[key].write_row(0, 0, header, bold)
            sheets[key].freeze_panes(1, 0)
        counts = {"dataset": 0, "distribution": 0}

        def put(key: str, row: list[str]) -> None:
            counts[key] += 1
            spreadsheet.write_xlsx_row(sheets[key], counts[key], row)

        for ds in datasets:
            if not isinstance(ds, dict):
                continue
            put("dataset", dataset_row(ds))
            for row in distribution_rows(ds):
                put("distribution", row)
    finally:
        workbook.close()
    return counts


# --- DCAT RDF -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IRI:
    value: str


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    datatype: str | None = None  # a prefixed name such as "xsd:date"


@dataclass(frozen=True, slots=True)
class Node:
    """A blank node: (predicate, object) pairs; objects are IRI, Literal or Node."""

    pairs: tuple[tuple[str, Any], ...]


_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$")


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI_RE.match(value))


def _link(value: Any) -> IRI | Literal | None:
    if value is None or value == "":
        return None
    if _is_iri(value):
        return IRI(value)
    return Literal(_cell(value))


def _date(value: Any) -> Literal | None:
    if not isinstance(value, str) or not value:
        return None
    if _DATE_RE.match(value):
        return Literal(value, "xsd:date")
    if _DATETIME_RE.match(value):
        return Literal(value, "xsd:dateTime")
    return Literal(value)


def default_dataset_iri(base_url: str) -> Callable[[str], str]:
    """Dataset IRIs: the identifier itself when it is an http(s) URL, else ``<base_url>/datasets/<id>``."""
    base = base_url.rstrip("/")

    def iri(identifier: str) -> str:
        if identifier.startswith(("https://", "http://")) and _is_iri(identifier):
            return identifier
        return f"{base}/datasets/{quote(identifier, safe='')}"

    return iri


def _organization(org: Any, depth: int = 0) -> Node | Literal | None:
    if isinstance(org, str):
        return Literal(org)
    if not isinstance(org, dict) or depth > 20:
        return None
    pairs: list[tuple[str, Any]] = [("a", IRI("foaf:Organization"))]
    if isinstance(org.get("name"), str):
        pairs.append(("foaf:name", Literal(org["name"])))
    parent = _organization(org.get("subOrganizationOf"), depth + 1)
    if parent is not None:
        pairs.append(("org:subOrganizationOf", parent))
    return Node(tuple(pairs))


def _contact(contact: Any) -> Node | None:
    if not isinstance(contact, dict):
        return None
    pairs: list[tuple[str, Any]] = [("a", IRI("vcard:Contact"))]
    if isinstance(contact.get("fn"), str):
        pairs.append(("vcard:fn", Literal(contact["fn"])))
    email = contact.get("hasEmail")
    if isinstance(email, str) and email:
        mail = email if email.startswith("mailto:") else "mailto:" + email
        pairs.append(("vcard:hasEmail", IRI(mail) if _is_iri(mail) else Literal(email)))
    return Node(tuple(pairs))


def _many(pairs: list[tuple[str, Any]], predicate: str, values: Any, make: Callable[[Any], Any]) -> None:
    for value in values if isinstance(values, list) else [values]:
        obj = make(value)
        if obj is not None:
            pairs.append((predicate, obj))


def _text(value: Any) -> Literal | None:
    if value is None or value == "":
        return None
    return Literal(_cell(value))


def _distribution(dist: dict[str, Any]) -> Node:
    pairs: list[tuple[str, Any]] = [("a", IRI("dcat:Distribution"))]
    _many(pairs, "dct:title", dist.get("title"), _text)
    _many(pairs, "dct:description", dist.get("description"), _text)
    _many(pairs, "dcat:downloadURL", dist.get("downloadURL"), _link)
    _many(pairs, "dcat:accessURL", dist.get("accessURL"), _link)
    _many(pairs, "dcat:mediaType", dist.get("mediaType"), _text)
    _many(pairs, "dct:format", dist.get("format"), _text)
    _many(pairs, "dct:conformsTo", dist.get("conformsTo"), _link)
    _many(pairs, "pod:describedBy", dist.get("describedBy"), _link)
    _many(pairs, "pod:describedByType", dist.get("describedByType"), _text)
    return Node(tuple(pairs))


def dataset_pairs(ds: dict[str, Any], iri_for: Callable[[str], str]) -> list[tuple[str, Any]]:
    """The DCAT description of one POD dataset as (predicate, object) pairs."""
    pairs: list[tuple[str, Any]] = [("a", IRI("dcat:Dataset"))]
    _many(pairs, "dct:identifier", ds.get("identifier"), _text)
    _many(pairs, "dct:title", ds.get("title"), _text)
    _many(pairs, "dct:description", ds.get("description"), _text)
    _many(pairs, "dcat:keyword", ds.get("keyword"), _text)
    _many(pairs, "dct:modified", ds.get("modified"), _date)
    _many(pairs, "dct:issued", ds.get("issued"), _date)
    _many(pairs, "dct:publisher", ds.get("publisher"), _organization)
    _many(pairs, "dcat:contactPoint", ds.get("contactPoint"), _contact)
    _many(pairs, "pod:accessLevel", ds.get("accessLevel"), _text)
    _many(pairs, "pod:bureauCode", ds.get("bureauCode"), _text)
    _many(pairs, "pod:programCode", ds.get("programCode"), _text)
    _many(pairs, "dct:license", ds.get("license"), _link)
    _many(pairs, "dct:rights", ds.get("rights"), _text)
    _many(pairs, "dct:spatial", ds.get("spatial"), _text)
    _many(pairs, "dct:temporal", ds.get("temporal"), _text)
    _many(pairs, "dct:accrualPeriodicity", ds.get("accrualPeriodicity"), _text)
    _many(pairs, "dct:conformsTo", ds.get("conformsTo"), _link)
    _many(pairs, "pod:dataQuality", ds.get("dataQuality"), _text)
    _many(pairs, "pod:describedBy", ds.get("describedBy"), _link)
    _many(pairs, "pod:describedByType", ds.get("describedByType"), _text)
    parent = ds.get("isPartOf")
    if isinstance(parent, str) and parent:
        pairs.append(("dct:isPartOf", IRI(iri_for(parent))))
    _many(pairs, "dct:language", ds.get("language"), _text)
    _many(pairs, "dcat:landingPage", ds.get("landingPage"), _link)
    _many(pairs, "pod:primaryITInvestmentUII", ds.get("primaryITInvestmentUII"), _text)
    _many(pairs, "dct:references", ds.get("references"), _link)
    _many(pairs, "pod:systemOfRecords", ds.get("systemOfRecords"), _link)
    _many(pairs, "dcat:theme", ds.get("theme"), _text)
    distributions = ds.get("distribution")
    if isinstance(distributions, list):
        pairs.extend(("dcat:distribution", _distribution(d)) for d in distributions if isinstance(d, dict))
    return pairs


def _dataset_iri(ds: dict[str, Any], index: int, iri_for: Callable[[str], str]) -> str:
    ident = ds.get("identifier")
    return iri_for(ident if isinstance(ident, str) and ident else f"unidentified-{index}")


# Turtle


def _ttl_string(value: str) -> str:
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return '"' + escaped + '"'


def _ttl_iri(value: str) -> str:
    if value == "a":
        return "a"
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", local or ""):
        return value
    return "<" + value + ">"


def _ttl_object(obj: Any, indent: str) -> str:
    if isinstance(obj, IRI):
        return _ttl_iri(obj.value)
    if isinstance(obj, Literal):
        text = _ttl_string(obj.value)
        return f"{text}^^{obj.datatype}" if obj.datatype else text
    inner = indent + "    "
    body = f" ;\n{inner}".join(f"{_ttl_iri(p)} {_ttl_object(o, inner)}" for p, o in obj.pairs)
    return f"[\n{inner}{body}\n{indent}]"


def iter_turtle(
    datasets: Iterable[dict[str, Any]],
    *,
    catalog_iri: str,
    title: str = "",
    base_url: str | None = None,
    dataset_iri: Callable[[str], str] | None = None,
) -> Iterator[str]:
    """DCAT as Turtle: prefixes, the dcat:Catalog, then one block per dataset, streamed."""
    iri_for = dataset_iri or default_dataset_iri(base_url or catalog_iri.rsplit("/", 1)[0])
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"
    header = f"<{catalog_iri}> a dcat:Catalog"
    if title:
        header += f" ;\n    dct:title {_ttl_string(title)}"
    yield header + " .\n\n"
    chunk: list[str] = []
    for index, ds in enumerate(datasets):
        if not isinstance(ds, dict):
            continue
        subject = _dataset_iri(ds, index, iri_for)
        body = " ;\n    ".join(f"{_ttl_iri(p)} {_ttl_object(o, '    ')}" for p, o in dataset_pairs(ds, iri_for))
        chunk.append(f"<{catalog_iri}> dcat:dataset <{subject}> .\n<{subject}> {body} .\n\n")
        if len(chunk) >= _ROWS_PER_CHUNK:
            yield sendable_text("".join(chunk))
            chunk = []
    if chunk:
        yield sendable_text("".join(chunk))


# JSON-LD


def _jsonld_object(obj: Any) -> Any:
    if isinstance(obj, IRI):
        return {"@id": obj.value}
    if isinstance(obj, Literal):
        return {"@value": obj.value, "@type": obj.datatype} if obj.datatype else obj.value
    node: dict[str, Any] = {}
    for predicate, value in obj.pairs:
        _jsonld_add(node, predicate, value)
    return node


def _jsonld_add(node: dict[str, Any], predicate: str, value: Any) -> None:
    if predicate == "a":
        node.setdefault("@type", []).append(value.value)
        return
    node.setdefault(predicate, []).append(_jsonld_object(value))


def iter_jsonld(
    datasets: Iterable[dict[str, Any]],
    *,
    catalog_iri: str,
    title: str = "",
    base_url: str | None = None,
    dataset_iri: Callable[[str], str] | None = None,
) -> Iterator[str]:
    """DCAT as JSON-LD: one ``@graph`` with the catalog node, then each dataset node, streamed.

    Each dataset links back to the catalog with ``@reverse`` so the catalog node need not list
    every dataset before the first one is written.
    """
    iri_for = dataset_iri or default_dataset_iri(base_url or catalog_iri.rsplit("/", 1)[0])
    catalog_node: dict[str, Any] = {"@id": catalog_iri, "@type": "dcat:Catalog"}
    if title:
        catalog_node["dct:title"] = title
    yield '{"@context":' + _dumps(PREFIXES) + ',"@graph":[' + _dumps(catalog_node)
    chunk: list[str] = []
    for index, ds in enumerate(datasets):
        if not isinstance(ds, dict):
            continue
        node: dict[str, Any] = {"@id": _dataset_iri(ds, index, iri_for)}
        for predicate, value in dataset_pairs(ds, iri_for):
            _jsonld_add(node, predicate, value)
        node["@reverse"] = {"dcat:dataset": {"@id": catalog_iri}}
        chunk.append("," + _dumps(node))
        if len(chunk) >= _ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    chunk.append("]}")
    yield "".join(chunk)  # _dumps already replaced any lone surrogate
