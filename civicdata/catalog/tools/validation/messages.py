"""Plain-language wording for JSON Schema errors, written for a data coordinator rather than a developer.

Each jsonschema error becomes a stable finding code plus a sentence that names the field the way
the DCAT-US documentation labels it, says what is wrong and, where useful, shows a correct example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# Labels as the DCAT-US documentation names the fields (the field name itself stays in the report).
FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "description": "Description",
    "keyword": "Tags",
    "modified": "Last Update",
    "publisher": "Publisher",
    "publisher.name": "Publisher Name",
    "contactPoint": "Contact",
    "contactPoint.fn": "Contact Name",
    "contactPoint.hasEmail": "Contact Email",
    "identifier": "Unique Identifier",
    "accessLevel": "Public Access Level",
    "bureauCode": "Bureau Code",
    "programCode": "Program Code",
    "license": "License",
    "rights": "Rights",
    "spatial": "Spatial",
    "temporal": "Temporal",
    "distribution": "Distribution",
    "accrualPeriodicity": "Frequency",
    "conformsTo": "Data Standard",
    "dataQuality": "Data Quality",
    "describedBy": "Data Dictionary",
    "describedByType": "Data Dictionary Type",
    "isPartOf": "Collection",
    "issued": "Release Date",
    "language": "Language",
    "landingPage": "Homepage URL",
    "primaryITInvestmentUII": "Primary IT Investment UII",
    "references": "Related Documents",
    "systemOfRecords": "System of Records",
    "theme": "Category",
    "downloadURL": "Download URL",
    "accessURL": "Access URL",
    "mediaType": "Media Type",
    "format": "Format",
    "dataset": "Dataset list",
    "@type": "JSON-LD type",
    "@context": "JSON-LD context",
    "@id": "Catalog ID",
}

# What a correct value looks like, for fields whose format is given by a pattern.
FORMAT_HINTS: dict[str, str] = {
    "modified": "an ISO 8601 date such as 2024-03-15 or 2024-03-15T09:30:00Z (or a repeating interval such as R/P1W)",
    "issued": "an ISO 8601 date such as 2024-03-15",
    "temporal": "an ISO 8601 interval such as 2020-01-01/2023-12-31",
    "accrualPeriodicity": "“irregular” or an ISO 8601 repeating duration such as R/P1M (monthly) or R/P1Y (yearly)",
    "bureauCode": "an OMB bureau code written like 015:11",
    "programCode": "a Federal Program Inventory code written like 015:001",
    "hasEmail": "an e-mail link written like mailto:open.data@example.gov",
    "mediaType": "a media type such as text/csv or application/json",
    "describedByType": "a media type such as application/pdf or text/csv",
    "language": "a language code such as en-US or es",
    "primaryITInvestmentUII": "an IT investment identifier written like 023-000000001",
}

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "an object (a group of named fields)",
    "boolean": "true or false",
    "null": "empty (null)",
    "number": "a number",
    "integer": "a whole number",
}

_SCHEMA_CODES = {
    "required": "schema.required",
    "type": "schema.type",
    "minLength": "schema.min_length",
    "maxLength": "schema.max_length",
    "minItems": "schema.min_items",
    "uniqueItems": "schema.unique_items",
    "pattern": "schema.pattern",
    "enum": "schema.enum",
    "const": "schema.enum",
    "format": "schema.format",
    "anyOf": "schema.any_of",
    "oneOf": "schema.one_of",
    "dependencies": "schema.dependencies",
    "additionalProperties": "schema.additional_properties",
    "too_deep": "schema.too_deep",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def field_path(path: list[str | int]) -> str:
    """``['distribution', 0, 'mediaType']`` -> ``distribution[0].mediaType``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def label_for(path: list[str | int]) -> str:
    """The documented label of the last named field in ``path`` (with its parent when it helps)."""
    names = [p for p in path if isinstance(p, str)]
    if not names:
        return "This entry"
    if len(names) >= 2 and f"{names[-2]}.{names[-1]}" in FIELD_LABELS:
        return FIELD_LABELS[f"{names[-2]}.{names[-1]}"]
    return FIELD_LABELS.get(names[-1], names[-1])


