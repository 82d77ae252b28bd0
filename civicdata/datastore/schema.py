"""Frictionless Table Schema for a loaded table: generate it from the ingest, apply staff edits, and
turn staff-chosen types back into ingest overrides."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from typing import Any

from .ingest.infer import MISSING_VALUES, point_expressions, quote_ident
from .ingest.load import IngestResult

TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "geopoint")
CONSTRAINT_KEYS = ("required", "unique", "minimum", "maximum", "minLength", "maxLength", "pattern", "enum")


class SchemaError(ValueError):
    """Staff edits that do not make a valid schema; `problems` lists one sentence per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def build_schema(result: IngestResult) -> dict[str, Any]:
    """The Table Schema describing what the ingest loaded (types as inferred or chosen)."""
    fields = []
    for f in result.fields:
        entry: dict[str, Any] = {"name": f.name, "title": f.title, "type": f.type, "format": f.format}
        if f.name in result.demoted_columns:
            # Say why a column that looked typed is text, so staff can fix the source or the type.
            entry["description"] = "Kept as text: later rows hold values that do not fit the sampled type."
        entry["constraints"] = {}
        if f.type != "string":
            # Only typed columns read "null", "N/A"... as missing; text columns keep them as text.
            entry["missingValues"] = list(MISSING_VALUES)
        fields.append(entry)
    schema: dict[str, Any] = {
        "fields": fields,
        "missingValues": [""],
    }
    if result.geo:
        schema["x-geo"] = {"latitude": result.geo[0], "longitude": result.geo[1]}
    return schema


def field_map(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in schema.get("fields", [])}


def point_source(schema: dict[str, Any]) -> dict[str, str] | None:
    """How to locate a row on a map: lat/lon columns, else the first geopoint column."""
    geo = schema.get("x-geo")
    if geo and geo.get("latitude") and geo.get("longitude"):
        return {"latitude": geo["latitude"], "longitude": geo["longitude"]}
    for f in schema.get("fields", []):
        if f.get("type") == "geopoint":
            return {"point": f["name"], "format": f.get("format", "wkt")}
    return None


def point_sql(schema: dict[str, Any]) -> tuple[str, str] | None:
    """SQL expressions for (longitude, latitude) of a row, or None when the table has no points."""
    source = point_source(schema)
    if source is None:
        return None
    if "latitude" in source:
        return quote_ident(source["longitude"]), quote_ident(source["latitude"])
    return point_expressions(source.get("format", "wkt"), source["point"])


def _check_constraints(name: str, ftype: str, constraints: dict[str, Any]) -> list[str]:
    problems = []
    for key, value in constraints.items():
        if key not in CONSTRAINT_KEYS:
            problems.append(f"{name}: unknown constraint {key!r} (use {', '.join(CONSTRAINT_KEYS)})")
        elif key in ("required", "unique") and not isinstance(value, bool):
            problems.append(f"{name}: {key} must be true or false")
        elif key in ("minLength", "maxLength") and (not isinstance(value, int) or value < 0):
            problems.append(f"{name}: {key} must be a whole number ≥ 0")
        elif key in ("minimum", "maximum") and ftype in ("integer", "number"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                problems.append(f"{name}: {key} must be a number")
        elif key == "pattern":
            try:
                re.compile(str(value))
            except re.error as exc:
                problems.append(f"{name}: pattern is not a valid regular expression ({exc})")
        elif key == "enum" and not isinstance(value, list):
            problems.append(f"{name}: enum must be a list of allowed values")
    return problems


def apply_edits(schema: dict[str, Any], edits: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Return a new schema with staff edits applied and the names whose type changed.

    `edits` maps a field name to any of title, description, type, format, constraints. A type change
    needs a reload of the data (the caller re-runs the ingest with `overrides_from_schema`).
    """
    new = copy.deepcopy(schema)
    fields = field_map(new)
    problems, retyped = [], []
    for name, change in edits.items():
        target = fields.get(name)
        if target is None:
            problems.append(f"{name}: no such column (columns: {', '.join(fields)})")
            continue
        if "title" in change:
            title = " ".join(str(change["title"]).split())
            if not title:
                problems.append(f"{name}: the title cannot be blank")
            target["title"] = title or target["title"]
        if "description" in change:
            target["description"] = str(change["description"]).strip()
        if "type" in change and change["type"] != target["type"]:
            if change["type"] not in TYPES:
                problems.append(f"{name}: type must be one of {', '.join(TYPES)}")
            else:
                target["type"] = change["type"]
                target["format"] = change.get("format") or "default"
                retyped.append(name)
        elif change.get("format"):
            if change["format"] != target.get("format"):
                retyped.append(name)
            target["format"] = change["format"]
        if "constraints" in change:
            constraints = {k: v for k, v in (change["constraints"] or {}).items() if v not in (None, "")}
            problems.extend(_check_constraints(name, target["type"], constraints))
            target["constraints"] = constraints
    if problems:
        raise SchemaError(problems)
    return new, retyped


def overrides_from_schema(schema: dict[str, Any], names: Collection[str] | None = None) -> dict[str, dict[str, str]]:
    """Ingest overrides that pin the schema's types (all fields, or only `names`)."""
    return {
        f["name"]: {"type": f["type"], "format": f.get("format", "default")}
        for f in schema.get("fields", [])
        if names is None or f["name"] in names
    }
