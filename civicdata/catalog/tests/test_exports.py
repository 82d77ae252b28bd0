"""Catalog exports: CSV/XLSX rows with formula injection neutralised, DCAT Turtle/JSON-LD that rdflib reads."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from civicdata.catalog import exports
from civicdata.catalog.ingest.reading import read_catalog_file
from civicdata.core.testing import realdata_path

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CATALOG = "https://city.example/data.json"


def sample():
    return [
        {
            "identifier": "https://city.example/id/trees",
            "title": "Street trees",
            "description": 'Trees, "quoted"\nand multi-line',
            "keyword": ["trees", "parks"],
            "modified": "2025-06-01",
            "publisher": {"name": "Parks", "subOrganizationOf": {"name": "City of Port Alder"}},
            "contactPoint": {"fn": "Open Data", "hasEmail": "mailto:opendata@city.example"},
            "accessLevel": "public",
            "license": "https://creativecommons.org/publicdomain/zero/1.0/",
            "distribution": [
                {"downloadURL": "https://city.example/trees.csv", "mediaType": "text/csv", "title": "CSV"},
                {"accessURL": "https://city.example/api/trees", "format": "API"},
            ],
        },
        {
            "identifier": "child 1",
            "title": '=HYPERLINK("http://evil.example","click")',
            "description": "+1 and -2 and @cmd",
            "keyword": ["x"],
            "modified": "R/P1D",
            "publisher": {"name": "Parks"},
            "contactPoint": {"fn": "Open Data", "hasEmail": "mailto:opendata@city.example"},
            "accessLevel": "public",
            "isPartOf": "https://city.example/id/trees",
            "spatial": {"type": "Point", "coordinates": [1, 2]},
        },
    ]


def read_csv(chunks):
    return list(csv.reader(io.StringIO("".join(chunks))))


def test_csv_one_row_per_dataset():
    """The dataset CSV has the header and one row per dataset, lists joined, publisher chain kept."""
    rows = read_csv(exports.iter_csv(sample()))
    assert rows[0] == list(exports.DATASET_COLUMNS)
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["keyword"] == "trees; parks"
    assert first["publisher_parents"] == "City of Port Alder"
    assert first["contact_email"] == "opendata@city.example"
    assert first["distribution_count"] == "2"
    assert first["description"] == 'Trees, "quoted"\nand multi-line'


def test_csv_neutralises_formulas():
    """Cells starting with = + - @ are prefixed with a quote so spreadsheets show them as text."""
    rows = read_csv(exports.iter_csv(sample()))
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["title"].startswith("'=HYPERLINK")
    assert second["description"] == "'+1 and -2 and @cmd"
    assert second["spatial"] == '{"type":"Point","coordinates":[1,2]}'


def test_csv_one_row_per_distribution():
    """The distribution CSV lists each distribution with its dataset."""
    rows = read_csv(exports.iter_csv(sample(), per="distribution"))
    assert rows[0] == list(exports.DISTRIBUTION_COLUMNS)
    assert [r[2] for r in rows[1:]] == ["1", "2"]
    assert rows[1][7] == "https://city.example/trees.csv"
    with pytest.raises(ValueError, match="per must be"):
        list(exports.iter_csv(sample(), per="row"))


def test_csv_streams_in_chunks_from_a_generator():
    """CSV export consumes a generator lazily and yields several chunks for many datasets."""
    consumed = []

    def gen():
        for i in range(1000):
            consumed.append(i)
            yield {"identifier": str(i), "title": f"t{i}"}

    chunks = exports.iter_csv(gen())
    next(chunks)
    assert len(consumed) < 1000
    rest = list(chunks)
    assert len(rest) >= 4
    assert len(read_csv(rest)) == 1000 - 200  # the first chunk held the header and 200 rows


def test_xlsx_two_sheets_text_cells(tmp_path):
    """XLSX has Datasets and Distributions sheets; formula-like text is stored as inert text."""
    path = tmp_path / "catalog.xlsx"
    counts = exports.write_xlsx(iter(sample()), str(path))
    assert counts == {"dataset": 2, "distribution": 2}
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Datasets", "Distributions"]
    sheet = book["Datasets"]
    assert [c.value for c in sheet[1]][:2] == ["identifier", "title"]
    title_cell = sheet.cell(row=3, column=2)
    assert title_cell.data_type == "s"
    assert title_cell.value.startswith("'=HYPERLINK")
    assert book["Distributions"].cell(row=2, column=8).value == "https://city.example/trees.csv"


def test_turtle_parses_and_has_dcat_triples():
    """Turtle output parses with rdflib and carries catalog, dataset, distribution, publisher, contact triples."""
    text = "".join(exports.iter_turtle(sample(), catalog_iri=CATALOG, title="Port Alder catalog"))
    graph = Graph().parse(data=text, format="turtle")
    _assert_dcat(graph)


def test_jsonld_parses_to_the_same_graph():
    """JSON-LD output is valid JSON, parses with rdflib and gives the same triples as Turtle."""
    text = "".join(exports.iter_jsonld(sample(), catalog_iri=CATALOG, title="Port Alder catalog"))
    json.loads(text)
    graph = Graph().parse(data=text, format="json-ld")
    _assert_dcat(graph)
    turtle = Graph().parse(
        data="".join(exports.iter_turtle(sample(), catalog_iri=CATALOG, title="Port Alder catalog")), format="turtle"
    )
    assert len(graph) == len(turtle)


def _assert_dcat(graph: Graph) -> None:
    catalog = URIRef(CATALOG)
    trees = URIRef("https://city.example/id/trees")
    child = URIRef("https://city.example/datasets/child%201")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    assert set(graph.objects(catalog, DCAT.dataset)) == {trees, child}
    assert (trees, RDF.type, DCAT.Dataset) in graph
    assert (trees, DCT.title, Literal("Street trees")) in graph
    assert (trees, DCT.description, Literal('Trees, "quoted"\nand multi-line')) in graph
    assert set(graph.objects(trees, DCAT.keyword)) == {Literal("trees"), Literal("parks")}
    assert (child, DCT.isPartOf, trees) in graph
    modified = graph.value(trees, DCT.modified)
    assert modified.datatype == URIRef("http://www.w3.org/2001/XMLSchema#date")
    publisher = graph.value(trees, DCT.publisher)
    assert isinstance(publisher, BNode)
    assert (publisher, FOAF.name, Literal("Parks")) in graph
    contact = graph.value(trees, DCAT.contactPoint)
    assert (contact, VCARD.hasEmail, URIRef("mailto:opendata@city.example")) in graph
    distributions = list(graph.objects(trees, DCAT.distribution))
    assert len(distributions) == 2
    urls = {graph.value(d, DCAT.downloadURL) for d in distributions} | {
        graph.value(d, DCAT.accessURL) for d in distributions
    }
    assert URIRef("https://city.example/trees.csv") in urls
    assert URIRef("https://city.example/api/trees") in urls
    assert (trees, DCT.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/")) in graph


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_real_catalog_rdf_round_trips(fmt):
    """Every dataset of a real agency catalog (with a lone surrogate in it) becomes a dcat:Dataset."""
    doc = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/usaid.data.json")).document
    writer = exports.iter_turtle if fmt == "turtle" else exports.iter_jsonld
    text = "".join(writer(iter(doc["dataset"]), catalog_iri=CATALOG))
    text.encode("utf-8")  # always sendable
    graph = Graph().parse(data=text, format=fmt)
    identifiers = {str(ds["identifier"]) for ds in doc["dataset"]}
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == len(identifiers)
    assert len(list(graph.objects(URIRef(CATALOG), DCAT.dataset))) == len(identifiers)


def test_real_catalog_csv_counts():
    """The CSV export of a real catalog has one row per dataset and one per distribution."""
    doc = read_catalog_file(realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")).document
    assert len(read_csv(exports.iter_csv(doc["dataset"]))) == len(doc["dataset"]) + 1
    expected = sum(len(ds.get("distribution") or []) for ds in doc["dataset"])
    assert len(read_csv(exports.iter_csv(doc["dataset"], per="distribution"))) == expected + 1


def _many(n: int):
    base = sample()[0]
    for i in range(n):
        yield {**base, "identifier": f"https://city.example/id/{i}", "title": f"Dataset {i}"}


@pytest.mark.parametrize("writer", ["csv", "turtle", "jsonld"])
def test_text_exports_run_in_constant_memory(writer):
    """Exporting 6,000 datasets from a generator never holds more than a fraction of the output at once."""
    import tracemalloc

    make = {
        "csv": lambda: exports.iter_csv(_many(6_000)),
        "turtle": lambda: exports.iter_turtle(_many(6_000), catalog_iri=CATALOG),
        "jsonld": lambda: exports.iter_jsonld(_many(6_000), catalog_iri=CATALOG),
    }[writer]
    tracemalloc.start()
    total = 0
    for chunk in make():
        total += len(chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total > 1_400_000
    assert peak < 1_000_000  # chunks are sent as they come; the output is never in memory at once


def test_xlsx_runs_in_constant_memory(tmp_path):
    """The XLSX writer flushes rows to disk: 4,000 datasets stay within a few MB of Python memory."""
    import tracemalloc

    tracemalloc.start()
    counts = exports.write_xlsx(_many(4_000), str(tmp_path / "big.xlsx"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert counts == {"dataset": 4_000, "distribution": 8_000}
    assert peak < 4_000_000
