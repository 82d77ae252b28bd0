"""Data API tables: creating them, loading files (with progress) into new versions, schema edits,
publishing and deleting. Each function names its preconditions and transaction."""

from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core import workers
from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore import pii, quality, runtime
from civicdata.datastore.ingest import IngestError, IngestResult, ingest_file
from civicdata.datastore.ingest.headers import snake
from civicdata.datastore.ingest.infer import cast_expression, quote_ident
from civicdata.datastore.ingest.isolated import ingest_isolated
from civicdata.datastore.models import (
    DataTable,
    IngestJob,
    JobStatus,
    PiiDecision,
    PiiFinding,
    SourceKind,
    TableStatus,
)
from civicdata.datastore.schema import SchemaError, apply_edits, build_schema, field_map, overrides_from_schema
from civicdata.datastore.services.privacy import decision_select, unresolved_pii
from civicdata.datastore.store import StoreError, TableStore

logger = logging.getLogger("civicdata.datastore")

FORMAT_BY_SUFFIX = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".geojson": "geojson",
}


def incoming_dir() -> Path:
    path = Path(settings.DATA_DIR) / "datastore-incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _relation_for(dataset: Any, name: str) -> str:
    base = snake(f"{dataset.name[:36]}__{name[:20]}").replace("__", "_") or "table"
    if not base[0].isalpha():
        base = f"t_{base}"
    base = base[:58]
    candidate, n = base, 1
    while DataTable.objects.filter(relation=candidate).exists():
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def table_name_for(distribution: Any) -> str:
    """A default table name from the distribution's title, format or position."""
    text = distribution.title or ""
    url = distribution.download_url or ""
    if not text and url:
        text = Path(url.split("?")[0]).stem
    return (snake(text)[:40] or f"table_{distribution.position + 1}").strip("_")


@transaction.atomic
def create_table(*, distribution: Any, by: Any, name: str = "", title: str = "") -> DataTable:
    """Create an empty table for a distribution. Raises Conflict when the dataset already has a table
    with this name. Runs in one transaction with its audit entry."""
    dataset = distribution.dataset
    clean = snake(name) if name else table_name_for(distribution)
    if not clean or not re.match(r"^[a-z][a-z0-9_]*$", clean):
        raise InvalidInput(_("A table name needs letters, digits or underscores, starting with a letter."))
    if DataTable.objects.filter(dataset=dataset, name=clean).exists():
        raise Conflict(_("This dataset already has a table named %(name)s.") % {"name": clean})
    table = DataTable.objects.create(
        distribution=distribution,
        dataset=dataset,
        name=clean,
        relation=_relation_for(dataset, clean),
        title=title or (distribution.title or ""),
    )
    record_write(actor=by, action="datastore.table.create", target=table, after=snapshot(table))
    return table


def _detect_format(name: str, declared: str = "") -> str:
    if declared:
        return declared
    return FORMAT_BY_SUFFIX.get(Path(name.split("?")[0]).suffix.lower(), "")


