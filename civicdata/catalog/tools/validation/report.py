"""The validation report: findings located by JSON pointer and dataset, and the table of finding codes.

Severity rule: ``error`` means the document breaks the chosen profile's JSON Schema, so a
dataset's error verdict is exactly the schema verdict; every check beyond the schema is a
``warning`` (advice a publisher should act on, never a reason for a harvester to reject).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Stable finding codes and what they mean (documented in docs/catalog-tools.md; a test keeps the
# two in step).  Codes never change meaning once published: tools and people filter on them.
CODES: dict[str, tuple[Severity, str]] = {
    "schema.required": (Severity.ERROR, "A required field is missing."),
    "schema.type": (Severity.ERROR, "A value has the wrong JSON type (text, list, object...)."),
    "schema.min_length": (Severity.ERROR, "A text value is empty."),
    "schema.max_length": (Severity.ERROR, "A text value is longer than allowed."),
    "schema.min_items": (Severity.ERROR, "A list is empty or too short."),
    "schema.unique_items": (Severity.ERROR, "A list repeats the same value."),
    "schema.pattern": (Severity.ERROR, "A value does not have the required format."),
    "schema.enum": (Severity.ERROR, "A value is not one of the allowed choices."),
    "schema.format": (Severity.ERROR, "A value is not a valid URL, e-mail or date."),
    "schema.any_of": (Severity.ERROR, "A value matches none of the forms the field allows."),
    "schema.one_of": (Severity.ERROR, "A value matches none, or more than one, of the allowed forms."),
    "schema.dependencies": (Severity.ERROR, "A field requires another field that is missing."),
    "schema.additional_properties": (Severity.ERROR, "A field is not allowed here."),
    "schema.other": (Severity.ERROR, "Another JSON Schema rule is broken."),
    "schema.too_deep": (Severity.ERROR, "A value is nested too deeply to be checked at all."),
    "distribution.download_url_without_media_type": (
        Severity.ERROR,
        "A distribution has a downloadURL but no mediaType (schema rule in v1.1; warning elsewhere).",
    ),
    "catalog.no_datasets": (Severity.WARNING, "The catalog lists no datasets."),
    "identifier.duplicate": (Severity.WARNING, "Two or more datasets share the same identifier."),
    "ispartof.unknown": (Severity.WARNING, "isPartOf names a collection that is not a dataset in this catalog."),
    "ispartof.self": (Severity.WARNING, "A dataset names itself as its collection."),
    "bureau_code.unknown": (Severity.WARNING, "A bureauCode is not in OMB Circular A-11 Appendix C."),
    "program_code.unknown": (Severity.WARNING, "A programCode is not in the Federal Program Inventory."),
    "redacted.no_rights": (Severity.WARNING, "A value is redacted but the dataset does not explain why in rights."),
    "modified.future": (Severity.WARNING, "The last-modified date is in the future."),
    "date.malformed": (Severity.WARNING, "A date, interval or frequency is not a real ISO 8601 value."),
    "temporal.reversed": (Severity.WARNING, "A temporal interval ends before it starts."),
    "link.not_https": (Severity.WARNING, "A link uses http:// instead of https://."),
    "link.malformed": (Severity.WARNING, "A link is not an absolute URL."),
    "access_level.non_public_with_download": (
        Severity.WARNING,
        "A non-public dataset lists a downloadURL, which would expose it in the public listing.",
    ),
}


@dataclass(slots=True)  # not frozen: frozen __init__ costs ~3x, and reports hold 100k+ of these
class Finding:
    """One problem, located precisely enough that a coordinator can find and fix it."""

    code: str
    severity: Severity
    message: str
    pointer: str  # JSON pointer into the whole document, e.g. /dataset/12/contactPoint/hasEmail
    field: str = ""  # dotted field path inside the dataset, e.g. distribution[0].mediaType
    dataset_index: int | None = None
    identifier: str | None = None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "pointer": self.pointer,
            "field": self.field,
            "dataset_index": self.dataset_index,
            "identifier": self.identifier,
            "title": self.title,
        }


@dataclass(slots=True)
class DatasetFindings:
    """The findings of one dataset, for reports grouped by dataset."""

    index: int
    identifier: str | None
    title: str | None
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


@dataclass(slots=True)
class ValidationReport:
    """Everything the validator found in one document under one profile."""

    profile: str
    profile_detected: bool
    dataset_count: int
    findings: list[Finding] = field(default_factory=list)
    detection_note: str = ""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def valid(self) -> bool:
        """True when nothing breaks the schema (warnings allowed)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def invalid_dataset_indexes(self) -> set[int]:
        return {f.dataset_index for f in self.findings if f.severity is Severity.ERROR and f.dataset_index is not None}

    @property
    def catalog_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.dataset_index is None]

    def by_dataset(self, limit: int | None = None) -> list[DatasetFindings]:
        """Findings grouped by dataset, in document order (catalog-level findings excluded); with ``limit``,
        only the first ``limit`` datasets that have findings (a terminal shows a few hundred of 100,000)."""
        keep: set[int] | None = None
        if limit is not None:
            keep = set(heapq.nsmallest(limit, self.datasets_with_findings()))
        groups: dict[int, DatasetFindings] = {}
        for f in self.findings:
            index = f.dataset_index
            if index is None or (keep is not None and index not in keep):
                continue
            group = groups.get(index)
            if group is None:
                group = groups[index] = DatasetFindings(index, f.identifier, f.title, [])
            group.findings.append(f)
        return [groups[i] for i in sorted(groups)]

    def datasets_with_findings(self) -> set[int]:
        """Indexes of the datasets that have at least one finding."""
        return {f.dataset_index for f in self.findings if f.dataset_index is not None}

    def summary(self) -> dict[str, int]:
        return {
            "datasets": self.dataset_count,
            "invalid_datasets": len(self.invalid_dataset_indexes),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def to_dict(self, *, finding_objects: bool = False) -> dict[str, Any]:
        """The report as JSON data. ``finding_objects`` leaves the findings as ``Finding`` objects, for orjson,
        which writes a dataclass field by field in the order of ``Finding.to_dict`` (and an enum as its
        value), the same JSON without a dictionary per finding."""
        return {
            "valid": self.valid,
            "profile": self.profile,
            "profile_detected": self.profile_detected,
            "detection_note": self.detection_note,
            "summary": self.summary(),
            "findings": list(self.findings) if finding_objects else [f.to_dict() for f in self.findings],
        }
