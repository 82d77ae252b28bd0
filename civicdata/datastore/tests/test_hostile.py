"""Hostile files: every reader refuses them with a clear message, the reading child's memory stays
bounded, and the table keeps serving its previous version (issue 12, item 1).

The corpus is generated here (nothing binary is committed): deep nesting, huge cells, too many values,
spreadsheet bombs, BOM mixes and binary junk; Hypothesis adds random bytes and random nested JSON.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from civicdata.datastore import runtime, services
from civicdata.datastore.ingest import IngestError, IngestResult, Limits, ingest_file
from civicdata.datastore.ingest.isolated import ChildReport, ingest_isolated
from civicdata.datastore.models import JobStatus
from civicdata.datastore.store import TableStore

from .factories import load_table, make_published_dataset

#: The reading child of every test here may use this much address space; hostile files must be
#: refused well inside it.
CHILD_MB = 1024
#: Peak resident memory a refused hostile file may cost the child (the blocker grew to 20.6 GB).
PEAK_RSS_MB = 400


def deep_geojson(depth: int) -> bytes:
    """The blocker: a FeatureCollection whose coordinates are `depth` nested arrays."""
    return (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},'
        b'"geometry":{"type":"Polygon","coordinates":' + b"[" * depth + b"]" * depth + b"}}]}"
    )


def xlsx_with_sheet(sheet_xml: bytes, *, shared: bytes | None = None) -> bytes:
    """A minimal XLSX package around one worksheet part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def sheet(cells: str) -> bytes:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


FAR_CORNER = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="Z1048576"><v>1</v></c></row>'
)


def hostile_corpus() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, bytes, the refusal code expected)."""
    rng = random.Random(42)
    junk = bytes(rng.randrange(256) for _ in range(200_000))
    return {
        "deep_geojson": ("deep.geojson", deep_geojson(1_000_000), "json_too_deep"),
        "deep_json_records": ("deep.json", b'[{"a":' + b"[" * 30_000 + b"]" * 30_000 + b"}]", "json_too_deep"),
        "deep_json_objects": ("deep.json", b"[" + b'{"a":' * 20_000 + b"1" + b"}" * 20_000 + b"]", "json_too_deep"),
        "huge_json_cell": ("big.json", b'[{"a":"' + b"x" * (5 << 20) + b'"}]', "cell_too_large"),
        "huge_integer": ("int.json", b'[{"a":' + b"9" * 50_000 + b"}]", "bad_json"),
        "broken_json": ("broken.json", b'[{"a": 1}, {"a": ', "bad_json"),
        "huge_csv_line": ("line.csv", b"a,b\n" + b"x" * (6 << 20), "line_too_long"),
        "open_quote_csv": ("quote.csv", b'a,b\n"' + b"y\n" * (3 << 20) + b"1,2\n", "bad_csv"),
        "binary_junk_csv": ("junk.csv", junk, "binary_not_data"),
        "gzip_named_csv": ("data.csv", b"\x1f\x8b\x08\x00" + junk[:1000], "binary_not_data"),
        "bom_mix": ("bom.csv", b"\xef\xbb\xbfa,b\n1,2\n" + "é,ü\n".encode("utf-16-le") * 50, "mixed_encoding"),
        "utf16_then_latin1": ("mix.csv", "a,b\n1,2\n".encode("utf-16") + b"\xd8\x00\xd8", "mixed_encoding"),
        "xlsx_far_corner": (
            "corner.xlsx",
            xlsx_with_sheet(sheet(FAR_CORNER)),
            "xlsx_too_many_cells",
        ),
        "xlsx_too_wide": (
            "wide.xlsx",
            xlsx_with_sheet(sheet('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')),
            "too_many_columns",
        ),
        "xlsx_zip_bomb": ("bomb.xlsx", xlsx_with_sheet(sheet("<row/>" + " " * (40 << 20))), "xlsx_zip_bomb"),
        "xlsx_not_a_zip": ("fake.xlsx", b"PK\x03\x04" + junk[:5000], "bad_xlsx"),
    }


CORPUS = hostile_corpus()


def limits() -> Limits:
    return Limits(xlsx_max_uncompressed_bytes=64 << 20)


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_every_hostile_file_is_refused_clearly_in_a_bounded_child(case: str, tmp_path: Path) -> None:
    """Each hostile file ends with its IngestError (a sentence, not a traceback), the child's peak
    memory stays far below the blocker's gigabytes, and no version file is left behind."""
    name, data, code = CORPUS[case]
    source = tmp_path / name
    source.write_bytes(data)
    store = TableStore(tmp_path / "store")
    report: list[ChildReport] = []
    with pytest.raises(IngestError) as refused:
        ingest_isolated(
            source,
            store=store,
            relation="t",
            address_space_mb=CHILD_MB,
            progress=lambda stage, fraction: None,
            report=report,
            limits=limits(),
        )
    assert refused.value.code == code, refused.value.message
    assert refused.value.message.endswith((".", ")"))
    assert "Traceback" not in refused.value.message
    assert len(report) == 1
    assert report[0].peak_rss_kb < PEAK_RSS_MB * 1024, report
    assert store.versions("t") == []