def _shown(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _intended_branch(error: ValidationError) -> list[ValidationError] | None:
    """For anyOf/oneOf, the errors of the branch the author meant: the one the value's type fits.

    A branch is ruled out when it failed on the value's own type or enumeration (it describes a
    different kind of value); if exactly one branch remains, its errors are the real problems.
    """
    if not error.context:
        return None
    by_branch: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    plausible = [
        errs
        for errs in by_branch.values()
        if not any(e.validator in ("type", "enum", "const") and not e.relative_path for e in errs)
    ]
    if len(plausible) != 1:
        return None
    return plausible[0]


def expand(error: ValidationError) -> list[ValidationError]:
    """Replace an anyOf/oneOf error by the precise errors of the intended branch, recursively."""
    if error.validator in ("anyOf", "oneOf"):
        branch = _intended_branch(error)
        if branch:
            return [leaf for sub in branch for leaf in expand(sub)]
    return [error]


def _allowed_types(error: ValidationError) -> list[str]:
    kinds: list[str] = []
    for branch in error.validator_value if isinstance(error.validator_value, list) else []:
        if isinstance(branch, dict):
            t = branch.get("type")
            if isinstance(t, str) and t not in kinds:
                kinds.append(t)
            elif "enum" in branch:
                kinds.append("one of " + ", ".join(repr(v) for v in branch["enum"]))
    return kinds


def describe(error: ValidationError, path: list[str | int]) -> tuple[str, str, list[str | int]]:
    """Return (code, message, field path) for one jsonschema error found at ``path`` in a dataset."""
    validator = str(error.validator)
    label = label_for(path)
    from_dependency = "dependencies" in list(error.schema_path) or validator == "dependencies"
    has_download = isinstance(error.instance, dict) and "downloadURL" in error.instance
    if from_dependency and path and has_download and validator in ("required", "dependencies"):
        where = f"Distribution {path[-1] + 1 if isinstance(path[-1], int) else ''}".strip()
        return (
            "distribution.download_url_without_media_type",
            (
                f"{where} has a Download URL but no Media Type (mediaType). Add the file's media type, "
                "for example text/csv, so people know what they will download."
            ),
            [*path, "mediaType"],
        )
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        missing_path = [*path, missing]
        return (
            "schema.required",
            f"“{label_for(missing_path)}” ({missing}) is required but missing.",
            missing_path,
        )
    code = _SCHEMA_CODES.get(validator, "schema.other")
    value = error.instance
    if validator in ("anyOf", "oneOf"):
        names = [p for p in path if isinstance(p, str)]
        hint = FORMAT_HINTS.get(names[-1]) if names else None
        kinds = _allowed_types(error)
        if hint and isinstance(value, str) and "string" in kinds:
            # Several text formats are allowed (e.g. date, duration, interval) and none matched.
            return "schema.pattern", f"“{label}” must be {hint}; “{_shown(value)}” is not.", path
        if _json_type(value) in kinds:
            return code, f"“{label}” (“{_shown(value)}”) matches none of the forms the standard allows.", path
        allowed = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds) if kinds else "one of the allowed forms"
        return (
            code,
            f"“{label}” must be {allowed}, but it is {_TYPE_WORDS.get(_json_type(value), _json_type(value))}.",
            path,
        )
    if validator == "type":
        expected = error.validator_value
        expected_list = expected if isinstance(expected, list) else [expected]
        want = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected_list)
        got = _TYPE_WORDS.get(_json_type(value), _json_type(value))
        return code, f"“{label}” must be {want}, but it is {got}.", path
    if validator == "minLength":
        return code, f"“{label}” is empty: write a value or remove the field if it is optional.", path
    if validator == "maxLength":
        return code, f"“{label}” is too long: at most {error.validator_value} characters are allowed.", path
    if validator == "minItems":
        n = error.validator_value
        return code, f"“{label}” must list at least {n} value{'s' if n != 1 else ''}.", path
    if validator == "uniqueItems":
        return code, f"“{label}” lists the same value more than once.", path
    if validator == "pattern":
        names = [p for p in path if isinstance(p, str)]
        hint = FORMAT_HINTS.get(names[-1]) if names else None
        if hint:
            return code, f"“{label}” must be {hint}; “{_shown(value)}” is not.", path
        return code, f"“{label}” does not have the required format (“{_shown(value)}”).", path
    if validator in ("enum", "const"):
        allowed_values = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        choices = ", ".join(f"“{v}”" for v in allowed_values)
        return code, f"“{label}” must be {choices}; it is “{_shown(value)}”.", path
    if validator == "format":
        return code, f"“{label}” is not a valid {error.validator_value}: “{_shown(value)}”.", path
    if validator == "too_deep":
        return code, "This dataset is nested so deeply that it cannot be checked; it is probably broken.", path
    if validator == "additionalProperties":
        return code, f"{label} contains a field the standard does not allow here ({error.message}).", path
    return code, f"“{label}”: {error.message}", path
