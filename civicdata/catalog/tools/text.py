"""Plain-text rendering of validation and merge reports for the terminal (used by the CLI commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicdata.catalog.ingest.reading import ReadResult

from .validation import ValidationReport

if TYPE_CHECKING:  # the merger's module is not needed to print a validation report
    from .merging import MergeResult


def read_problems_text(source: str, result: ReadResult) -> str:
    lines = [f"Cannot read {source}:"] if result.errors else []
    lines += [f"  error   {p.code:<24} {p.message}" for p in result.errors]
    lines += [f"  warning {p.code:<24} {p.message}" for p in result.warnings]
    return "\n".join(lines)


def report_text(source: str, report: ValidationReport, *, max_datasets: int | None = None) -> str:
    """A report people can read in a terminal: summary first, then findings grouped by dataset."""
    summary = report.summary()
    detected = f" (detected: {report.detection_note})" if report.profile_detected and report.detection_note else ""
    lines = [
        f"Catalog:  {source}",
        f"Profile:  {report.profile}{detected}",
        (
            f"Datasets: {summary['datasets']}, invalid: {summary['invalid_datasets']}; "
            f"errors: {summary['errors']}, warnings: {summary['warnings']}"
        ),
    ]
    if report.catalog_findings:
        lines += ["", "Catalog"]
        lines += [f"  {f.severity:<7} {f.code:<44} {f.pointer or '/'}  {f.message}" for f in report.catalog_findings]
    shown = report.by_dataset(limit=max_datasets)
    with_findings = len(report.datasets_with_findings()) if max_datasets is not None else len(shown)
    for group in shown:
        name = f"“{group.title}”" if group.title else "(no title)"
        ident = f" [{group.identifier}]" if group.identifier else ""
        lines += ["", f"Dataset {group.index + 1} {name}{ident}"]
        lines += [f"  {f.severity:<7} {f.code:<44} {f.field or '-'}  {f.message}" for f in group.findings]
    if len(shown) < with_findings:
        lines += ["", f"... and {with_findings - len(shown)} more datasets with findings (use --format json)."]
    lines += ["", "Result: VALID" if report.valid else "Result: INVALID"]
    return "\n".join(lines)


def merge_text(result: MergeResult, output: str, *, max_collisions: int = 50) -> str:
    lines = [f"Merged {result.dataset_count} datasets into {output}", "", "From where:"]
    for s in result.sources:
        lines.append(
            f"  {s.name}: {s.datasets} datasets, {s.added} added, {s.deduplicated} identical (kept once), "
            f"{s.renamed} renamed, {s.ispartof_rewritten} isPartOf rewritten"
        )
    if result.collisions:
        lines += ["", f"Identifier collisions ({len(result.collisions)}):"]
        for c in result.collisions[:max_collisions]:
            how = f"renamed to {c.new_identifier}" if c.resolution == "renamed" else "identical, kept once"
            lines.append(f"  {c.identifier}: in {c.kept_from} and {c.source}: {how}")
        if len(result.collisions) > max_collisions:
            lines.append(f"  ... and {len(result.collisions) - max_collisions} more (use --format json).")
    if result.report is not None:
        summary = result.report.summary()
        lines += [
            "",
            (
                f"Validation ({result.report.profile}): {'VALID' if result.report.valid else 'INVALID'}; "
                f"{summary['invalid_datasets']} invalid datasets, {summary['errors']} errors, "
                f"{summary['warnings']} warnings"
            ),
        ]
    return "\n".join(lines)