def test_the_blocker_was_quadratic_before_and_is_bounded_now(tmp_path: Path) -> None:
    """The 2 MB GeoJSON of the attack report is refused in the worker's own process too (no child),
    before it costs memory: the refusal names the nesting limit."""
    source = tmp_path / "deep.geojson"
    source.write_bytes(deep_geojson(1_000_000))
    with pytest.raises(IngestError, match="nested more than 64 levels") as refused:
        ingest_file(source, store=TableStore(tmp_path / "store"), relation="t")
    assert refused.value.row == 1


def test_a_record_with_too_many_values_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "many.geojson"
    coordinates = [[i, i] for i in range(5_000)]
    source.write_text(
        json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"a": 1}, "geometry": {"type": "LineString", "coordinates": coordinates}}
        ]})
    )  # fmt: skip
    with pytest.raises(IngestError) as refused:
        ingest_file(source, store=TableStore(tmp_path / "s"), relation="t", limits=Limits(max_record_elements=1000))
    assert refused.value.code == "json_record_too_large"


def test_a_child_that_runs_out_of_address_space_fails_the_load_clearly(tmp_path: Path) -> None:
    """The last line of defence: a load that needs more memory than the cap is stopped with a sentence
    naming the setting, and the store keeps nothing of it."""
    source = tmp_path / "ok.csv"
    source.write_text("a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(1000)))
    store = TableStore(tmp_path / "store")
    with pytest.raises(IngestError) as refused:
        ingest_isolated(source, store=store, relation="t", address_space_mb=120, progress=lambda s, f: None)
    assert refused.value.code == "ingest_out_of_memory"
    assert "DATASTORE_INGEST_PROCESS_MB" in refused.value.message
    assert store.versions("t") == []


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["deep_geojson", "xlsx_far_corner", "binary_junk_csv"])
def test_a_hostile_reload_fails_the_job_and_the_old_version_keeps_serving(case: str, settings) -> None:
    """Through the real job path (child process included): the job fails with the refusal, and the
    table still answers queries from the version loaded before."""
    settings.DATASTORE_INGEST_PROCESS_MB = CHILD_MB
    dataset = make_published_dataset()
    table, job = load_table(dataset, "name,score\nAna,1\nBo,2\n")
    assert job.status == JobStatus.SUCCEEDED
    name, data, code = CORPUS[case]
    upload = Path(settings.DATA_DIR) / name
    upload.write_bytes(data)
    job = services.run_ingest_job(job_id=services.start_ingest(table, by=None, path=upload).pk)
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == code
    table.refresh_from_db()
    assert table.version == 1
    rows = runtime.open_cursor(table).execute("SELECT name FROM data ORDER BY name").fetchall()
    assert rows == [("Ana",), ("Bo",)]


# -- Hypothesis: random input never escapes as anything but a clear refusal ---------------------

FUZZ = hypothesis_settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.binary(min_size=1, max_size=4096), suffix=st.sampled_from([".csv", ".tsv", ".json", ".geojson"]))
def test_random_bytes_load_or_are_refused_clearly(data: bytes, suffix: str, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / f"in{suffix}"
    source.write_bytes(data)
    result, error = attempt(
        lambda: ingest_file(source, store=TableStore(folder / "store"), relation="t", declared_format=suffix[1:])
    )
    if error is None:
        assert result.row_count >= 0
    else:
        assert error.code
        assert error.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=40,
)


@FUZZ
@given(records=st.lists(st.dictionaries(st.text(min_size=1, max_size=8), json_values, min_size=1, max_size=5),
                        min_size=1, max_size=5))  # fmt: skip
def test_random_json_records_load_or_are_refused_for_depth(records: list, tmp_path_factory) -> None:
    """Nested values up to the limit load (kept as JSON text); deeper ones are refused by the depth rule."""
    folder = tmp_path_factory.mktemp("fuzzjson")
    source = folder / "in.json"
    source.write_text(json.dumps(records))
    deepest = max(depth(r) for r in records)
    result, error = attempt(
        lambda: ingest_file(source, store=TableStore(folder / "store"), relation="t", limits=Limits(max_json_depth=3))
    )
    if deepest > 3:
        assert error is not None
        assert error.code == "json_too_deep", error.message
    else:
        assert error is None, error.message
        assert result.row_count == len(records)


def attempt(load: Callable[[], IngestResult]) -> tuple[IngestResult | None, IngestError | None]:
    """The load's result, or the IngestError it refused with (any other exception fails the test)."""
    try:
        return load(), None
    except IngestError as exc:
        return None, exc


def depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0
