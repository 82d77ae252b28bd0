"""Checks beyond the JSON Schema: things a schema cannot express but that break harvesting or mislead users.

All findings here are warnings (see the severity rule in ``report.py``).  They run on every
dataset, so each check is a few dictionary lookups; date parsing happens only for string values.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import iso8601
from .profiles import ProfileSpec, load_codes
from .report import Finding, Severity

REDACTED_MARK = "[[REDACTED"
_DATASET_LINK_FIELDS = ("landingPage", "describedBy", "conformsTo", "license")
_DISTRIBUTION_LINK_FIELDS = ("downloadURL", "accessURL", "describedBy", "conformsTo")
# A day of slack: publishers in time zones ahead of the server are not "in the future".
_FUTURE_SLACK = dt.timedelta(days=1)


@dataclass(slots=True)
class CatalogContext:
    """Facts about the whole catalog that single-dataset checks need."""

    first_index_by_identifier: dict[str, int]
    identifiers: frozenset[str]
    future_limit: dt.datetime  # "now" plus a day of slack for time zones
    spec: ProfileSpec
    bureau_codes: Mapping[str, Any]
    program_codes: Mapping[str, Any]
    schema_enforces_media_type: bool  # v1.1 schemas require mediaType with downloadURL themselves


def build_context(datasets: list[Any], spec: ProfileSpec, now: dt.datetime) -> CatalogContext:
    """One pass over the datasets to index identifiers (for duplicates and isPartOf)."""
    first: dict[str, int] = {}
    for i, ds in enumerate(datasets):
        ident = ds.get("identifier") if isinstance(ds, dict) else None
        if isinstance(ident, str) and ident not in first:
            first[ident] = i
    return CatalogContext(
        first_index_by_identifier=first,
        identifiers=frozenset(first),
        future_limit=now + _FUTURE_SLACK,
        spec=spec,
        bureau_codes=load_codes("bureau") if spec.federal else {},
        program_codes=load_codes("program") if spec.federal else {},
        schema_enforces_media_type=spec.folder in ("pod-v1.1", "federal-v1.1-edi", "non-federal-v1.1"),
    )


def _is_redacted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(REDACTED_MARK)


def _link_problem(value: Any) -> str | None:
    # Ordered by frequency in real catalogs: most links are https, many http, few anything else.
    if type(value) is not str or value.startswith("https://"):
        return None
    if value.startswith("http://"):
        return "link.not_https"
    if value.startswith(REDACTED_MARK):
        return None
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.scheme in ("mailto", "urn")):
        return "link.malformed"
    return None


def dataset_warnings(
    ds: Any,
    index: int,
    ctx: CatalogContext,
    *,
    prefix: str,
    identifier: str | None,
    title: str | None,
    schema_error_pointers: frozenset[str] = frozenset(),
) -> Iterator[Finding]:
    """Yield the beyond-schema warnings of one dataset.

    ``schema_error_pointers`` are places the schema already flagged; those are not reported twice.
    """
    if not isinstance(ds, dict):
        return

    def warn(code: str, message: str, field: str) -> Finding:
        pointer = prefix + "/" + field.replace("[", "/").replace("]", "").replace(".", "/") if field else prefix
        return Finding(code, Severity.WARNING, message, pointer, field, index, identifier, title)

    # identifiers and collections
    if identifier is not None:
        first = ctx.first_index_by_identifier.get(identifier)
        if first is not None and first != index:
            yield warn(
                "identifier.duplicate",
                f"Another dataset (number {first + 1}) already uses the identifier “{identifier}”. "
                "Identifiers must be unique, or harvesters will overwrite one dataset with the other.",
                "identifier",
            )
    part_of = ds.get("isPartOf")
    if isinstance(part_of, str) and part_of:
        if identifier is not None and part_of == identifier:
            yield warn("ispartof.self", "This dataset names itself as its own collection (isPartOf).", "isPartOf")
        elif part_of not in ctx.identifiers:
            yield warn(
                "ispartof.unknown",
                f"Collection (isPartOf) is “{part_of}”, but no dataset in this catalog has that identifier. "
                "isPartOf must be the identifier of the parent dataset.",
                "isPartOf",
            )

    # federal code lists
    if ctx.spec.federal:
        for key, codes, what in (
            ("bureauCode", ctx.bureau_codes, "OMB bureau code list (Circular A-11, Appendix C)"),
            ("programCode", ctx.program_codes, "Federal Program Inventory"),
        ):
            values = ds.get(key)
            if isinstance(values, list):
                for k, code in enumerate(values):
                    if code in codes or type(code) is not str or code.startswith(REDACTED_MARK):
                        continue
                    if f"{prefix}/{key}/{k}" not in schema_error_pointers:
                        yield warn(
                            "bureau_code.unknown" if key == "bureauCode" else "program_code.unknown",
                            f"“{code}” is not in the {what}. Check the code with your agency's budget office.",
                            f"{key}[{k}]",
                        )

    # redaction needs an explanation
    rights = ds.get("rights")
    if not (isinstance(rights, str) and rights.strip()):
        mark = REDACTED_MARK
        redacted = [k for k, v in ds.items() if type(v) is str and v.startswith(mark)]
        dists = ds.get("distribution")
        if type(dists) is list:
            redacted += [
                f"distribution[{j}].{k}"
                for j, dist in enumerate(dists)
                if type(dist) is dict
                for k, v in dist.items()
                if type(v) is str and v.startswith(mark)
            ]
        if redacted:
            yield warn(
                "redacted.no_rights",
                f"{', '.join(redacted[:5])} {'is' if len(redacted) == 1 else 'are'} redacted, but Rights (rights) "
                "does not explain why. Say what was withheld and on what grounds.",
                "rights",
            )

    # dates
    for key in ("modified", "issued"):
        value = ds.get(key)
        if type(value) is not str:
            continue
        problem, earliest = _date_verdict(value)
        if problem:
            if f"{prefix}/{key}" not in schema_error_pointers:
                yield warn("date.malformed", f"“{key}” is not a real ISO 8601 date: {problem}.", key)
        elif key == "modified" and earliest is not None and earliest > ctx.future_limit:
            yield warn(
                "modified.future",
                f"Last Update (modified) is {value}, which is in the future. Use the date the data last changed.",
                key,
            )
    temporal = ds.get("temporal")
    if type(temporal) is str:
        problem = _interval_verdict(temporal)
        if problem and f"{prefix}/temporal" not in schema_error_pointers:
            code = "temporal.reversed" if "ends before" in problem else "date.malformed"
            yield warn(code, f"Temporal (temporal): {problem}.", "temporal")
    periodicity = ds.get("accrualPeriodicity")
    if type(periodicity) is str:
        problem = _periodicity_verdict(periodicity)
        if problem and f"{prefix}/accrualPeriodicity" not in schema_error_pointers:
            yield warn("date.malformed", f"Frequency (accrualPeriodicity): {problem}.", "accrualPeriodicity")

    # links
    for key in _DATASET_LINK_FIELDS:
        value = ds.get(key)
        # Inline fast exit: most links are https and need no function call.
        if type(value) is str and not value.startswith("https://"):
            problem = _link_problem(value)
            if problem:
                yield _link_warning(warn, problem, key, value)
    references = ds.get("references")
    if isinstance(references, list):
        for k, ref in enumerate(references):
            problem = _link_problem(ref)
            if problem:
                yield _link_warning(warn, problem, f"references[{k}]", ref)
    distributions = ds.get("distribution")
    if isinstance(distributions, list):
        schema_enforces_media_type = ctx.schema_enforces_media_type
        non_public = ds.get("accessLevel") == "non-public"
        for j, dist in enumerate(distributions):
            if not isinstance(dist, dict):
                continue
            for key in _DISTRIBUTION_LINK_FIELDS:
                value = dist.get(key)
                if type(value) is str and not value.startswith("https://"):
                    problem = _link_problem(value)
                    if problem:
                        yield _link_warning(warn, problem, f"distribution[{j}].{key}", value)
            if "downloadURL" in dist and not dist.get("mediaType") and not schema_enforces_media_type:
                yield warn(
                    "distribution.download_url_without_media_type",
                    f"Distribution {j + 1} has a Download URL but no Media Type (mediaType), e.g. text/csv.",
                    f"distribution[{j}].mediaType",
                )
            if non_public and dist.get("downloadURL") and not _is_redacted(dist.get("downloadURL")):
                yield warn(
                    "access_level.non_public_with_download",
                    f"This dataset is non-public, yet distribution {j + 1} gives a Download URL. "
                    "Remove or redact it before the inventory is published.",
                    f"distribution[{j}].downloadURL",
                )


# Catalogs repeat the same dates and frequencies thousands of times: parse each text once.
@functools.lru_cache(maxsize=65536)
def _date_verdict(value: str) -> tuple[str | None, dt.datetime | None]:
    if value.startswith(REDACTED_MARK):
        return None, None
    try:
        iso8601.check_date_or_duration(value)
    except iso8601.ISO8601Error as exc:
        return str(exc), None
    if value.startswith(("R", "P")) or "/" in value:
        return None, None
    return None, iso8601.parse_moment(value).earliest


@functools.lru_cache(maxsize=65536)
def _interval_verdict(value: str) -> str | None:
    if value.startswith(REDACTED_MARK):
        return None
    try:
        iso8601.check_interval(value)
    except iso8601.ISO8601Error as exc:
        return str(exc)
    return None


@functools.lru_cache(maxsize=1024)
def _periodicity_verdict(value: str) -> str | None:
    if value.startswith(REDACTED_MARK):
        return None
    try:
        iso8601.check_accrual_periodicity(value)
    except iso8601.ISO8601Error as exc:
        return str(exc)
    return None


def _link_warning(warn: Any, problem: str, field: str, value: str) -> Finding:
    if problem == "link.not_https":
        return warn(problem, f"{field} uses http:// ({value[:80]}). Prefer an https:// link.", field)
    return warn(problem, f"{field} is not a full web address (“{str(value)[:80]}”).", field)
