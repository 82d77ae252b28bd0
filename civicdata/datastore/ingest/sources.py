"""Turn any accepted upload (CSV/TSV in any common encoding, XLSX, JSON records, GeoJSON) into a
UTF-8 delimited text file, streaming so that a large file never has to fit in memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import json
import re
import zipfile
import zlib
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
    #: Longest cell (and, for CSV, longest line) in bytes; DuckDB's own line limit is the same 4 MB.
    max_cell_bytes: int = 4 << 20
    #: Deepest nesting of lists and objects inside one JSON record or GeoJSON feature.
    max_json_depth: int = 64
    #: Most values (numbers, strings, lists, objects) inside one JSON record or GeoJSON feature.
    max_record_elements: int = 1_000_000
    #: Most cells of one spreadsheet sheet (rows × columns of the area it uses).
    xlsx_max_cells: int = 20_000_000


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
    if looks_binary(_head(path)):
        raise IngestError(
            "This file is not text, so it cannot be read as a table: it holds binary data (an image, an "
            "archive, a program or a damaged file, perhaps renamed). The Data API loads CSV, TSV, XLSX, JSON "
            "and GeoJSON: export the data again in one of them and reload.",
            code="binary_not_data",
        )
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


_BINARY_MAGIC = (b"%PDF", b"\x1f\x8b", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"BZh", b"7z\xbc\xaf", b"Rar!", b"\x7fELF")
#: Control characters that never appear in a text table (tab, line breaks, form feed, escape and the
#: old end-of-file mark ^Z do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 26, 27))


def looks_binary(head: bytes) -> bool:
    """True when the first bytes of a file are not text in any encoding a table comes in: a known binary
    signature, or (unless the text is UTF-16, where every other byte of ASCII is NUL) a NUL byte, or
    control characters making more than one byte in ten, or more than 1 % and at least 16 of them.

    A file that starts with a UTF-8 BOM declared itself text: it is never called binary here, and a part
    in another encoding is reported later as a mix of encodings, line by line.
    """
    if head.startswith(_BINARY_MAGIC):
        return True
    if not head or head.startswith(codecs.BOM_UTF8):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    suspicious = b"\x00" in head or controls * 10 > len(head) or (controls >= 16 and controls * 100 > len(head))
    return suspicious and not _utf16_text(head)


def _utf16_text(head: bytes) -> bool:
    """UTF-16 by its BOM, or by its NUL bytes: more than a quarter of the bytes, nine in ten of them on
    the same side of each pair (the high byte of ASCII letters), which a binary header rarely has."""
    if not tabular.guess_encoding(head[: tabular.GUESS_BYTES]).startswith("utf-16"):
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    nuls = head.count(0)
    return max(head[0::2].count(0), head[1::2].count(0)) * 10 >= nuls * 9


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
        try:
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            line = _line_of(path, offset)
            raise IngestError(
                f"The file ends in the middle of a character (line {line}): it is cut short or mixes "
                f"text encodings with {encoding}. Save it again as UTF-8 and reload.",
                code="mixed_encoding",
                row=max(line - 1, 0),
            ) from None
    return target


def to_utf8(path: Path, workdir: Path) -> tuple[Path, str]:
    """Return a UTF-8 version of a text file (the file itself when already UTF-8) and the encoding
    it was read as. Binary files were refused before, by `detect_format` (`looks_binary`)."""
    encoding = detect_encoding(path)
    if encoding.startswith("utf-16"):
        return transcode(path, encoding, workdir / "source.utf8.csv"), encoding
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


_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,9})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,9})\"")
_SHARED_STRING_TAG = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_part(archive: zipfile.ZipFile, name: str) -> tuple[int, int, int, int]:
    """(highest row, highest column, cell tags, shared-string tags) of one XML part, streamed."""
    rows = columns = cells = strings = 0
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(1 << 20):
            buffer = carry + chunk
            cut = buffer.rfind(b">") + 1
            # Only whole tags are matched; the rest waits for the next chunk (bounded, in case a
            # text node is enormous).
            block, carry = buffer[:cut], buffer[cut:][-4096:]
            cells += len(_CELL_TAG.findall(block))
            strings += len(_SHARED_STRING_TAG.findall(block))
            for letters, digits in _CELL_REF.findall(block):
                rows = max(rows, int(digits))
                columns = max(columns, _column_number(letters))
            for digits in _ROW_REF.findall(block):
                rows = max(rows, int(digits))
    return rows, columns, cells, strings


def check_xlsx_dimensions(path: Path, limits: Limits) -> None:
    """Refuse a spreadsheet whose sheets would not fit in memory once opened, before opening it.

    The reader allocates every cell of the area a sheet uses, so one value in A1 and one in XFD1048576
    make a 5 KB file ask for hundreds of gigabytes; the cell references are read from the XML first.
    """
    try:
        _check_parts(path, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        raise IngestError("This spreadsheet is damaged (not a valid XLSX file).", code="bad_xlsx") from None


def _check_parts(path: Path, limits: Limits) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            lowered = name.lower()
            if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                rows, columns, cells, _strings = _scan_part(archive, name)
                if columns > limits.max_columns:
                    raise too_many_columns(columns, limits)
                area = max(rows * max(columns, 1), cells)
                if area > limits.xlsx_max_cells:
                    raise IngestError(
                        f"A sheet of this spreadsheet spans {rows:,} rows × {columns:,} columns "
                        f"({area:,} cells); the Data API opens at most {limits.xlsx_max_cells:,} cells. "
                        "Delete stray cells far below or right of the table, or save it as CSV.",
                        code="xlsx_too_many_cells",
                    )
            elif lowered == "xl/sharedstrings.xml":
                *_dims, strings = _scan_part(archive, name)
                if strings > limits.xlsx_max_cells:
                    raise IngestError(
                        f"This spreadsheet holds {strings:,} distinct texts; the Data API opens at most "
                        f"{limits.xlsx_max_cells:,}. Save it as CSV instead.",
                        code="xlsx_too_many_cells",
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
    check_xlsx_dimensions(path, limits)
    try:
        workbook = load_workbook(str(path))
        worksheet = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        if worksheet.width > limits.max_columns:
            raise too_many_columns(worksheet.width, limits)
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            for number, row in enumerate(worksheet.iter_rows()):
                texts = [_cell_text(v) for v in row]
                if any(too_long(t, limits.max_cell_bytes) for t in texts):
                    raise IngestError(
                        f"Row {number} has a cell longer than {limits.max_cell_bytes / 1048576:,.0f} MB; "
                        "a cell of the Data API holds at most that.",
                        code="cell_too_large",
                        row=number,
                    )
                writer.writerow(texts)
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
    try:
        return orjson.dumps(value, default=str).decode()
    except TypeError:  # integers beyond 64 bits inside a list or object
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


def _too_deep(index: int, limits: Limits) -> IngestError:
    return IngestError(
        f"Record {index} is nested more than {limits.max_json_depth} levels deep (lists inside lists); "
        "no real table needs that, so the file was not read further.",
        code="json_too_deep",
        row=index,
    )


def _build(first: tuple[str, object], events: Iterator[tuple[str, object]], index: int, limits: Limits) -> object:
    """One JSON value from basic_parse events, refusing it past the depth, element and cell limits.

    ijson's own `items()` keeps a prefix string per nesting level, so a few kilobytes of "[[[[" cost
    gigabytes; building from prefix-free events with a depth counter keeps memory proportional to the
    record and stops at the limit.
    """
    event, value = first
    if event not in ("start_map", "start_array"):
        _check_cell(value, index, limits)
        return value
    root: dict | list = {} if event == "start_map" else []
    stack: list[dict | list] = [root]
    keys: list[str | None] = [None]
    elements = 1
    for event, value in events:
        elements += 1
        if elements > limits.max_record_elements:
            raise IngestError(
                f"Record {index} holds more than {limits.max_record_elements:,} values; "
                "split it or simplify its geometry.",
                code="json_record_too_large",
                row=index,
            )
        if event == "map_key":
            keys[-1] = value  # type: ignore[assignment]
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        if event in ("start_map", "start_array"):
            if len(stack) >= limits.max_json_depth:
                raise _too_deep(index, limits)
            child: object = {} if event == "start_map" else []
        else:
            _check_cell(value, index, limits)
            child = value
        parent = stack[-1]
        if isinstance(parent, dict):
            parent[keys[-1]] = child
        else:
            parent.append(child)
        if event in ("start_map", "start_array"):
            stack.append(child)  # type: ignore[arg-type]
            keys.append(None)
    raise IngestError("The JSON ends in the middle of a record.", code="bad_json", row=index)


def too_long(text: str, max_bytes: int) -> bool:
    """True when `text` takes more than `max_bytes` in UTF-8 (encoded only when it might)."""
    return len(text) > max_bytes // 4 and len(text.encode("utf-8", "surrogatepass")) > max_bytes


def _check_cell(value: object, index: int, limits: Limits) -> None:
    if isinstance(value, str) and too_long(value, limits.max_cell_bytes):
        raise _cell_too_large(index, limits)


def _cell_too_large(index: int, limits: Limits) -> IngestError:
    return IngestError(
        f"Record {index} has a value longer than {limits.max_cell_bytes / 1048576:,.0f} MB; "
        "a cell of the Data API holds at most that.",
        code="cell_too_large",
        row=index,
    )


def _record_events(events: Iterator[tuple[str, object]], *, geojson: bool) -> Iterator[tuple[str, object]]:
    """Advance `events` to the first item of the record list (the top array, or GeoJSON's
    `features`); returns the same iterator, positioned inside that array."""
    event, _value = next(events, ("end", None))
    if not geojson:
        if event != "start_array":
            raise IngestError("The JSON is not an array of records.", code="json_not_records")
        return events
    if event != "start_map":
        raise IngestError("The GeoJSON is not an object with a list of features.", code="json_not_records")
    depth = 1
    for event, value in events:
        if depth == 1 and event == "map_key" and value == "features":
            start, _ = next(events, ("end", None))
            if start != "start_array":
                raise IngestError("The GeoJSON's “features” is not a list.", code="json_not_records")
            return events
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > 4:
                raise IngestError(
                    "The GeoJSON nests other members too deeply before its features.", code="json_too_deep"
                )
        elif event in ("end_map", "end_array"):
            depth -= 1
    raise IngestError("The GeoJSON has no “features” list.", code="json_not_records")


def _records(path: Path, limits: Limits, *, geojson: bool) -> Iterator[dict]:
    """The records of a JSON array (or a GeoJSON FeatureCollection's features), bounded by `limits`."""
    with path.open("rb") as fh:
        try:
            events = _record_events(iter(ijson.basic_parse(fh, use_float=False)), geojson=geojson)
            for index, first in enumerate(events, start=1):
                if first[0] == "end_array":
                    return
                item = _build(first, events, index, limits)
                if not isinstance(item, dict):
                    raise IngestError(
                        f"Record {index} is not an object with named fields.",
                        code="json_not_records",
                        row=index,
                    )
                yield item
        except ijson.JSONError as exc:
            # yajl's messages point at the spot over several lines; the first says what is wrong.
            reason = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else "unreadable"
            raise IngestError(f"The JSON is not valid: {reason}.", code="bad_json") from None
        except (ValueError, SystemError):
            # Python refuses integers of thousands of digits (int_max_str_digits); the C parser
            # reports that as a SystemError.
            raise IngestError(
                "The JSON holds a value that cannot be read (a number with thousands of digits?).", code="bad_json"
            ) from None


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
    """Read the records once (bounded, see `_build`), keeping each as a line of cell texts while the
    union of field names grows; then write the CSV with that header from the kept lines."""
    names: dict[str, None] = {}
    count = 0
    rows_path = target.with_suffix(".rows")
    with rows_path.open("wb") as rows:
        for record in _records(path, limits, geojson=geojson):
            row = _feature_row(record) if geojson else record
            cells = {}
            for key, value in row.items():
                if key not in names:
                    names[key] = None
                    if len(names) > limits.max_columns:
                        raise too_many_columns(len(names), limits)
                text = _json_text(value)
                if too_long(text, limits.max_cell_bytes):
                    raise _cell_too_large(count + 1, limits)
                cells[key] = text
            try:
                rows.write(orjson.dumps(cells) + b"\n")
            except orjson.JSONEncodeError:
                raise IngestError(
                    f"Record {count + 1} holds text with a broken Unicode escape (half of a character).",
                    code="bad_json",
                    row=count + 1,
                ) from None
            count += 1
    if count == 0:
        rows_path.unlink(missing_ok=True)
        raise IngestError("The JSON file holds no records.", code="empty_file")
    header = list(names)
    with target.open("w", newline="", encoding="utf-8") as out, rows_path.open("rb") as rows:
        writer = csv.writer(out, lineterminator="\n")
        # Line breaks inside a name would split the header line for the loader; titles collapse
        # whitespace anyway (headers.clean_headers).
        writer.writerow([" ".join(name.split()) for name in header])
        for line in rows:
            cells = orjson.loads(line)
            writer.writerow([cells.get(name, "") for name in header])
    rows_path.unlink(missing_ok=True)
    return target
