"""The validator: schema verdicts with compiled checks, full error lists only where something failed.

Fast path: every dataset goes through jsonschema-rs (one compile per profile per process). Only a
dataset that fails is looked at again with Python jsonschema, which lists every error with its
path; to keep that cheap, only the top-level properties that failed their own compiled check are
re-validated. A dataset's error verdict is therefore always jsonschema's.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from civicdata.core.gcpause import gc_paused

from .messages import describe, expand
from .messages import field_path as dotted
from .profiles import PROFILES, CompiledProfile, ProfileSpec, compiled_profile, detect_profile
from .report import Finding, Severity, ValidationReport
from .rules import CatalogContext, build_context, dataset_warnings

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_NONE: frozenset[str] = frozenset()
# Faulty property values whose error lists one process keeps (per profile), to reuse on repeats.
PROPERTY_ERRORS_MEMO = 4096


class UnknownProfile(ValueError):
    """The caller asked for a profile name civicdata does not ship."""


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _pointer(prefix: str, path: Iterable[str | int]) -> str:
    return prefix + "".join("/" + _escape(p) for p in path)


def _passes(check: Any, value: Any) -> bool:
    try:
        return bool(check(value))
    except Exception:  # a value jsonschema-rs cannot read (say, a tuple) means "look closer"
        return False


def dataset_schema_errors(cp: CompiledProfile, ds: Any) -> list[ValidationError]:
    """All jsonschema errors of one dataset (empty when it is valid).

    Runs the fast check first; on failure, lists errors property by property. A value nested so
    deeply that the reference validator itself overflows the stack (e.g. a chain of a thousand
    subOrganizationOf) is reported as one ``schema.too_deep`` error instead of crashing.
    """
    try:
        if not cp.too_deep(ds):
            return _dataset_schema_errors(cp, ds)
    except RecursionError:
        pass
    from jsonschema.exceptions import ValidationError

    return [
        ValidationError("The dataset is nested too deeply to be checked.", validator="too_deep", instance=None, path=())
    ]


def _dataset_schema_errors(cp: CompiledProfile, ds: Any) -> list[ValidationError]:
    if _passes(cp.item_valid, ds):
        return []
    if not cp.property_valid or not isinstance(ds, dict):
        return list(cp.item_full.iter_errors(ds))
    errors = list(cp.top_full.iter_errors(ds))
    memo = cp.property_errors
    for prop in cp.property_valid.names():
        if prop not in ds:
            continue
        single = {prop: ds[prop]}
        if _passes(cp.property_valid.get(prop), single):
            continue
        # Catalogs repeat the same faulty value (a contact, a frequency) in dataset after dataset, and
        # the reference validator gives the same errors for the same JSON: list them once per value.
        try:
            key: tuple[str, bytes] | None = (prop, orjson.dumps(single[prop]))
        except TypeError:  # not JSON data: no key, validate it afresh
            key = None
        found = memo.get(key) if key is not None else None
        if found is None:
            # Root-level errors of this one-property object are "required" noise about the others.
            found = [e for e in cp.item_full.iter_errors(single) if e.absolute_path]
            if key is not None and len(memo) < PROPERTY_ERRORS_MEMO:
                memo[key] = found
        errors.extend(found)
    if not errors:  # should not happen; never trust the shortcut over the reference
        errors = list(cp.item_full.iter_errors(ds))
    return errors


def _text(ds: Any, key: str) -> str | None:
    value = ds.get(key) if isinstance(ds, dict) else None
    return value if isinstance(value, str) else None


def _schema_findings(
    errors: list[ValidationError],
    *,
    prefix: str,
    index: int | None,
    identifier: str | None,
    title: str | None,
) -> list[Finding]:
    findings = []
    for error in (leaf for top in errors for leaf in expand(top)):
        path = list(error.absolute_path)
        code, message, field_path = describe(error, path)
        # Point at the value itself; a missing field is located at its parent object.
        point_path = (
            field_path[:-1]
            if code in ("schema.required", "distribution.download_url_without_media_type")
            else field_path
        )
        findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                message=message,
                pointer=_pointer(prefix, point_path),
                field=dotted(field_path),
                dataset_index=index,
                identifier=identifier,
                title=title,
            )
        )
    return findings


def validate_catalog(
    doc: Any,
    *,
    profile: str | None = None,
    now: dt.datetime | None = None,
    checks: bool = True,
    processes: int = 1,
    redaction_free: bool | None = None,
) -> ValidationReport:
    """Validate a parsed catalog and return every finding.

    ``profile`` is one of ``PROFILES`` (``federal-v1.1``, ``federal-v1.1-edi``,
    ``non-federal-v1.1``, ``v1.0``, ``dcat-us-3``); when omitted it is detected from
    ``conformsTo`` and the root type.  ``checks=False`` skips the beyond-schema warnings.
    ``processes`` > 1 checks a large catalog in that many forked processes (the report is the same);
    only a single-threaded program such as the CLI may ask for it, as forking a threaded one is unsafe.
    ``redaction_free=True`` (``ReadResult.redaction_free`` of the bytes ``doc`` was parsed from) spares the
    look for redacted values.
    Pure function: no database, no network, no mutation of ``doc``.
    """
    if profile is None:
        name, note = detect_profile(doc)
    elif profile in PROFILES:
        name, note = profile, ""
    else:
        raise UnknownProfile(f"Unknown profile “{profile}”. Choose one of: {', '.join(PROFILES)}.")
    cp = compiled_profile(name)
    now = now or dt.datetime.now(dt.UTC)
    datasets, prefix = _dataset_list(doc, cp.spec)
    report = ValidationReport(
        profile=name,
        profile_detected=profile is None,
        dataset_count=len(datasets) if datasets is not None else 0,
        detection_note=note,
    )
    if not _passes(cp.shell_valid, doc):
        report.findings.extend(
            _schema_findings(list(cp.shell_full.iter_errors(doc)), prefix="", index=None, identifier=None, title=None)
        )
    if datasets is None:
        return report
    if not datasets:
        report.findings.append(
            Finding("catalog.no_datasets", Severity.WARNING, "The catalog lists no datasets.", prefix or "/")
        )
        return report

    ctx = build_context(datasets, cp.spec, now, may_be_redacted=False if redaction_free else None) if checks else None
    with gc_paused():  # a findings list of 100k+ objects would otherwise set the collector off again and again
        if processes > 1 and len(datasets) >= PARALLEL_MIN_DATASETS and hasattr(os, "fork"):
            _check_datasets_forked(report.findings, cp, datasets, prefix, ctx, processes)
        else:
            _check_datasets(report.findings, cp, datasets, prefix, ctx, range(len(datasets)))
    return report


# Below this many datasets, starting a process costs more than it saves.
PARALLEL_MIN_DATASETS = 5_000
_SEVERITIES = {s.value: s for s in Severity}
_UNSET = object()


def _names(ds: Any) -> tuple[str | None, str | None]:
    """(identifier, title) of a dataset as findings carry them."""
    if type(ds) is dict:
        identifier = ds.get("identifier")
        title = ds.get("title")
        return (identifier if type(identifier) is str else None), (title if type(title) is str else None)
    if isinstance(ds, str):  # DCAT-US 3.0 allows a dataset given by IRI only
        return ds, None
    return None, None


def pack_findings(findings: list[Finding]) -> bytes:
    """Findings of consecutive datasets in a compact form for another process: per dataset its index
    and, per finding, code, severity, message, pointer and field (identifier and title are read again
    from the dataset by the receiver, which holds the same catalog)."""
    groups: list[tuple[int | None, list[tuple[str, str, str, str, str]]]] = []
    last: object = _UNSET
    rows: list[tuple[str, str, str, str, str]] = []
    for f in findings:
        if f.dataset_index != last:
            last = f.dataset_index
            rows = []
            groups.append((last, rows))
        rows.append((f.code, f.severity.value, f.message, f.pointer, f.field))
    return marshal.dumps(groups)


def unpack_findings(data: bytes, datasets: list[Any]) -> list[Finding]:
    """The findings ``pack_findings`` packed, as Finding objects again."""
    severities = _SEVERITIES
    out: list[Finding] = []
    for index, rows in marshal.loads(data):  # noqa: S302 - written by our own forked child
        identifier, title = _names(datasets[index]) if index is not None else (None, None)
        out.extend(
            Finding(code, severities[severity], message, pointer, field, index, identifier, title)
            for code, severity, message, pointer, field in rows
        )
    return out


def _check_datasets_forked(
    findings: list[Finding],
    cp: CompiledProfile,
    datasets: list[Any],
    prefix: str,
    ctx: CatalogContext | None,
    processes: int,
) -> None:
    """``_check_datasets`` split in contiguous slices: this process takes the first, one forked child
    per other slice (sharing the parsed catalog copy-on-write) sends its findings back packed through
    a pipe and exits; findings stay in dataset order. A child that fails has its slice checked here."""
    # Large catalogs nearly always hold an invalid dataset somewhere: set up the Python jsonschema
    # validators (about a tenth of a second) once here rather than in every process.
    _ = cp.item_full, cp.top_full
    bounds = [len(datasets) * k // processes for k in range(processes + 1)]
    children: list[tuple[int, int, range]] = []
    for k in range(1, processes):
        part = range(bounds[k], bounds[k + 1])
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: check, send, leave without running the parent's exit handlers
            status = 1
            try:
                os.close(read_fd)
                found: list[Finding] = []
                _check_datasets(found, cp, datasets, prefix, ctx, part)
                with os.fdopen(write_fd, "wb") as out:
                    out.write(pack_findings(found))
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        children.append((pid, read_fd, part))
    _check_datasets(findings, cp, datasets, prefix, ctx, range(bounds[0], bounds[1]))
    for pid, read_fd, part in children:
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0:
            findings.extend(unpack_findings(data, datasets))
        else:
            _check_datasets(findings, cp, datasets, prefix, ctx, part)


def _dataset_list(doc: Any, spec: ProfileSpec) -> tuple[list[Any] | None, str]:
    """The catalog's datasets (None when there is no list) and the JSON pointer they sit under."""
    if spec.root_is_list:
        return (doc if isinstance(doc, list) else None), ""
    raw = doc.get("dataset") if isinstance(doc, dict) else None
    return (raw if isinstance(raw, list) else None), "/dataset"