def start_ingest(
    table: DataTable,
    *,
    by: Any,
    upload: UploadedFile | None = None,
    url: str = "",
    path: str | Path = "",
    declared_format: str = "",
) -> IngestJob:
    """Queue a load of exactly one of `upload`, `url` or server `path` into `table`.

    An upload is first copied (streaming) to DATA_DIR/datastore-incoming so the worker can read it.
    The job row and the copy are made before the task is queued; the task runs after commit.
    """
    sources = [bool(upload), bool(url), bool(path)]
    if sum(sources) != 1:
        raise InvalidInput(_("Give exactly one of: a file, a web address or a server path."))
    max_bytes = settings.DATASTORE_MAX_FILE_MB << 20
    stored = ""
    if upload is not None:
        if upload.size and upload.size > max_bytes:
            raise InvalidInput(
                _("The file is larger than the %(mb)s MB limit.") % {"mb": settings.DATASTORE_MAX_FILE_MB},
                code="file_too_large",
            )
        target = incoming_dir() / f"{uuid.uuid4().hex}{Path(upload.name or '').suffix.lower()[:10]}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        stored = str(target)
        source_kind, source = SourceKind.UPLOAD, upload.name or "upload"
    elif url:
        if not re.match(r"^https?://", url):
            raise InvalidInput(_("The web address must start with http:// or https://."))
        source_kind, source = SourceKind.URL, url
    else:
        resolved = Path(path).expanduser().resolve()
        if not resolved.is_file():
            raise InvalidInput(_("There is no file at %(path)s.") % {"path": resolved})
        source_kind, source = SourceKind.PATH, str(resolved)
    with transaction.atomic():
        job = IngestJob.objects.create(
            table=table,
            source_kind=source_kind,
            source=source,
            stored_file=stored,
            declared_format=_detect_format(source, declared_format),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_write(actor=by, action="datastore.ingest.start", target=table, after={"job": job.pk, "source": source})
        from civicdata.datastore.tasks import ingest_table

        transaction.on_commit(lambda: ingest_table.enqueue(job_id=job.pk))
    return job


class _ProgressWriter:
    """Writes stage/progress to the job row at most twice a second (a query per update)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and fraction < 1.0:
            return
        self.last = now
        IngestJob.objects.filter(pk=self.job_id).update(stage=stage, progress=max(0.0, min(fraction, 1.0)))


def _merge_schema(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Keep staff titles, descriptions and constraints for columns that survive a reload."""
    previous = field_map(old)
    for f in new.get("fields", []):
        before = previous.get(f["name"])
        if not before:
            continue
        for key in ("title", "description", "constraints"):
            if before.get(key):
                f[key] = before[key]
    return new


def _pinned_overrides(table: DataTable) -> dict[str, dict[str, str]]:
    return overrides_from_schema(table.schema, set(table.ingest_info.get("pinned_types", [])))


def _scan(table_relation: str, version: int, schema: dict[str, Any], info: dict[str, Any]) -> tuple[dict, list]:
    store = runtime.get_store()
    path = store.version_path(table_relation, version)
    cur = store.connection(path).cursor()
    report = quality.quality_report(
        cur,
        schema,
        cast_failures=info.get("cast_failures"),
        blank_headers=info.get("blank_headers"),
        duplicate_headers=info.get("duplicate_headers"),
    )
    findings = pii.scan_table(cur, schema)
    return report, findings


def install_version(
    table: DataTable,
    *,
    version: int,
    schema: dict[str, Any],
    row_count: int,
    info: dict[str, Any],
    by: Any,
    action: str,
    rescan: bool = True,
) -> DataTable:
    """Make `version` current: one transaction updates the table row (what readers use), findings and
    audit; the store's pointer follows on commit. Publication is withdrawn if new PII is unresolved."""
    report, findings = _scan(table.relation, version, schema, info)
    before = snapshot(table, fields=["version", "row_count", "status"])
    with transaction.atomic():
        locked = DataTable.objects.select_for_update().get(pk=table.pk)
        locked.version = version
        locked.schema = schema
        locked.row_count = row_count
        locked.quality = report
        locked.ingest_info = info
        locked.loaded_at = timezone.now()
        locked.updated_at = timezone.now()
        if rescan:
            PiiFinding.objects.filter(table=locked).delete()
            PiiFinding.objects.bulk_create(
                [
                    PiiFinding(
                        table=locked,
                        column=f.column,
                        kind=f.kind,
                        share=f.share,
                        by_header=f.by_header,
                        samples=f.samples,
                        rows_matched=f.rows_matched,
                        rows_scanned=f.rows_scanned,
                        free_text=f.free_text,
                    )
                    for f in findings
                    # Masked columns are already resolved; their masked values no longer need review.
                    if not field_map(schema).get(f.column, {}).get("x-masked")
                ]
            )
        if locked.status == TableStatus.EMPTY:
            locked.status = TableStatus.READY
        elif locked.status == TableStatus.PUBLISHED and unresolved_pii(locked):
            locked.status = TableStatus.READY
            locked.published_at = None
        locked.save()
        record_write(
            actor=by,
            action=action,
            target=locked,
            before=before,
            after=snapshot(locked, fields=["version", "row_count", "status"]),
        )
        store = runtime.get_store()
        transaction.on_commit(lambda: store.swap(locked.relation, version))
    return locked


def run_ingest_job(*, job_id: int) -> IngestJob:
    """Execute a queued job (called by the task worker). Never raises for bad input: the job records
    the error and the table keeps serving its previous version."""
    job = IngestJob.objects.select_related("table", "table__dataset", "created_by").get(pk=job_id)
    if job.is_finished:
        return job
    # Running and claimed by this worker in one write: a worker killed in between would otherwise leave a
    # running job that no sweep can tie to a dead worker (only its stale heartbeat, minutes later).
    now, worker_id = timezone.now(), workers.current_worker_id()
    IngestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=now, stage="starting", worker_id=worker_id, heartbeat_at=now
    )
    with workers.beating(IngestJob, job.pk, field="heartbeat_at", worker_id=worker_id):
        _run_started_job(job)
    return IngestJob.objects.get(pk=job.pk)


