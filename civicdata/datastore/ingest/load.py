"""Load a file into a new DuckDB version file and swap it in atomically.

Pipeline: size and format checks → conversion to UTF-8 delimited text → header cleaning and type
inference on a sample → one streaming `read_csv` pass (all VARCHAR, ragged rows collected by DuckDB's
reject tables) that casts every column and records which cells failed → swap. Nothing is visible to
readers until the final rename, so a failed load leaves the previous version serving.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import duckdb

from civicdata.core import duckdb as embedded

from ..shape_bounds import write_bounds
from ..store import DATA_TABLE, TableStore
from . import sources
from .errors import IngestError
from .headers import Header, clean_headers
from .infer import MISSING_VALUES, Inferred, cast_expression, find_lat_lon, infer_columns, quote_ident

Progress = Callable[[str, float], None]

#: Rows of cast failures kept in the version file for the quality report.
FAILURE_SAMPLE_ROWS = 1000


@dataclass
class FieldResult:
    name: str
    title: str
    type: str
    format: str
    duck_type: str
    filled: float = 0.0


@dataclass
class IngestResult:
    relation: str
    version: int
    path: Path
    row_count: int
    fields: list[FieldResult]
    source_format: str
    encoding: str
    delimiter: str
    geo: tuple[str, str] | None
    blank_headers: list[int] = field(default_factory=list)
    duplicate_headers: list[str] = field(default_factory=list)
    cast_failures: dict[str, int] = field(default_factory=dict)
    #: columns inferred from the sample whose later values did not fit; they were kept as text
    demoted_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _noop(stage: str, fraction: float) -> None:
    return None


def _bounded_lines(fh: TextIO, max_bytes: int) -> Iterator[str]:
    """The file's lines, refusing one longer than `max_bytes` before it is read whole (a file with no
    line breaks would otherwise be read into memory at once)."""
    number = 0
    while line := fh.readline(max_bytes + 1):
        number += 1
        if len(line) > max_bytes and not line.endswith("\n"):
            raise IngestError(
                f"Line {number} is longer than {max_bytes / 1048576:,.0f} MB; this is not a table the "
                "Data API can read (is it a text file at all?).",
                code="line_too_long",
                row=max(number - 1, 0),
            )
        yield line


def read_sample(
    path: Path, delimiter: str, rows: int, *, max_cell_bytes: int = 4 << 20
) -> tuple[list[str], list[list[str]]]:
    """Header and the first `rows` data rows, parsed with Python's csv module; lines and cells are
    bounded by `max_cell_bytes`."""
    csv.field_size_limit(max_cell_bytes)
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(_bounded_lines(fh, max_cell_bytes), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise IngestError("The file is empty.", code="empty_file") from None
        except csv.Error as exc:
            message = _csv_message(exc, max_cell_bytes)
            raise IngestError(f"The header row cannot be read: {message}", code="bad_csv", row=0) from None
        sample = []
        try:
            for row in reader:
                sample.append(row)
                if len(sample) >= rows:
                    break
        except csv.Error as exc:
            raise IngestError(
                f"Row {reader.line_num - 1} cannot be read: {_csv_message(exc, max_cell_bytes)}",
                code="bad_csv",
                row=reader.line_num - 1,
            ) from None
    return header, sample


def header_on_one_line(path: Path, delimiter: str, workdir: Path, *, max_cell_bytes: int = 4 << 20) -> Path:
    """`path`, or a copy in `workdir` whose header record sits on one physical line.

    DuckDB skips the header by lines, not by CSV records: a quoted header cell holding a line break
    (a wrapped title in a spreadsheet), or a BOM before a quoted first cell, made it read the rest of
    the header as the layout of the file and load no rows at all. The copy writes the header cells
    with their whitespace collapsed (titles collapse it anyway), ended like the header record was,
    so the data rows that follow keep one kind of line ending.
    """
    csv.field_size_limit(max_cell_bytes)
    with path.open("rb") as raw:
        bom_before_quote = raw.read(4) == b'\xef\xbb\xbf"'
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        lines: list[str] = []

        def remember(source: Iterator[str]) -> Iterator[str]:
            for line in source:
                lines.append(line)
                yield line

        reader = csv.reader(remember(_bounded_lines(fh, max_cell_bytes)), delimiter=delimiter)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return path  # read_sample reports an empty or unreadable header
        if len(lines) == 1 and not bom_before_quote:
            return path
        ending = lines[-1][len(lines[-1].rstrip("\r\n")) :] or "\n"
        target = workdir / "header-on-one-line.csv"
        with target.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out, delimiter=delimiter, lineterminator=ending).writerow(
                [" ".join(cell.split()) for cell in header]
            )
            # The reader has consumed exactly the header's lines; the rest is copied as it is.
            shutil.copyfileobj(fh, out, 1 << 20)
    return target


def _csv_message(exc: csv.Error, max_cell_bytes: int) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than the {max_cell_bytes / 1048576:,.0f} MB a cell can hold (is a quote left open?)"
    return text


def _poll_progress(conn: duckdb.DuckDBPyConnection, progress: Progress, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        try:
            pct = conn.query_progress()
        except duckdb.Error:
            return
        if pct and pct > 0:
            progress("loading", 0.3 + 0.55 * min(pct, 100.0) / 100.0)


def _describe_reject(row: tuple, headers: list[Header]) -> dict:
    line, column_idx, column_name, error_type, csv_line, message = row
    title = None
    if column_name:
        title = next((h.title for h in headers if h.name == column_name), column_name)
    return {
        "row": int(line) - 1 if line is not None else None,
        "column": title,
        "column_index": column_idx,
        "error": str(error_type or "").lower().replace(" ", "_"),
        "message": message,
        "line": (csv_line or "")[:200],
    }


class _Loader:
    def __init__(self, *, store: TableStore, relation: str, memory_mb: int, threads: int, workdir: Path):
        self.store = store
        self.relation = relation
        self.memory_mb = memory_mb
        self.threads = threads
        self.workdir = workdir

    def load(
        self,
        csv_path: Path,
        delimiter: str,
        headers: list[Header],
        fields: list[FieldResult],
        *,
        lenient: set[str],
        progress: Progress,
    ) -> tuple[int, int, dict[str, int]]:
        version = self.store.next_version(self.relation)
        target = self.store.version_path(self.relation, version)
        target.parent.mkdir(parents=True, exist_ok=True)
        conn = embedded.connect(
            target, memory_mb=self.memory_mb, threads=self.threads, temp_directory=self.workdir / "spill"
        )
        # Progress is read with query_progress() for the job page, never printed to stdout.
        conn.execute("SET enable_progress_bar = true")
        conn.execute("SET enable_progress_bar_print = false")
        try:
            row_count, failures = self._load_into(
                conn, csv_path, delimiter, headers, fields, lenient=lenient, progress=progress
            )
            conn.execute("CHECKPOINT")
        except BaseException:
            conn.close()
            self.store.discard(self.relation, version)
            raise
        conn.close()
        if row_count < 0:
            self.store.discard(self.relation, version)
        return version, row_count, failures

    def _load_into(
        self,
        conn: duckdb.DuckDBPyConnection,
        csv_path: Path,
        delimiter: str,
        headers: list[Header],
        fields: list[FieldResult],
        *,
        lenient: set[str],
        progress: Progress,
    ) -> tuple[int, dict[str, int]]:
        columns = ", ".join(f"{_lit(h.name)}: 'VARCHAR'" for h in headers)
        # Only an empty cell is missing while reading: a text column keeps the words "null" or "N/A" as the
        # text they are. In a typed column (number, date...) the declared missing values mean "no value".
        missing = ", ".join(_lit(v) for v in MISSING_VALUES)
        reader = (
            f"read_csv({_lit(str(csv_path))}, header = false, skip = 1, auto_detect = false, "
            f"delim = {_lit(delimiter)}, quote = '\"', escape = '\"', columns = {{{columns}}}, "
            "nullstr = [''], store_rejects = true, max_line_size = 4194304, "
            "strict_mode = true)"
        )
        selects, checks = [], []
        for f in fields:
            col = quote_ident(f.name)
            expr, duck_type = cast_expression(col, f.type, f.format)
            f.duck_type = duck_type
            if f.type != "string":
                expr = f"CASE WHEN trim({col}) IN ({missing}) THEN NULL ELSE {expr} END"
                # Blank cells and declared missing values count as missing, not as failed casts.
                checks.append(
                    f"CASE WHEN trim({col}) <> '' AND trim({col}) NOT IN ({missing}) AND ({expr}) IS NULL "
                    f"THEN {_lit(f.name)} END"
                )
            selects.append(f"{expr} AS {col}")
        failed = f"list_filter([{', '.join(checks)}], lambda x: x IS NOT NULL)" if checks else "[]::VARCHAR[]"
        sql = (
            f"CREATE TABLE {DATA_TABLE} AS SELECT {', '.join(selects)}, {failed} AS __failed "  # noqa: S608
            f"FROM {reader}"
        )
        stop = threading.Event()
        poller = threading.Thread(target=_poll_progress, args=(conn, progress, stop), daemon=True)
        poller.start()
        try:
            conn.execute(sql)
        except duckdb.Error as exc:
            raise IngestError(_duck_message(exc), code="bad_csv") from None
        finally:
            stop.set()
            poller.join()
        progress("validating", 0.88)
        rejects = conn.execute(
            "SELECT line, column_idx, column_name, error_type, csv_line, error_message "
            "FROM reject_errors ORDER BY line LIMIT 20"
        ).fetchall()
        if rejects:
            total = conn.execute("SELECT count(*) FROM reject_errors").fetchone()[0]
            details = [_describe_reject(r, headers) for r in rejects]
            first = details[0]
            where = f"Row {first['row']}" + (f", column {first['column']!r}" if first["column"] else "")
            raise IngestError(
                f"{where}: {first['message']}. {total:,} row(s) do not match the "
                f"{len(headers)} columns of the header; fix them and reload.",
                code="ragged_rows",
                row=first["row"],
                column=first["column"],
                details=details,
            )
        failures = dict(
            conn.execute(
                "SELECT f, count(*) FROM (SELECT unnest(__failed) AS f FROM data WHERE len(__failed) > 0) GROUP BY f"
            ).fetchall()
        )
        if lenient & set(failures):
            return -1, failures
        conn.execute(
            "CREATE TABLE _cast_failures AS SELECT rowid + 1 AS row_number, unnest(__failed) AS column_name "  # noqa: S608
            f"FROM {DATA_TABLE} WHERE len(__failed) > 0 ORDER BY rowid LIMIT {FAILURE_SAMPLE_ROWS}"
        )
        conn.execute(f"ALTER TABLE {DATA_TABLE} DROP COLUMN __failed")
        # The boxes of a GeoJSON upload's shapes, for the area filter (see shape_bounds.py).
        write_bounds(conn, DATA_TABLE)
        row_count = conn.execute(f"SELECT count(*) FROM {DATA_TABLE}").fetchone()[0]  # noqa: S608
        return row_count, failures


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duck_message(exc: duckdb.Error) -> str:
    first = str(exc).strip().splitlines()[0]
    return f"The file cannot be read as a table: {first}"


def _as_delimited_text(
    path: Path, fmt: str, workdir: Path, limits: sources.Limits, *, sheet: str | None
) -> tuple[Path, str, str]:
    """The file as UTF-8 delimited text in ``workdir`` (XLSX and JSON are converted to CSV), with the
    source encoding and the delimiter."""
    encoding = "utf-8"
    if fmt == "xlsx":
        text_path = sources.xlsx_to_csv(path, workdir / "sheet.csv", limits, sheet=sheet)
    elif fmt in ("json", "geojson"):
        text_path = sources.records_to_csv(path, workdir / "records.csv", limits, geojson=fmt == "geojson")
    else:
        text_path, encoding = sources.to_utf8(path, workdir)
    sample_text = text_path.open(encoding="utf-8-sig", errors="replace").read(256 << 10)
    if fmt in ("csv", "tsv"):
        sources.detect_format_text(sample_text)
    delimiter = "," if fmt in ("xlsx", "json", "geojson") else sources.sniff_delimiter(sample_text, fmt)
    return text_path, encoding, delimiter


def _choose_fields(
    headers: list[Header], inferred: list[Inferred], overrides: dict[str, dict], titles: dict[str, str]
) -> list[FieldResult]:
    """Each column's type: staff's choice where there is one, else the inferred type."""
    fields = []
    for header, guess in zip(headers, inferred, strict=True):
        chosen = overrides.get(header.name) or {}
        fields.append(
            FieldResult(
                name=header.name,
                title=titles.get(header.name, header.title),
                type=chosen.get("type", guess.type),
                format=chosen.get("format", guess.format if "type" not in chosen else "default"),
                duck_type=guess.duck_type,
                filled=guess.filled,
            )
        )
    return fields


def _load_or_demote(
    loader: _Loader,
    text_path: Path,
    delimiter: str,
    headers: list[Header],
    fields: list[FieldResult],
    *,
    lenient: set[str],
    progress: Progress,
) -> tuple[int, int, dict[str, int], list[str]]:
    """Load with the inferred types; when values later in the file contradict the sample, keep those
    columns as text and load again. Returns version, row count, cast failures and the demoted columns."""
    version, row_count, failures = loader.load(
        text_path, delimiter, headers, fields, lenient=lenient, progress=progress
    )
    if row_count >= 0:
        return version, row_count, failures, []
    demoted = sorted(lenient & set(failures))
    for f in fields:
        if f.name in demoted:
            f.type, f.format = "string", "default"
    progress("loading", 0.3)
    version, row_count, failures = loader.load(text_path, delimiter, headers, fields, lenient=set(), progress=progress)
    return version, row_count, failures, demoted


def ingest_file(
    path: Path | str,
    *,
    store: TableStore,
    relation: str,
    declared_format: str | None = None,
    overrides: dict[str, dict] | None = None,
    titles: dict[str, str] | None = None,
    limits: sources.Limits | None = None,
    memory_mb: int = 256,
    threads: int = 2,
    sheet: str | None = None,
    progress: Progress | None = None,
    swap: bool = True,
) -> IngestResult:
    """Load `path` as a new version of `relation` and (unless `swap=False`) make it current.

    `overrides` maps column names to `{"type": ..., "format": ...}` chosen by staff; those types are
    applied strictly (bad cells become NULL and are counted). Inferred types are applied leniently:
    a column whose later values do not fit is kept as text. Raises IngestError for bad input; the
    previous version is untouched in that case.
    """
    started = time.monotonic()
    path = Path(path)
    limits = limits or sources.Limits()
    progress = progress or _noop
    overrides = overrides or {}
    progress("checking", 0.02)
    sources.check_size(path, limits)
    fmt = sources.detect_format(path, declared_format)
    with tempfile.TemporaryDirectory(prefix="civicdata-ingest-") as tmp:
        workdir = Path(tmp)
        (workdir / "spill").mkdir()
        progress("converting", 0.05)
        text_path, encoding, delimiter = _as_delimited_text(path, fmt, workdir, limits, sheet=sheet)
        progress("sampling", 0.15)
        text_path = header_on_one_line(text_path, delimiter, workdir, max_cell_bytes=limits.max_cell_bytes)
        raw_header, sample = read_sample(text_path, delimiter, limits.sample_rows, max_cell_bytes=limits.max_cell_bytes)
        if len(raw_header) > limits.max_columns:
            raise sources.too_many_columns(len(raw_header), limits)
        report = clean_headers(raw_header)
        headers = report.columns
        inferred: list[Inferred] = infer_columns([h.name for h in headers], sample)
        fields = _choose_fields(headers, inferred, overrides, titles or {})
        progress("loading", 0.3)
        loader = _Loader(store=store, relation=relation, memory_mb=memory_mb, threads=threads, workdir=workdir)
        lenient = {f.name for f in fields if f.name not in overrides and f.type != "string"}
        version, row_count, failures, demoted = _load_or_demote(
            loader, text_path, delimiter, headers, fields, lenient=lenient, progress=progress
        )
        if swap:
            progress("swapping", 0.97)
            store.swap(relation, version)
    geo = find_lat_lon([f.name for f in fields], [Inferred(f.type, f.format, f.duck_type) for f in fields])
    progress("done", 1.0)
    return IngestResult(
        relation=relation,
        version=version,
        path=store.version_path(relation, version),
        row_count=row_count,
        fields=fields,
        source_format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        geo=geo,
        blank_headers=report.blank_positions,
        duplicate_headers=report.duplicates,
        cast_failures=failures,
        demoted_columns=demoted,
        seconds=time.monotonic() - started,
    )
