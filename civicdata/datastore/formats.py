"""Streaming writers for Data API downloads: JSON (objects or arrays), CSV, XML, GeoJSON and XLSX.

Every writer consumes batches of row tuples and yields bytes, so a full download of a large table is
produced while it is sent. Spreadsheet formats neutralise formula injection; XML drops characters
XML cannot carry so the document is well-formed whatever the cells hold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import orjson

from civicdata.core import spreadsheet

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "geojson": "application/geo+json",
    "xlsx": spreadsheet.XLSX_CONTENT_TYPE,
}

_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
Batches = Iterable[Sequence[tuple]]


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


_INT64 = (-(2**63), 2**64 - 1)


def plain_json(value: Any) -> Any:
    """`value` with what orjson refuses made plain: integers beyond 64 bits (DuckDB HUGEINT, UHUGEINT)
    become text so no digit is lost, and times with a zone (TIMETZ) their ISO form."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if isinstance(value, dt.time) and value.tzinfo is not None:
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    return value


def dumps(value: Any) -> bytes:
    """JSON for any query result; only results holding exotic values pay for `plain_json`."""
    try:
        return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return orjson.dumps(plain_json(value), default=_default, option=orjson.OPT_NON_STR_KEYS)


_dumps = dumps


def json_stream(
    columns: Sequence[str], batches: Batches, *, shape: str = "objects", meta: dict[str, Any] | None = None
) -> Iterator[bytes]:
    """`{"columns": [...], "rows": [...]}` (plus `meta` keys), rows as objects or arrays."""
    head = dict(meta or {})
    head["columns"] = list(columns)
    yield _dumps(head)[:-1] + b',"rows":['
    first = True
    names = list(columns)
    for batch in batches:
        if shape == "arrays":
            parts = [_dumps(list(row)) for row in batch]
        else:
            parts = [_dumps(dict(zip(names, row, strict=True))) for row in batch]
        if parts:
            yield (b"" if first else b",") + b",".join(parts)
            first = False
    yield b"]}"


def csv_stream(columns: Sequence[str], batches: Batches) -> Iterator[bytes]:
    """RFC 4180 CSV with a header row; formula-like text cells are neutralised."""
    rows = itertools.chain.from_iterable(batches)
    return (chunk.encode("utf-8") for chunk in spreadsheet.csv_chunks(columns, rows))


def csv_line_sql(columns: Sequence[tuple[str, bool]]) -> str:
    """A DuckDB expression building one CSV line per row, so formatting runs vectorised in DuckDB
    instead of per cell in Python (Python then only joins one string per row).

    `columns` are (quoted SQL expression, is_text). Text cells get the same formula neutralisation as
    `spreadsheet.neutralise` and RFC 4180 quoting; other types cannot contain a comma, quote or line break.
    """
    parts = []
    for expr, is_text in columns:
        if not is_text:
            parts.append(f"coalesce(CAST({expr} AS VARCHAR), '')")
            continue
        text = f"CAST({expr} AS VARCHAR)"
        prefixes = ", ".join(f"chr({ord(p)})" for p in spreadsheet.FORMULA_PREFIXES)
        safe = f"(CASE WHEN left({text}, 1) IN ({prefixes}) THEN chr(39) || {text} ELSE {text} END)"
        quote = "chr(34)"
        needs_quotes = " OR ".join(f"contains({text}, {ch})" for ch in ("','", quote, "chr(10)", "chr(13)"))
        quoted = f"{quote} || replace({safe}, {quote}, {quote} || {quote}) || {quote}"
        parts.append(f"coalesce(CASE WHEN {needs_quotes} THEN {quoted} ELSE {safe} END, '')")
    return " || ',' || ".join(parts) if parts else "''"


def csv_lines_stream(columns: Sequence[str], batches: Iterable[Sequence[tuple]]) -> Iterator[bytes]:
    """Stream CSV from rows that each hold one line pre-formatted by `csv_line_sql`."""
    yield spreadsheet.csv_text(columns, ()).encode("utf-8")
    for batch in batches:
        if batch:
            yield ("\r\n".join([row[0] for row in batch]) + "\r\n").encode("utf-8")


def xml_text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.time)):
        value = value.isoformat()
    elif isinstance(value, bool):
        value = "true" if value else "false"
    return xml_escape(_XML_INVALID.sub("", str(value)))


def xml_stream(columns: Sequence[str], batches: Batches, *, root: str = "rows") -> Iterator[bytes]:
    """`<rows><row><column>value</column>…</row>…</rows>`; empty cells are left out."""
    tags = [_XML_INVALID.sub("", c) if re.match(r"^[A-Za-z_][\w.-]*$", c) else "field" for c in columns]
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n'.encode()
    for batch in batches:
        out = []
        for row in batch:
            cells = "".join(
                f"<{tag}>{xml_text(value)}</{tag}>" for tag, value in zip(tags, row, strict=True) if value is not None
            )
            out.append(f"<row>{cells}</row>\n")
        yield "".join(out).encode("utf-8")
    yield f"</{root}>\n".encode()


def geojson_stream(
    columns: Sequence[str], batches: Batches, *, lon: str = "_lon", lat: str = "_lat"
) -> Iterator[bytes]:
    """A FeatureCollection; `columns` must include the `lon`/`lat` helper columns (left out of the
    properties). Rows without coordinates become features with a null geometry."""
    names = list(columns)
    lon_i, lat_i = names.index(lon), names.index(lat)
    props = [(i, n) for i, n in enumerate(names) if i not in (lon_i, lat_i)]
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for batch in batches:
        parts = []
        for row in batch:
            x, y = row[lon_i], row[lat_i]
            geometry = {"type": "Point", "coordinates": [x, y]} if x is not None and y is not None else None
            feature = {"type": "Feature", "geometry": geometry, "properties": {n: row[i] for i, n in props}}
            parts.append(_dumps(feature))
        if parts:
            yield (b"" if first else b",") + b",".join(parts)
            first = False
    yield b"]}"


def xlsx_stream(columns: Sequence[str], batches: Batches, *, sheet: str = "data") -> Iterator[bytes]:
    """An XLSX written in constant-memory mode to a temporary file, then streamed.

    Text is never turned into formulas or links, and formula-like text is neutralised as in CSV.
    """
    return spreadsheet.xlsx_chunks(columns, itertools.chain.from_iterable(batches), sheet=sheet)
