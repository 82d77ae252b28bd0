"""Infer each column's type from a sample of its text values, and say how DuckDB should cast it.

Types use the Frictionless Table Schema names (integer, number, boolean, date, datetime, string,
geopoint); `format` carries the parse pattern (`%m/%d/%Y`), `epoch_ms`/`epoch_s`, or for geopoints
`wkt` / `lat-lon`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

MISSING_VALUES = ("", "NULL", "null", "N/A", "n/a", "#N/A")

TRUE_WORDS = frozenset({"true", "t", "yes", "y"})
FALSE_WORDS = frozenset({"false", "f", "no", "n"})

_INT_RE = re.compile(r"^[+-]?(0|[1-9]\d{0,17})$")
# Leading zeros (ZIP codes, parcel ids) keep a value textual so they are not lost.
_NUM_RE = re.compile(r"^[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_WKT_POINT_RE = re.compile(r"^POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)$", re.I)
_LATLON_RE = re.compile(r"^\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$")
_ISO_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_TZ_RE = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d.%m.%Y")
DATETIME_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
)
_TIME_HINT = re.compile(r"(date|time|_dt$|^dt_|created|updated|entered|issued|modified|_at$|_on$)")
LAT_NAMES = frozenset({"lat", "latitude", "y_lat", "lat_y", "point_y"})
LON_NAMES = frozenset({"lon", "long", "lng", "longitude", "x_lon", "lon_x", "point_x"})

#: epoch milliseconds between 2001-09-09 and 2099-12-31
EPOCH_MS_RANGE = (1_000_000_000_000, 4_102_444_800_000)
#: epoch seconds between 1990 and 2099 (used only when the header says it is a time)
EPOCH_S_RANGE = (631_152_000, 4_102_444_800)


@dataclass
class Inferred:
    type: str
    format: str = "default"
    duck_type: str = "VARCHAR"
    #: share of non-missing sample values
    filled: float = 0.0


def _all(values: Sequence[str], test) -> bool:
    return all(test(v) for v in values)


def _parses(values: Sequence[str], fmt: str) -> bool:
    try:
        for value in values:
            dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - only checks the shape of the text
    except ValueError:
        return False
    return True


def infer_column(name: str, values: Sequence[str]) -> Inferred:
    """Infer a type from one column's sample values (missing values already removed)."""
    present = [v.strip() for v in values if v is not None and v.strip() not in MISSING_VALUES]
    if not present:
        return Inferred("string")
    hinted_time = bool(_TIME_HINT.search(name))
    if _all(present, _INT_RE.match):
        numbers = [int(v) for v in present]
        low, high = min(numbers), max(numbers)
        if EPOCH_MS_RANGE[0] <= low and high <= EPOCH_MS_RANGE[1]:
            return Inferred("datetime", "epoch_ms", "TIMESTAMP")
        if hinted_time and EPOCH_S_RANGE[0] <= low and high <= EPOCH_S_RANGE[1]:
            return Inferred("datetime", "epoch_s", "TIMESTAMP")
        return Inferred("integer", "default", "BIGINT")
    lowered = {v.lower() for v in present}
    if lowered <= TRUE_WORDS | FALSE_WORDS:
        return Inferred("boolean", "default", "BOOLEAN")
    if _all(present, _NUM_RE.match):
        return Inferred("number", "default", "DOUBLE")
    if _all(present, _WKT_POINT_RE.match):
        return Inferred("geopoint", "wkt", "VARCHAR")
    if _all(present, _LATLON_RE.match):
        return Inferred("geopoint", "lat-lon", "VARCHAR")
    if _all(present, _ISO_DT_RE.match):
        with_tz = sum(1 for v in present if _TZ_RE.search(v))
        if with_tz == len(present):
            return Inferred("datetime", "iso-tz", "TIMESTAMPTZ")
        if with_tz == 0:
            return Inferred("datetime", "default", "TIMESTAMP")
        return Inferred("string")
    for fmt in DATE_FORMATS:
        if _parses(present, fmt):
            return Inferred("date", "default" if fmt == "%Y-%m-%d" else fmt, "DATE")
    for fmt in DATETIME_FORMATS:
        if _parses(present, fmt):
            return Inferred("datetime", fmt, "TIMESTAMP")
    return Inferred("string")