def _check_datasets(
    findings: list[Finding],
    cp: CompiledProfile,
    datasets: list[Any],
    prefix: str,
    ctx: CatalogContext | None,
    indexes: range,
) -> None:
    """Schema errors, then warnings, of the datasets at ``indexes``, appended to ``findings`` in order."""
    item_valid, too_deep, names = cp.item_valid, cp.too_deep, _names
    # The hot loop: one compiled check per dataset, everything else only when something is found.
    for index in indexes:
        ds = datasets[index]
        try:
            failed = not item_valid(ds) or too_deep(ds)
        except Exception:  # a value jsonschema-rs cannot read means "look closer" (see dataset_schema_errors)
            failed = True
        identifier, title = names(ds)
        ds_prefix = f"{prefix}/{index}"
        pointers = _NONE
        if failed:
            errors = dataset_schema_errors(cp, ds)
            if errors:
                error_findings = _schema_findings(
                    errors, prefix=ds_prefix, index=index, identifier=identifier, title=title
                )
                findings.extend(error_findings)
                pointers = frozenset(f.pointer for f in error_findings)
        if ctx is not None:
            findings += dataset_warnings(
                ds, index, ctx, prefix=ds_prefix, identifier=identifier, title=title, schema_error_pointers=pointers
            )


def invalid_dataset_indexes(doc: Any, *, profile: str) -> set[int]:
    """Schema verdict only: indexes of datasets that break the profile's schema (used by tests and bench)."""
    cp = compiled_profile(profile)
    datasets = doc if cp.spec.root_is_list else doc.get("dataset", [])
    return {i for i, ds in enumerate(datasets) if dataset_schema_errors(cp, ds)}
