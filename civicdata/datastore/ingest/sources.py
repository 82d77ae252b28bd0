"""Turn any accepted upload (CSV/TSV in any common encoding, XLSX, JSON records, GeoJSON) into a
UTF-8 delimited text file, streaming so that a large file never has to fit in memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson
import orjson

from civicdata.core import tabular

from .errors import IngestError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20


@dataclass(frozen=True)
class Limits:
    """Size guards for one ingest (mirrors the DATASTORE_* settings)."""

    max_file_bytes: int = 1536 << 20
    max_columns: int = 2000
    xlsx_max_uncompressed_bytes: int = 512 << 20
    xlsx_max_ratio: int = 200
    sample_rows: int = 20000


def check_size(path: Path, limits: Limits) -> int:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise IngestError(
            f"The file is {size / 1048576:,.0f} MB; the largest accepted is {limits.max_file_bytes / 1048576:,.0f} MB.",
            code="file_too_large",
        )
    if size == 0:
        raise IngestError("The file is empty.", code="empty_file")
    return size


def _head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def detect_format(path: Path, declared: str | None = None) -> str:
    """Recognise the real format from the first bytes; refuse HTML pages posing as data."""
    head = _head(path, 64 << 10)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        text.startswith(b"<") and b"<html" in text[:2048]
    ):
        raise IngestError(
            "This file is a web page (HTML), not a data file. The link probably points to a "
            "download page rather than to the file itself.",
            code="html_not_data",
        )
    if text.startswith(b"<"):
        raise IngestError(
            "This file is XML; the Data API loads CSV, TSV, XLSX, JSON and GeoJSON.",
            code="unsupported_format",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return declared if declared in ("csv", "tsv") else "csv"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        if b'"featurecollection"' in text.replace(b" ", b"") or b'"features"' in text:
            return "geojson"
        raise IngestError(
            "This JSON file is a single object; the Data API loads a JSON array of records "
            "or a GeoJSON FeatureCollection.",
            code="unsupported_json",
        )
    if declared in ("csv", "tsv"):
        return declared
    return "csv"


def detect_format_text(sample: str) -> None:
    """The HTML check again on decoded text (a UTF-16 page is invisible to the byte check)."""
    text = sample.lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html", "<head", "<body")):
        raise IngestError(
            "This file is a web page (HTML), not a data file. The link probably points to a "
            "download page rather than to the file itself.",
            code="html_not_data",
        )


# -- encodings -------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """Name the encoding of a text file from its first bytes (see `core.tabular.guess_encoding`)."""
    return tabular.guess_encoding(_head(path))


#: Control bytes that text tables do contain: tab, line feed, form feed, carriage return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r\x1b")


def looks_binary(head: bytes) -> bool:
    """True when the first bytes are not text in any 8-bit or UTF-8 encoding: a NUL byte (UTF-16 is
    recognised before this is asked), or more than one byte in ten a control character."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls * 10 > len(head)


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of a byte offset (counting newlines up to it, streaming)."""
    line = 1
    done = 0
    with path.open("rb") as fh:
        while done < offset:
            chunk = fh.read(min(CHUNK_BYTES, offset - done))
            if not chunk:
                break
            line += chunk.count(b"\n")
            done += len(chunk)
    return line


def validate_utf8(path: Path) -> tuple[int, bool] | None:
    """Return (byte offset of the first invalid UTF-8 sequence, whether valid non-ASCII UTF-8 came
    before it), or None when the whole file is valid UTF-8. Streams in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    saw_multibyte = False
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                before = chunk[: exc.start]
                return offset + exc.start, saw_multibyte or not before.isascii()
            if not saw_multibyte and not chunk.isascii():
                saw_multibyte = True
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return offset, saw_multibyte
    return None