def infer_columns(names: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Inferred]:
    """Infer every column of a sample (rows shorter than the header count as missing cells)."""
    result = []
    for index, name in enumerate(names):
        values = [row[index] if index < len(row) else "" for row in rows]
        inferred = infer_column(name, values)
        present = sum(1 for v in values if v.strip() not in MISSING_VALUES)
        inferred.filled = present / len(values) if values else 0.0
        result.append(inferred)
    return result


def find_lat_lon(names: Sequence[str], types: Sequence[Inferred]) -> tuple[str, str] | None:
    """The (latitude, longitude) column pair, when the table has numeric columns named like one."""
    lat = lon = None
    for name, inferred in zip(names, types, strict=True):
        if inferred.type not in ("number", "integer"):
            continue
        if name in LAT_NAMES and lat is None:
            lat = name
        elif name in LON_NAMES and lon is None:
            lon = name
    return (lat, lon) if lat and lon else None


# -- DuckDB cast expressions -----------------------------------------------------------------


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def cast_expression(source: str, field_type: str, fmt: str) -> tuple[str, str]:
    """SQL turning the VARCHAR expression `source` into the typed value, and its DuckDB type.

    Every expression yields NULL on bad input (TRY_ forms) so that the load can count failures
    instead of aborting on the first one.
    """
    trimmed = f"trim({source})"
    if field_type == "integer":
        return f"TRY_CAST({trimmed} AS BIGINT)", "BIGINT"
    if field_type == "number":
        return f"TRY_CAST({trimmed} AS DOUBLE)", "DOUBLE"
    if field_type == "boolean":
        trues = ", ".join(_sql_str(w) for w in sorted(TRUE_WORDS | {"1"}))
        falses = ", ".join(_sql_str(w) for w in sorted(FALSE_WORDS | {"0"}))
        return (
            (f"CASE WHEN lower({trimmed}) IN ({trues}) THEN TRUE WHEN lower({trimmed}) IN ({falses}) THEN FALSE END"),
            "BOOLEAN",
        )
    if field_type == "date":
        if fmt in ("default", "any", ""):
            return f"TRY_CAST({trimmed} AS DATE)", "DATE"
        return f"CAST(TRY_STRPTIME({trimmed}, {_sql_str(fmt)}) AS DATE)", "DATE"
    if field_type == "datetime":
        if fmt == "epoch_ms":
            return f"epoch_ms(TRY_CAST({trimmed} AS BIGINT))", "TIMESTAMP"
        if fmt == "epoch_s":
            return f"make_timestamp(TRY_CAST({trimmed} AS BIGINT) * 1000000)", "TIMESTAMP"
        if fmt == "iso-tz":
            return f"TRY_CAST({trimmed} AS TIMESTAMPTZ)", "TIMESTAMPTZ"
        if fmt in ("default", "any", ""):
            return f"TRY_CAST({trimmed} AS TIMESTAMP)", "TIMESTAMP"
        return f"TRY_STRPTIME({trimmed}, {_sql_str(fmt)})", "TIMESTAMP"
    if field_type == "geopoint":
        pattern = _WKT_POINT_RE.pattern if fmt == "wkt" else _LATLON_RE.pattern
        flags = "'i'" if fmt == "wkt" else "''"
        return (
            f"CASE WHEN regexp_full_match({trimmed}, {_sql_str(pattern.strip('^$'))}, {flags}) THEN {trimmed} END",
            "VARCHAR",
        )
    return source, "VARCHAR"


def point_expressions(field_type_format: str, column: str) -> tuple[str, str]:
    """SQL for (longitude, latitude) DOUBLEs extracted from a geopoint text column."""
    col = quote_ident(column)
    if field_type_format == "wkt":
        pattern = _sql_str(r"(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)")
        return (
            f"TRY_CAST(regexp_extract({col}, {pattern}, 1) AS DOUBLE)",
            f"TRY_CAST(regexp_extract({col}, {pattern}, 2) AS DOUBLE)",
        )
    pattern = _sql_str(r"(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)")
    return (
        f"TRY_CAST(regexp_extract({col}, {pattern}, 2) AS DOUBLE)",
        f"TRY_CAST(regexp_extract({col}, {pattern}, 1) AS DOUBLE)",
    )
