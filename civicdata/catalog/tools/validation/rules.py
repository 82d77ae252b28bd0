"""Checks beyond the JSON Schema: things a schema cannot express but that break harvesting or mislead users.

All findings here are warnings (see the severity rule in ``report.py``).  They run on every
dataset, so each check is a few dictionary lookups; date parsing happens only for string values.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson

from civicdata.catalog.ingest.reading import REDACTION_MARK

from . import iso8601
from .profiles import ProfileSpec, load_codes
from .report import Finding, Severity

REDACTED_MARK = REDACTION_MARK.decode()
_DATASET_LINK_FIELDS = ("landingPage", "describedBy", "conformsTo", "license")
_DISTRIBUTION_LINK_FIELDS = ("downloadURL", "accessURL", "describedBy", "conformsTo")
# (field, code list, what the list is, finding code)
_FEDERAL_CODE_FIELDS = (
    ("bureauCode", "bureau", "OMB bureau code list (Circular A-11, Appendix C)", "bureau_code.unknown"),
    ("programCode", "program", "Federal Program Inventory", "program_code.unknown"),
)
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
    may_be_redacted: bool = True  # False only when no text in the catalog starts with the redaction mark


def build_context(
    datasets: list[Any], spec: ProfileSpec, now: dt.datetime, *, may_be_redacted: bool | None = None
) -> CatalogContext:
    """One pass over the datasets to index identifiers (for duplicates and isPartOf).

    ``may_be_redacted=False`` says the caller already knows no text starts with the redaction mark
    (``ReadResult.redaction_free``, found in the bytes); None looks through the datasets."""
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
        may_be_redacted=_may_be_redacted(datasets) if may_be_redacted is None else may_be_redacted,
    )


def _may_be_redacted(datasets: list[Any]) -> bool:
    """False when no text value anywhere in the datasets starts with the redaction mark.

    One search of the serialised datasets (a few hundredths of a second for 20,000) spares the
    per-dataset scan of every value, which most catalogs, having no redaction at all, never need.
    """
    try:
        blob = orjson.dumps(datasets)
    except TypeError:  # not JSON data (say, a tuple or a huge integer): scan dataset by dataset
        return True
    return b'"' + REDACTED_MARK.encode() in blob


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
) -> list[Finding]:
    """The beyond-schema warnings of one dataset, in a fixed order.

    ``schema_error_pointers`` are places the schema already flagged; those are not reported twice.
    The hot path of the validator (it runs on every dataset): each check is a few dictionary lookups
    and nothing is built for a field that is absent or fine.
    """
    found: list[Finding] = []
    if not isinstance(ds, dict):
        return found
    add = found.append
    warning = Severity.WARNING
    get = ds.get

    # identifiers and collections
    if identifier is not None:
        first = ctx.first_index_by_identifier.get(identifier)
        if first is not None and first != index:
            add(
                Finding(
                    "identifier.duplicate",
                    warning,
                    f"Another dataset (number {first + 1}) already uses the identifier “{identifier}”. "
                    "Identifiers must be unique, or harvesters will overwrite one dataset with the other.",
                    prefix + "/identifier",
                    "identifier",
                    index,
                    identifier,
                    title,
                )
            )
    part_of = get("isPartOf")
    if isinstance(part_of, str):
        if not part_of:
            pass
        elif identifier is not None and part_of == identifier:
            add(
                Finding(
                    "ispartof.self",
                    warning,
                    "This dataset names itself as its own collection (isPartOf).",
                    prefix + "/isPartOf",
                    "isPartOf",
                    index,
                    identifier,
                    title,
                )
            )
        elif part_of not in ctx.identifiers:
            add(
                Finding(
                    "ispartof.unknown",
                    warning,
                    f"Collection (isPartOf) is “{part_of}”, but no dataset in this catalog has that identifier. "
                    "isPartOf must be the identifier of the parent dataset.",
                    prefix + "/isPartOf",
                    "isPartOf",
                    index,
                    identifier,
                    title,
                )
            )

    # federal code lists
    if ctx.spec.federal:
        for key, codes, what, code_name in _FEDERAL_CODE_FIELDS:
            values = get(key)
            if isinstance(values, list):
                known = ctx.bureau_codes if codes == "bureau" else ctx.program_codes
                for k, code in enumerate(values):
                    if code in known or type(code) is not str or code.startswith(REDACTED_MARK):
                        continue
                    pointer = f"{prefix}/{key}/{k}"
                    if pointer not in schema_error_pointers:
                        add(
                            Finding(
                                code_name,
                                warning,
                                f"“{code}” is not in the {what}. Check the code with your agency's budget office.",
                                pointer,
                                f"{key}[{k}]",
                                index,
                                identifier,
                                title,
                            )
                        )

    # redaction needs an explanation (skipped when the catalog holds no redaction mark at all)
    if ctx.may_be_redacted:
        rights = get("rights")
        if not (isinstance(rights, str) and rights.strip()):
            mark = REDACTED_MARK
            redacted = [k for k, v in ds.items() if type(v) is str and v.startswith(mark)]
            dists = get("distribution")
            if type(dists) is list:
                redacted += [
                    f"distribution[{j}].{k}"
                    for j, dist in enumerate(dists)
                    if type(dist) is dict
                    for k, v in dist.items()
                    if type(v) is str and v.startswith(mark)
                ]
            if redacted:
                add(
                    Finding(
                        "redacted.no_rights",
                        warning,
                        f"{', '.join(redacted[:5])} {'is' if len(redacted) == 1 else 'are'} redacted, but Rights "
                        "(rights) does not explain why. Say what was withheld and on what grounds.",
                        prefix + "/rights",
                        "rights",
                        index,
                        identifier,
                        title,
                    )
                )

    # dates
    for key in ("modified", "issued"):
        value = get(key)
        if type(value) is not str:
            continue
        problem, earliest = _date_verdict(value)
        if problem:
            pointer = f"{prefix}/{key}"
            if pointer not in schema_error_pointers:
                add(
                    Finding(
                        "date.malformed",
                        warning,
                        f"“{key}” is not a real ISO 8601 date: {problem}.",
                        pointer,
                        key,
                        index,
                        identifier,
                        title,
                    )
                )
        elif key == "modified" and earliest is not None and earliest > ctx.future_limit:
            add(
                Finding(
                    "modified.future",
                    warning,
                    f"Last Update (modified) is {value}, which is in the future. Use the date the data last changed.",
                    f"{prefix}/{key}",
                    key,
                    index,
                    identifier,
                    title,
                )
            )
    temporal = get("temporal")
    if type(temporal) is str:
        problem = _interval_verdict(temporal)
        if problem and f"{prefix}/temporal" not in schema_error_pointers:
            code = "temporal.reversed" if "ends before" in problem else "date.malformed"
            add(
                Finding(
                    code,
                    warning,
                    f"Temporal (temporal): {problem}.",
                    prefix + "/temporal",
                    "temporal",
                    index,
                    identifier,
                    title,
                )
            )
    periodicity = get("accrualPeriodicity")
    if type(periodicity) is str:
        problem = _periodicity_verdict(periodicity)
        if problem and f"{prefix}/accrualPeriodicity" not in schema_error_pointers:
            add(
                Finding(
                    "date.malformed",
                    warning,
                    f"Frequency (accrualPeriodicity): {problem}.",
                    prefix + "/accrualPeriodicity",
                    "accrualPeriodicity",
                    index,
                    identifier,
                    title,
                )
            )

    # links
    for key in _DATASET_LINK_FIELDS:
        value = get(key)
        # Inline fast exit: most links are https and need no function call.
        if type(value) is str and not value.startswith("https://"):
            problem = _link_problem(value)
            if problem:
                add(_link_warning(problem, key, f"{prefix}/{key}", value, index, identifier, title))
    references = get("references")
    if isinstance(references, list):
        for k, ref in enumerate(references):
            if type(ref) is str and ref.startswith("https://"):
                continue
            problem = _link_problem(ref)
            if problem:
                add(
                    _link_warning(
                        problem, f"references[{k}]", f"{prefix}/references/{k}", ref, index, identifier, title
                    )
                )
    distributions = get("distribution")
    if isinstance(distributions, list):
        schema_enforces_media_type = ctx.schema_enforces_media_type
        non_public = get("accessLevel") == "non-public"
        for j, dist in enumerate(distributions):
            if not isinstance(dist, dict):
                continue
            dget = dist.get
            for key in _DISTRIBUTION_LINK_FIELDS:
                value = dget(key)
                if type(value) is str and not value.startswith("https://"):
                    problem = _link_problem(value)
                    if problem:
                        add(
                            _link_warning(
                                problem,
                                f"distribution[{j}].{key}",
                                f"{prefix}/distribution/{j}/{key}",
                                value,
                                index,
                                identifier,
                                title,
                            )
                        )
            if not schema_enforces_media_type and "downloadURL" in dist and not dget("mediaType"):
                add(
                    Finding(
                        "distribution.download_url_without_media_type",
                        warning,
                        f"Distribution {j + 1} has a Download URL but no Media Type (mediaType), e.g. text/csv.",
                        f"{prefix}/distribution/{j}/mediaType",
                        f"distribution[{j}].mediaType",
                        index,
                        identifier,
                        title,
                    )
                )
            if non_public and dget("downloadURL") and not _is_redacted(dget("downloadURL")):
                add(
                    Finding(
                        "access_level.non_public_with_download",
                        warning,
                        f"This dataset is non-public, yet distribution {j + 1} gives a Download URL. "
                        "Remove or redact it before the inventory is published.",
                        f"{prefix}/distribution/{j}/downloadURL",
                        f"distribution[{j}].downloadURL",
                        index,
                        identifier,
                        title,
                    )
                )
    return found


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


def _link_warning(
    problem: str, field: str, pointer: str, value: str, index: int, identifier: str | None, title: str | None
) -> Finding:
    if problem == "link.not_https":
        message = f"{field} uses http:// ({value[:80]}). Prefer an https:// link."
    else:
        message = f"{field} is not a full web address (“{str(value)[:80]}”)."
    return Finding(problem, Severity.WARNING, message, pointer, field, index, identifier, title)