def transcode(path: Path, encoding: str, target: Path) -> Path:
    """Stream-decode `path` from `encoding` into UTF-8 at `target` (no BOM), chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK_BYTES):
            try:
                text = decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                line = _line_of(path, offset + exc.start)
                raise IngestError(
                    f"Line {line} cannot be read as {encoding}: the file mixes text encodings. "
                    "Save it again as UTF-8 and reload.",
                    code="mixed_encoding",
                    row=max(line - 1, 0),
                ) from None
            if offset == 0 and text.startswith("\ufeff"):
                text = text[1:]
            dst.write(text.encode("utf-8"))
            offset += len(chunk)
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def to_utf8(path: Path, workdir: Path) -> tuple[Path, str]:
    """Return a UTF-8 version of a text file (the file itself when already UTF-8) and the encoding
    it was read as."""
    encoding = detect_encoding(path)
    if encoding.startswith("utf-16"):
        return transcode(path, encoding, workdir / "source.utf8.csv"), encoding
    if looks_binary(_head(path)):
        raise IngestError(
            "This file is not text, so it cannot be read as a table (it may be a program, an image or a damaged "
            "file with a .csv name). Export the data again as CSV and reload.",
            code="not_text",
        )
    bad = validate_utf8(path)
    if bad is None:
        return path, "utf-8-sig" if encoding == "utf-8-sig" else "utf-8"
    offset, saw_utf8 = bad
    if saw_utf8 or encoding == "utf-8-sig":
        line = _line_of(path, offset)
        raise IngestError(
            f"Line {line} is not valid UTF-8 although earlier lines are: the file mixes text "
            "encodings. Save it again as UTF-8 and reload.",
            code="mixed_encoding",
            row=max(line - 1, 0),
        )
    if encoding in ("utf-8", "utf-8-sig"):
        # Pure ASCII up to a legacy byte: the whole file is Windows-1252.
        encoding = "cp1252"
    return transcode(path, encoding, workdir / "source.utf8.csv"), encoding


# -- delimiter sniffing ----------------------------------------------------------------------


def sniff_delimiter(sample: str, declared: str | None = None) -> str:
    """The delimiter of a text table: a tab for declared TSV, else `core.tabular.sniff_delimiter`."""
    if declared == "tsv":
        return "\t"
    return tabular.sniff_delimiter(sample)


# -- spreadsheets ----------------------------------------------------------------------------


def check_zip_bomb(path: Path, limits: Limits) -> None:
    """Refuse XLSX files whose parts would expand beyond the limits, before decompressing them."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise IngestError("This spreadsheet is damaged (not a valid XLSX file).", code="bad_xlsx") from None
    total = sum(info.file_size for info in infos)
    if total > limits.xlsx_max_uncompressed_bytes:
        raise IngestError(
            f"This spreadsheet would expand to {total / 1048576:,.0f} MB when opened; the limit is "
            f"{limits.xlsx_max_uncompressed_bytes / 1048576:,.0f} MB. Save it as CSV instead.",
            code="xlsx_too_large",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (8 << 20) and ratio > limits.xlsx_max_ratio:
            raise IngestError(
                f"This spreadsheet's part {info.filename} is compressed {ratio:,.0f} times, "
                "which is the signature of a zip bomb; it was not opened.",
                code="xlsx_zip_bomb",
            )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def xlsx_to_csv(path: Path, target: Path, limits: Limits, *, sheet: str | None = None) -> Path:
    """Write the first (or named) sheet as UTF-8 CSV, after the zip-bomb check."""
    from python_calamine import CalamineError, load_workbook

    check_zip_bomb(path, limits)
    try:
        workbook = load_workbook(str(path))
        worksheet = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        if worksheet.width > limits.max_columns:
            raise too_many_columns(worksheet.width, limits)
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            for row in worksheet.iter_rows():
                writer.writerow([_cell_text(v) for v in row])
    except CalamineError as exc:
        raise IngestError(f"This spreadsheet cannot be read: {exc}", code="bad_xlsx") from None
    return target


def too_many_columns(count: int, limits: Limits) -> IngestError:
    return IngestError(
        f"The file has {count:,} columns; the Data API accepts at most {limits.max_columns:,}.",
        code="too_many_columns",
    )


# -- JSON and GeoJSON ------------------------------------------------------------------------


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (int, str)):
        return str(value)
    return orjson.dumps(value, default=str).decode()


def _records(path: Path, prefix: str) -> Iterator[dict]:
    with path.open("rb") as fh:
        try:
            for index, item in enumerate(ijson.items(fh, prefix), start=1):
                if not isinstance(item, dict):
                    raise IngestError(
                        f"Record {index} is not an object with named fields.",
                        code="json_not_records",
                        row=index,
                    )
                yield item
        except ijson.JSONError as exc:
            raise IngestError(f"The JSON is not valid: {exc}", code="bad_json") from None


def _feature_row(feature: dict) -> dict:
    row = dict(feature.get("properties") or {})
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        lon, lat = [*(geometry.get("coordinates") or []), None, None][:2]
        row["geometry"] = f"POINT ({lon} {lat})" if lon is not None else ""
    elif geometry:
        row["geometry"] = geometry
    return row


def records_to_csv(path: Path, target: Path, limits: Limits, *, geojson: bool = False) -> Path:
    """Two streaming passes: collect the union of field names, then write one CSV row per record."""
    prefix = "features.item" if geojson else "item"
    names: dict[str, None] = {}
    count = 0
    for record in _records(path, prefix):
        row = _feature_row(record) if geojson else record
        for key in row:
            if key not in names:
                names[key] = None
                if len(names) > limits.max_columns:
                    raise too_many_columns(len(names), limits)
        count += 1
    if count == 0:
        raise IngestError("The JSON file holds no records.", code="empty_file")
    header = list(names)
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for record in _records(path, prefix):
            row = _feature_row(record) if geojson else record
            writer.writerow([_json_text(row.get(name)) for name in header])
    return target
