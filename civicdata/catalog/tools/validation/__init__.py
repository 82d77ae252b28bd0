"""Validation of Project Open Data / DCAT-US catalogs against the shipped schemas plus practical checks.

Entry point: ``validate_catalog(doc, *, profile=None) -> ValidationReport``.
"""

from .engine import UnknownProfile, invalid_dataset_indexes, validate_catalog
from .profiles import PROFILES, detect_profile
from .report import CODES, DatasetFindings, Finding, Severity, ValidationReport

__all__ = [
    "CODES",
    "PROFILES",
    "DatasetFindings",
    "Finding",
    "Severity",
    "UnknownProfile",
    "ValidationReport",
    "detect_profile",
    "invalid_dataset_indexes",
    "validate_catalog",
]
