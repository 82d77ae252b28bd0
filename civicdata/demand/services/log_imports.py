"""Services that import FOIA, 311 and search logs as demand: upload → mapping → preview → confirm.

The uploaded bytes wait in a pending LogImport between steps; confirming writes every importable
row in one transaction (or nothing), skips requests already imported — by tracking number, else by
fingerprint, whatever the source label — and then drops the stored file.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.demand import logs, permissions
from civicdata.demand.logs import upload_limits
from civicdata.demand.models import DemandItem, DemandKind, LogImport, LogImportStatus

FINGERPRINT_BATCH = 500
logger = logging.getLogger(__name__)


def read_table(log_import: LogImport) -> logs.RawTable:
    """Read the pending upload again (it is small enough to re-parse on every step)."""
    if log_import.content is None:
        raise Conflict(_("This import is finished; its file is no longer kept."), code="import_closed")
    max_bytes, max_rows = upload_limits()
    try:
        return logs.read_log(
            bytes(log_import.content), filename=log_import.filename, max_bytes=max_bytes, max_rows=max_rows
        )
    except logs.LogError as exc:
        raise InvalidInput(str(exc), code="bad_log") from exc


def mapping_of(log_import: LogImport) -> dict[int, logs.Role]:
    return {int(index): logs.Role(role) for index, role in log_import.mapping.items()}


def preview(log_import: LogImport) -> tuple[logs.RawTable, logs.LogPreview]:
    """The preview staff see before confirming; nothing is written."""
    table = read_table(log_import)
    return table, logs.build_preview(table, mapping_of(log_import), source=log_import.source, known=stored_fingerprints)


def stored_fingerprints(fingerprints: list[str]) -> set[str]:
    """Which of these request fingerprints are already stored (from any import, under any source label)."""
    found: set[str] = set()
    for start in range(0, len(fingerprints), FINGERPRINT_BATCH):
        chunk = fingerprints[start : start + FINGERPRINT_BATCH]
        found.update(DemandItem.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True))
    return found


def start_log_import(*, by: Any, kind: str, source: str, filename: str, data: bytes) -> LogImport:
    """Check the upload can be read and keep it pending with a proposed column mapping.

    Raises InvalidInput (nothing stored) when the file is too big, not a table or undecodable.
    """
    permissions.ensure_can_import_logs(by)
    if not source.strip():
        raise InvalidInput(_("Say where the log comes from (agency, system or address)."), code="missing_source")
    max_bytes, max_rows = upload_limits()
    try:
        table = logs.read_log(data, filename=filename, max_bytes=max_bytes, max_rows=max_rows)
    except logs.LogError as exc:
        raise InvalidInput(str(exc), code="bad_log") from exc
    log_kind = logs.LogKind(kind)
    mapping = logs.propose_mapping(table.header, kind=log_kind)
    with transaction.atomic():
        log_import = LogImport.objects.create(
            kind=log_kind.value,
            source=source.strip()[:300],
            filename=filename.rsplit("/", 1)[-1][:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            mapping={str(index): role.value for index, role in mapping.items()},
            encoding=table.encoding,
            total_rows=len(table.rows),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
    return log_import


def update_log_mapping(log_import: LogImport, *, by: Any, mapping: dict[int, str]) -> LogImport:
    """Replace the column mapping of a pending import (validated against the header)."""
    permissions.ensure_can_import_logs(by)
    _ensure_pending(log_import)
    table = read_table(log_import)
    try:
        roles = {int(index): logs.Role(role) for index, role in mapping.items()}
    except ValueError as exc:
        raise InvalidInput(_("Unknown column role."), code="bad_mapping") from exc
    errors = logs.validate_mapping(roles, table.header)
    if errors:
        raise InvalidInput(" ".join(errors), code="bad_mapping", details=errors)
    log_import.mapping = {str(index): role.value for index, role in roles.items()}
    LogImport.objects.filter(pk=log_import.pk).update(mapping=log_import.mapping)
    return log_import


def _ensure_pending(log_import: LogImport) -> None:
    if log_import.status != LogImportStatus.PENDING:
        raise Conflict(
            _("This import is already %(status)s.") % {"status": log_import.get_status_display()}, code="import_closed"
        )


def confirm_log_import(log_import: LogImport, *, by: Any) -> LogImport:
    """Store every importable row as a demand item, all in one transaction.

    Requests already imported (same tracking number, or same date and description when there is none; any
    source label) are counted as duplicates and not added again; rows with blocking problems are skipped
    and counted. Personal columns (requester names) are never stored. The uploaded file is dropped afterwards.
    """
    permissions.ensure_can_import_logs(by)
    _ensure_pending(log_import)
    table = read_table(log_import)
    mapping = mapping_of(log_import)
    errors = logs.validate_mapping(mapping, table.header)
    if errors:
        raise InvalidInput(" ".join(errors), code="bad_mapping", details=errors)
    kind_of_item = DemandKind.SEARCH if log_import.kind == logs.LogKind.SEARCH else DemandKind.LOG_ROW
    default_day = timezone.localdate()
    rows = list(logs.parse_rows(table, mapping, source=log_import.source))
    problem_counts: dict[str, int] = {}
    for row in rows:
        for problem in row.problems:
            problem_counts[problem.code] = problem_counts.get(problem.code, 0) + 1
    with transaction.atomic():
        locked = LogImport.objects.select_for_update().get(pk=log_import.pk)
        _ensure_pending(locked)
        # Fingerprints leave the source label out (logs.row_fingerprint): the same request imported under
        # another label is a duplicate too.
        seen = stored_fingerprints([row.fingerprint for row in rows if row.importable])
        items, duplicates, skipped = [], 0, 0
        for row in rows:
            if not row.importable:
                skipped += 1
                continue
            if row.fingerprint in seen:
                duplicates += 1
                continue
            seen.add(row.fingerprint)
            items.append(
                DemandItem(
                    kind=kind_of_item,
                    text=row.description,
                    occurred_on=row.received_date or default_day,
                    weight=row.count,
                    log_import=locked,
                    source=locked.source,
                    source_line=row.line,
                    fingerprint=row.fingerprint,
                    tracking_number=row.tracking_number,
                    requester_type=row.requester_type,
                    department=row.department,
                    status=row.status,
                    closed_on=row.closed_date,
                )
            )
        DemandItem.objects.bulk_create(items, batch_size=1000)
        locked.status = LogImportStatus.IMPORTED
        locked.imported_rows = len(items)
        locked.duplicate_rows = duplicates
        locked.skipped_rows = skipped
        locked.total_rows = len(rows)
        locked.problem_counts = problem_counts
        locked.imported_at = timezone.now()
        locked.content = None
        locked.save()
        transaction.on_commit(_refresh_topics)
        record_write(
            actor=by,
            action="demand.import_log",
            target=locked,
            after={"imported": len(items), "duplicates": duplicates, "skipped": skipped},
        )
    return locked


def _refresh_topics() -> None:
    """New demand changes the topics: recompute them in the background worker."""
    from civicdata.demand.tasks import recompute_demand_topics

    try:
        recompute_demand_topics.enqueue()
    except Exception:  # no queue available: staff can still recompute from the analytics page
        logger.exception("demand: could not enqueue topic recomputation")


def cancel_log_import(log_import: LogImport, *, by: Any) -> LogImport:
    """Abandon a pending import and drop its file."""
    permissions.ensure_can_import_logs(by)
    _ensure_pending(log_import)
    LogImport.objects.filter(pk=log_import.pk).update(status=LogImportStatus.CANCELLED, content=None)
    log_import.refresh_from_db()
    return log_import


def import_log_file(*, by: Any, kind: str, source: str, filename: str, data: bytes) -> LogImport:
    """Start and confirm an import in one go with the proposed mapping (the CLI path)."""
    log_import = start_log_import(by=by, kind=kind, source=source, filename=filename, data=data)
    return confirm_log_import(log_import, by=by)