def _run_started_job(job: IngestJob) -> None:
    table = job.table
    store = runtime.get_store()
    fetched: Path | None = None
    version = None
    try:
        source, fetched = _job_source(job)
        result = _load_version(
            source,
            store=store,
            relation=table.relation,
            declared_format=job.declared_format or None,
            overrides=_pinned_overrides(table),
            limits=runtime.limits(),
            memory_mb=settings.DATASTORE_INGEST_MEMORY_MB,
            progress=_ProgressWriter(job.pk),
        )
        version = result.version
        schema = _merge_schema(build_schema(result), table.schema)
        version, schema = _apply_pii_decisions(store, table, version, schema)
        install_version(
            table,
            version=version,
            schema=schema,
            row_count=result.row_count,
            info=_ingest_info(job, result),
            by=job.created_by,
            action="datastore.ingest.finish",
        )
        IngestJob.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED,
            stage="done",
            progress=1.0,
            finished_at=timezone.now(),
            result={"version": version, "row_count": result.row_count, "seconds": round(result.seconds, 3)},
        )
    except IngestError as exc:
        if version is not None and version != store.current_version(table.relation):
            store.discard(table.relation, version)
        IngestJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, stage="failed", finished_at=timezone.now(), error=exc.as_dict()
        )
    except Exception as exc:
        logger.exception("ingest job %s failed", job.pk)
        if version is not None and version != store.current_version(table.relation):
            store.discard(table.relation, version)
        IngestJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            stage="failed",
            finished_at=timezone.now(),
            error={"code": "internal", "message": _("The load stopped unexpectedly: %(error)s") % {"error": exc}},
        )
    finally:
        if fetched is not None:
            fetched.unlink(missing_ok=True)
        if job.stored_file:
            Path(job.stored_file).unlink(missing_ok=True)


#: How many times a load is tried in all when its worker keeps dying (the file may be the cause).
MAX_ATTEMPTS = 2


def fail_stopped_ingest_jobs(alive: workers.Liveness) -> int:
    """Mark failed every running load whose worker is gone, and queue it again (as a new job, so the
    failed one keeps its reason) when its file is still there and it has attempts left; then delete
    orphan uploads. Registered with `core.workers.register_stopped_work_sweep`; returns the count failed.

    Each job is failed in its own transaction with a row lock (`workers.fail_stopped_rows`), so two
    sweeps never retry it twice.
    """
    failed = workers.fail_stopped_rows(IngestJob.objects.filter(status=JobStatus.RUNNING), alive, fail=_fail_job)
    delete_orphan_uploads()
    return failed


def _fail_job(job: IngestJob) -> None:
    retry = _retry_stopped(job)
    message = _("The worker stopped while this was running, so the load did not finish.")
    if retry is not None:
        message += " " + _("It was queued again as job %(job)s.") % {"job": retry.pk}
    else:
        message += " " + _("The table keeps its previous version; start the load again.")
    IngestJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        stage="failed",
        finished_at=timezone.now(),
        error={"code": "worker_stopped", "message": message, "retry": retry.pk if retry else None},
    )


def _retry_stopped(job: IngestJob) -> IngestJob | None:
    """A new queued copy of `job` (the upload moves to it), or None when retrying is not safe: no
    attempts left, or the uploaded file is gone. A load is idempotent: nothing is swapped until it ends."""
    if job.attempt >= MAX_ATTEMPTS:
        return None
    if job.source_kind == SourceKind.UPLOAD and not (job.stored_file and Path(job.stored_file).is_file()):
        return None
    retry = IngestJob.objects.create(
        table_id=job.table_id,
        source_kind=job.source_kind,
        source=job.source,
        stored_file=job.stored_file,
        declared_format=job.declared_format,
        created_by_id=job.created_by_id,
        attempt=job.attempt + 1,
    )
    IngestJob.objects.filter(pk=job.pk).update(stored_file="")
    from civicdata.datastore.tasks import ingest_table

    transaction.on_commit(lambda: ingest_table.enqueue(job_id=retry.pk))
    return retry


def delete_orphan_uploads(*, now: datetime | None = None) -> list[Path]:
    """Delete files in DATA_DIR/datastore-incoming that no waiting or running load uses and that are
    older than DATASTORE_ORPHAN_UPLOAD_HOURS (a worker killed mid-load leaves its upload behind)."""
    cutoff = (now or timezone.now()).timestamp() - settings.DATASTORE_ORPHAN_UPLOAD_HOURS * 3600
    in_use = set(
        IngestJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .exclude(stored_file="")
        .values_list("stored_file", flat=True)
    )
    deleted = []
    for path in incoming_dir().iterdir():
        try:
            if path.is_file() and str(path) not in in_use and path.stat().st_mtime < cutoff:
                path.unlink()
                deleted.append(path)
        except FileNotFoundError:
            continue
    if deleted:
        logger.info("deleted %s orphan upload(s) from %s", len(deleted), incoming_dir())
    return deleted


def _load_version(source: Path, *, store: TableStore, relation: str, progress: Any, **options: Any) -> IngestResult:
    """A new, not yet current version of `relation` from `source`: read in a child process capped at
    DATASTORE_INGEST_PROCESS_MB of memory (or in this process when the setting is 0)."""
    address_space_mb = settings.DATASTORE_INGEST_PROCESS_MB
    if address_space_mb > 0:
        return ingest_isolated(
            source, store=store, relation=relation, address_space_mb=address_space_mb, progress=progress, **options
        )
    return ingest_file(source, store=store, relation=relation, progress=progress, swap=False, **options)


def _job_source(job: IngestJob) -> tuple[Path, Path | None]:
    """The file to load, and the temporary download to delete afterwards (URL sources only)."""
    if job.source_kind == SourceKind.URL:
        from civicdata.core.fetch import FetchError, fetch_to_file

        try:
            fetched, _response = fetch_to_file(
                job.source, max_bytes=settings.DATASTORE_MAX_FILE_MB << 20, deadline=settings.FETCH_BACKGROUND_DEADLINE
            )
        except FetchError as exc:
            raise IngestError(exc.message, code=exc.code) from None
        return fetched, fetched
    if job.source_kind == SourceKind.UPLOAD:
        return Path(job.stored_file), None
    return Path(job.source), None


def _ingest_info(job: IngestJob, result: IngestResult) -> dict[str, Any]:
    """What the load found out about the file, kept with the table (`ingest_info`)."""
    return {
        "source": job.source,
        "source_format": result.source_format,
        "encoding": result.encoding,
        "delimiter": result.delimiter,
        "cast_failures": result.cast_failures,
        "demoted_columns": result.demoted_columns,
        "blank_headers": result.blank_headers,
        "duplicate_headers": result.duplicate_headers,
        "pinned_types": job.table.ingest_info.get("pinned_types", []),
        "seconds": round(result.seconds, 3),
    }


def _apply_pii_decisions(
    store: TableStore, table: DataTable, version: int, schema: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """Re-apply staff's drop and mask decisions to a freshly loaded version: a derived version replaces it."""
    decisions = dict(PiiDecision.objects.filter(table=table).values_list("column", "action"))
    derived = decision_select(schema, decisions)
    if not derived:
        return version, schema
    select_sql, schema = derived
    masked_version = store.derive(table.relation, version, select_sql)
    store.discard(table.relation, version)
    return masked_version, schema


def update_schema(table: DataTable, *, edits: dict[str, dict[str, Any]], by: Any) -> DataTable:
    """Apply staff edits (titles, descriptions, types, formats, constraints). A type change writes a
    new version with the values re-cast (cells that do not fit become missing and are counted) and
    pins that type for future reloads. Raises InvalidInput listing every problem."""
    if not table.is_loaded:
        raise InvalidInput(_("Load the table before editing its schema."))
    try:
        schema, retyped = apply_edits(table.schema, edits)
    except SchemaError as exc:
        raise InvalidInput(_("The schema has problems."), code="schema_invalid", details=exc.problems) from None
    if not retyped:
        with transaction.atomic():
            locked = DataTable.objects.select_for_update().get(pk=table.pk)
            before = {"schema": locked.schema}
            locked.schema = schema
            locked.quality = quality.quality_report(
                runtime.open_cursor(locked),
                schema,
                cast_failures=locked.ingest_info.get("cast_failures"),
                blank_headers=locked.ingest_info.get("blank_headers"),
                duplicate_headers=locked.ingest_info.get("duplicate_headers"),
            )
            locked.updated_at = timezone.now()
            locked.save(update_fields=["schema", "quality", "updated_at"])
            record_write(
                actor=by, action="datastore.schema.edit", target=locked, before=before, after={"schema": schema}
            )
        return locked
    store = runtime.get_store()
    fields = field_map(schema)
    parts, checks = [], []
    for f in schema["fields"]:
        col = quote_ident(f["name"])
        if f["name"] in retyped:
            expr, _duck_type = cast_expression(f"CAST({col} AS VARCHAR)", f["type"], f.get("format", "default"))
            parts.append(f"{expr} AS {col}")
            checks.append(
                (f["name"], f"count(*) FILTER (WHERE trim(CAST({col} AS VARCHAR)) <> '' AND ({expr}) IS NULL)")
            )
        else:
            parts.append(col)
    cur = runtime.open_cursor(table)
    counts = cur.execute(f"SELECT {', '.join(sql for _name, sql in checks)} FROM data").fetchone()  # noqa: S608
    failures = {name: int(n) for (name, _sql), n in zip(checks, counts, strict=True) if n}
    try:
        version = store.derive(table.relation, table.version, ", ".join(parts))
    except Exception as exc:
        raise InvalidInput(_("The new types cannot be applied: %(error)s") % {"error": exc}) from None
    info = dict(table.ingest_info)
    info["pinned_types"] = sorted(set(info.get("pinned_types", [])) | set(retyped))
    info["cast_failures"] = {**info.get("cast_failures", {}), **failures}
    if "x-geo" in schema and any(fields[c]["type"] not in ("number", "integer") for c in schema["x-geo"].values()):
        schema.pop("x-geo")
    return install_version(
        table,
        version=version,
        schema=schema,
        row_count=table.row_count,
        info=info,
        by=by,
        action="datastore.schema.retype",
    )


@transaction.atomic
def publish_table(table: DataTable, *, by: Any) -> DataTable:
    """Open the table to everyone. Refused while a flagged PII column has no decision, or before a
    load. (The dataset itself must also be published and public for the table to be visible.)"""
    locked = DataTable.objects.select_for_update().get(pk=table.pk)
    if not locked.is_loaded:
        raise Conflict(_("Load data into the table before publishing it."), code="datastore.not_loaded")
    pending = unresolved_pii(locked)
    if pending:
        raise Conflict(
            _("Review the possible personal data first: %(columns)s.") % {"columns": ", ".join(pending)},
            code="datastore.pii_unresolved",
        )
    before = snapshot(locked, fields=["status"])
    locked.status = TableStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    record_write(
        actor=by, action="datastore.table.publish", target=locked, before=before, after={"status": "published"}
    )
    return locked


@transaction.atomic
def unpublish_table(table: DataTable, *, by: Any) -> DataTable:
    """Take the table out of public view (it stays loaded for staff)."""
    locked = DataTable.objects.select_for_update().get(pk=table.pk)
    if locked.status == TableStatus.PUBLISHED:
        locked.status = TableStatus.READY
        locked.published_at = None
        locked.save(update_fields=["status", "published_at"])
        record_write(actor=by, action="datastore.table.unpublish", target=locked, after={"status": "ready"})
    return locked


def delete_table(table: DataTable, *, by: Any) -> None:
    """Remove the table record and every DuckDB version of it."""
    relation = table.relation
    with transaction.atomic():
        record_write(actor=by, action="datastore.table.delete", target=table, before=snapshot(table))
        table.delete()
    try:
        runtime.get_store().drop(relation)
    except StoreError:
        logger.warning("could not remove files of %s", relation)
    shutil.rmtree(runtime.store_root() / relation, ignore_errors=True)
