"""Catalog imports and harvests: one-off imports of a data.json, harvest sources (register, approve, run,
schedule) and the run reports. Writes happen in one transaction per run: all or nothing."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.catalog import columns as layout
from civicdata.catalog import pod, records
from civicdata.catalog.ingest.convert import convert_catalog, is_v10_catalog
from civicdata.catalog.ingest.planning import (
    Action,
    Plan,
    dataset_name,
    facet_values,
    missing_fields,
    plan_import,
    row_values,
)
from civicdata.catalog.models import (
    Dataset,
    DatasetFacet,
    DatasetRevision,
    Distribution,
    HarvestKind,
    HarvestRun,
    HarvestSchedule,
    HarvestSource,
    RevisionSource,
    RunStatus,
)
from civicdata.catalog.search import bulk_index_mode
from civicdata.catalog.services._bulkwrite import deferred_indexes, insert_rows
from civicdata.catalog.services.datasets import (
    _apply_flat,
    _insert_facets,
    _replace_children,
    _revision,
    profile_for,
    publisher_search_text,
)
from civicdata.core.audit import record_write
from civicdata.core.errors import ActionRefused, InvalidInput

log = logging.getLogger(__name__)
BULK_BATCH = 500


def _write_plan(plan: Plan, *, publisher: Organization, source: HarvestSource | None, by: Any, origin: str) -> None:
    """Apply a plan inside the caller's transaction."""
    now = timezone.now()
    revision_source = RevisionSource.HARVEST if source is not None else RevisionSource.IMPORT
    # New datasets: plain multi-row inserts (see _bulkwrite.py), then their ids by identifier.
    new_items = [item for item in plan.items if item.action == Action.NEW]
    author_id = by.pk if getattr(by, "is_authenticated", False) else None
    tables = (Dataset, Distribution, DatasetFacet, DatasetRevision)
    if new_items:  # else nothing to insert: the trigger and indexes stay as they are (no schema change)
        with bulk_index_mode() as index_for_search, deferred_indexes(tables, incoming=len(new_items)) as deferred:
            _write_new(new_items, index_for_search, publisher=publisher, source=source, now=now,
                       revision_source=revision_source, author_id=author_id, indexes_deferred=deferred)  # fmt: skip
    _write_changed(plan, source=source, by=by, now=now, revision_source=revision_source)
    _write_withdrawn(plan, now=now, origin=origin)
    _write_received(plan)


def _write_received(plan: Plan) -> None:
    """Unchanged datasets whose stored received hash is not today's (the first run after the repair rules
    changed) take today's, so that the next run of the same catalog skips their repairs. Nothing else of them
    is written: they stay unchanged, with no revision and the same modification time."""
    stale = [
        (item.received_hash, ",".join(item.repairs), item.existing_id)
        for item in plan.items
        if item.received_stale and item.received_hash
    ]
    if not stale:
        return
    # One prepared statement run per row (bulk_update's CASE expressions grow with the batch and are slower).
    quote = connection.ops.quote_name
    table = quote(Dataset._meta.db_table)
    columns = f"{quote('received_hash')} = %s, {quote('received_repairs')} = %s"
    sql = f"UPDATE {table} SET {columns} WHERE {quote('id')} = %s"  # noqa: S608 (quoted names of this model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, stale)


def _write_new(new_items: list, index_for_search: Any, *, publisher: Organization, source: HarvestSource | None,
               now: Any, revision_source: str, author_id: int | None, indexes_deferred: bool) -> None:  # fmt: skip
    indexed: list[int] = []
    for start in range(0, len(new_items), 5000):
        batch = new_items[start : start + 5000]
        flats = [pod.to_flat(item.source) for item in batch]
        rows = []
        for item, flat in zip(batch, flats, strict=True):
            row = row_values(flat)
            row.update(
                publisher_id=publisher.pk,
                name=dataset_name(flat.title, flat.identifier),
                publisher_name=publisher_search_text(flat, publisher),
                harvest_source_id=source.pk if source else None,
                content_hash=item.content_hash,
                upstream_hash=item.content_hash,
                received_hash=item.received_hash,
                received_repairs=",".join(item.repairs),
                # Invalid after the repairs: stored, but held back from every listing until fixed.
                is_published=not item.held_back,
                published_at=None if item.held_back else now,
                needs_fixing=item.held_back,
                findings=item.problems[:20],
                is_valid=item.valid,
                problem_count=len(item.problems),
                missing_fields=missing_fields(item.problems),
                created_at=now,
                updated_at=now,
            )
            rows.append(row)
        insert_rows(Dataset, rows)
        ids = dict(
            Dataset.objects.filter(identifier__in=[item.identifier for item in batch]).values_list("identifier", "id")
        )
        indexed.extend(ids.values())
        insert_rows(
            Distribution,
            (
                {"dataset_id": ids[item.identifier], **layout.distribution_columns(dist, position)}
                for item, flat in zip(batch, flats, strict=True)
                for position, dist in enumerate(flat.distribution or [])
            ),
        )
        # Sorted so that the indexes grow in order instead of by random inserts: by (facet, value) for the
        # facet index, or, when that index is rebuilt at the end, in the order of the table's unique key.
        facet_rows = [
            (ids[item.identifier], str(kind), value)  # str(): the plain value of the choice, bound faster
            for item, flat in zip(batch, flats, strict=True)
            for kind, value in facet_values(flat, publisher.slug)
        ]
        facet_rows.sort() if indexes_deferred else facet_rows.sort(key=lambda row: (row[1], row[2]))
        _insert_facets(facet_rows)
        insert_rows(
            DatasetRevision,
            (
                {
                    "dataset_id": ids[item.identifier],
                    "number": 1,
                    "source": revision_source,
                    "author_id": author_id,
                    "created_at": now,
                    "snapshot": item.source,
                    "diff": [],
                    "content_hash": item.content_hash,
                    "summary": "",
                }
                for item in batch
            ),
        )

    # The full-text index in one pass over every new dataset, once their rows are all written.
    index_for_search(indexed)


def _write_changed(plan: Plan, *, source: HarvestSource | None, by: Any, now: Any, revision_source: str) -> None:
    """Changed datasets (including restored ones): updated in place, with a revision each."""
    changed = [item for item in plan.items if item.action == Action.CHANGED]
    for start in range(0, len(changed), 1000):
        batch = changed[start : start + 1000]
        stored = Dataset.objects.select_related("publisher").in_bulk([item.existing_id for item in batch])
        previous = records.pods_for(stored.values())
        numbers = _latest_numbers([item.existing_id for item in batch])
        pairs: list[tuple[Dataset, pod.FlatDataset]] = []
        revisions: list[DatasetRevision] = []
        for item in batch:
            dataset = stored[item.existing_id]
            flat = pod.to_flat(item.source)
            _apply_flat(dataset, flat)
            dataset.content_hash = dataset.upstream_hash = item.content_hash
            dataset.received_hash, dataset.received_repairs = item.received_hash, ",".join(item.repairs)
            dataset.is_valid = item.valid
            dataset.problem_count = len(item.problems)
            dataset.missing_fields = missing_fields(item.problems)
            dataset.findings = item.problems[:20]
            dataset.updated_at = now
            dataset.harvest_source = source or dataset.harvest_source
            if item.restore:
                dataset.withdrawn_at = None
                dataset.withdrawn_reason = ""
                dataset.is_published = True
            if item.held_back:
                dataset.needs_fixing, dataset.is_published = True, False
            elif dataset.needs_fixing:
                # Fixed upstream: it was held back only for its problems, so it is published again.
                dataset.needs_fixing = False
                dataset.is_published = dataset.withdrawn_at is None
                dataset.published_at = dataset.published_at or now
            pairs.append((dataset, flat))
            revisions.append(
                _revision(
                    dataset,
                    source=revision_source,
                    by=by,
                    snapshot=item.source,
                    previous=previous.get(dataset.pk),
                    number=numbers.get(dataset.pk, 0) + 1,
                )
            )
        fields = [
            *row_values(pod.FlatDataset()).keys(),
            "content_hash",
            "upstream_hash",
            "received_hash",
            "received_repairs",
            "is_valid",
            "problem_count",
            "missing_fields",
            "findings",
            "needs_fixing",
            "published_at",
            "updated_at",
            "harvest_source",
            "withdrawn_at",
            "withdrawn_reason",
            "is_published",
        ]
        Dataset.objects.bulk_update([p[0] for p in pairs], fields, batch_size=200)
        _replace_children(pairs)
        DatasetRevision.objects.bulk_create(revisions, batch_size=BULK_BATCH)


def _write_withdrawn(plan: Plan, *, now: Any, origin: str) -> None:
    """Gone upstream: withdrawn, never deleted."""
    withdrawn_ids = [item.existing_id for item in plan.withdrawn]
    for start in range(0, len(withdrawn_ids), BULK_BATCH):
        Dataset.objects.filter(pk__in=withdrawn_ids[start : start + BULK_BATCH]).update(
            withdrawn_at=now,
            is_published=False,
            withdrawn_reason=_("No longer listed by the harvest source %(origin)s.") % {"origin": origin},
            updated_at=now,
        )


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """On SQLite, give this connection a 256 MB page cache while a large import writes its indexes, and
    let the sorts of the index rebuilds run in memory (temp_store) rather than in temporary files.

    Neither changes durability: the page cache only holds the transaction's pages until its commit, and
    temp_store concerns scratch data that never outlives a statement. journal_mode (WAL) and synchronous
    (NORMAL) stay as the connection set them, so a committed import survives a crash of the process.
    """
    if connection.vendor != "sqlite":
        yield
        return
    # SQLite refuses to change temp_store inside a transaction (an import run within a caller's atomic
    # block, as in tests, keeps the connection's setting).
    temp_store = not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")
        if temp_store:
            cursor.execute("PRAGMA temp_store")
            (previous_temp,) = cursor.fetchone()
            cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
            if temp_store:
                cursor.execute(f"PRAGMA temp_store = {int(previous_temp)}")


def _latest_numbers(ids: list[int]) -> dict[int, int]:
    rows = DatasetRevision.objects.filter(dataset_id__in=ids).values("dataset_id").annotate(last=Max("number"))
    return {row["dataset_id"]: row["last"] for row in rows}


def _finish_run(run: HarvestRun, plan: Plan | None, *, status: str, error: str = "") -> HarvestRun:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    if plan is not None:
        run.created_count = plan.count(Action.NEW)
        run.changed_count = plan.count(Action.CHANGED)
        run.unchanged_count = plan.count(Action.UNCHANGED)
        run.conflict_count = plan.count(Action.CONFLICT)
        run.withdrawn_count = plan.count(Action.WITHDRAWN)
        run.invalid_count = plan.invalid_count
        run.repaired_count = plan.repaired_count
        run.held_back_count = plan.held_back_count
        run.summary = {**run.summary, "repairs": plan.repair_counts()}
        run.report = plan.report()
    run.save()
    return run


def import_catalog(
    *,
    publisher: Organization,
    document: Any,
    by: Any,
    origin: str = "",
    source: HarvestSource | None = None,
    dry_run: bool = False,
    withdraw_missing: bool = False,
    listed: frozenset[str] | None = None,
) -> HarvestRun:
    """Import the datasets of a parsed v1.1 catalog document for `publisher`, or plan it (`dry_run`).

    Preconditions: `document` is a catalog object with a `dataset` list, or a v1.0 list of datasets (converted
    to v1.1 first, see ingest/convert.py), else the run fails with a clear error and nothing is written. Every
    dataset goes through the repairs of ingest/repair.py; one still invalid under the publisher's profile is
    stored as "needs fixing" and kept out of every listing. Incremental: unchanged datasets are not
    rewritten; local edits are kept and listed as conflicts; with `withdraw_missing` (harvests), datasets
    of `source` no longer listed are withdrawn (with `listed`, a harvest split by publisher: only this
    publisher's, and only those missing from `listed`). All writes happen in one transaction: all or nothing.
    Returns the HarvestRun with counts and a per-dataset report.
    """
    run = HarvestRun.objects.create(
        source=source,
        publisher=publisher,
        origin=origin[:2000],
        dry_run=dry_run,
        status=RunStatus.RUNNING,
        triggered_by=by if getattr(by, "is_authenticated", False) else None,
        started_at=timezone.now(),
    )
    if is_v10_catalog(document):
        # A 2013-era v1.0 catalog (array root): converted to v1.1 by the official mapping first.
        conversion = convert_catalog(document)
        document = conversion.document
        run.summary = {"conversion": conversion.report()}
    datasets = document.get("dataset") if isinstance(document, dict) else None
    if not isinstance(datasets, list):
        return _finish_run(
            run,
            None,
            status=RunStatus.FAILED,
            error=_("The document has no “dataset” list, so there is nothing to import."),
        )
    try:
        plan = plan_import(
            datasets,
            publisher_id=publisher.pk,
            profile=profile_for(publisher),
            source_id=source.pk if source else None,
            withdraw_missing=withdraw_missing,
            listed=listed,
        )
        if not dry_run:
            with _large_page_cache(), transaction.atomic():
                _write_plan(plan, publisher=publisher, source=source, by=by, origin=origin)
                record_write(
                    actor=by,
                    action="catalog.harvest" if source else "catalog.import",
                    target=source or publisher,
                    after={
                        "origin": origin,
                        "new": plan.count(Action.NEW),
                        "changed": plan.count(Action.CHANGED),
                        "withdrawn": plan.count(Action.WITHDRAWN),
                        "conflicts": plan.count(Action.CONFLICT),
                        "needs_fixing": plan.held_back_count,
                    },
                )
    except Exception as exc:
        log.exception("catalog import from %s failed", origin)
        return _finish_run(
            run,
            None,
            status=RunStatus.FAILED,
            error=_("The import stopped and nothing was changed: %(reason)s") % {"reason": exc},
        )
    if source is not None and not dry_run:
        HarvestSource.objects.filter(pk=source.pk).update(last_run_at=timezone.now())
    if not dry_run and any(plan.count(action) for action in (Action.NEW, Action.CHANGED, Action.WITHDRAWN)):
        # The listings changed: the worker writes /data.json afresh before anyone asks for it.
        from civicdata.catalog.tasks import enqueue_prepare_listing

        transaction.on_commit(enqueue_prepare_listing)
    return _finish_run(run, plan, status=RunStatus.SUCCEEDED)


def _failed_run(*, publisher: Organization, by: Any, origin: str, source: HarvestSource | None, dry_run: bool,
                error: str) -> HarvestRun:  # fmt: skip
    now = timezone.now()
    return HarvestRun.objects.create(
        source=source,
        publisher=publisher,
        origin=origin[:2000],
        dry_run=dry_run,
        status=RunStatus.FAILED,
        triggered_by=by if getattr(by, "is_authenticated", False) else None,
        started_at=now,
        finished_at=now,
        error=error,
    )


def import_catalog_from(
    *,
    publisher: Organization,
    location: str,
    by: Any,
    dry_run: bool = False,
    kind: str = HarvestKind.DATAJSON,
    keep: list[Any] | None = None,
) -> HarvestRun:
    """Read a catalog from a local file or an http(s) URL (via the SSRF-safe fetcher) and import it.

    Unreadable input (bad JSON, HTML page, error body, too large) gives a failed run that explains it.
    `keep`, when given, receives the parsed document: a command that exits right after the import leaves its
    memory to the operating system rather than freeing it object by object (see validate_cli).
    """
    from civicdata.catalog.ingest.sources import SourceError, load_document

    try:
        document = load_document(location, kind=kind, allow_any_file=True)
    except SourceError as exc:
        return _failed_run(publisher=publisher, by=by, origin=location, source=None, dry_run=dry_run, error=exc.message)
    if keep is not None:
        keep.append(document)
    return import_catalog(publisher=publisher, document=document, by=by, origin=location, dry_run=dry_run)


def _imports_dir() -> Path:
    return Path(settings.DATA_DIR) / "catalog-imports"


def preview_uploaded_catalog(*, publisher: Organization, upload: Any, by: Any) -> HarvestRun:
    """A dry run of a data.json uploaded from someone's computer: the same plan and report as a harvest.

    The file is read up to CATALOG_MAX_BYTES (an unreadable or too large file gives a failed run that
    explains it, naming nothing on the server). A readable file is kept under DATA_DIR until it is
    imported with `import_uploaded_catalog`. Preconditions: the caller checked that `by` may edit for
    `publisher`.
    """
    from civicdata.catalog.ingest.reading import CatalogTooLarge, read_limited
    from civicdata.catalog.ingest.sources import SourceError, document_from_bytes, max_bytes

    name = Path(str(getattr(upload, "name", "") or "data.json").replace("\\", "/")).name[:200]
    origin = _("Uploaded file %(name)s") % {"name": name}
    try:
        if getattr(upload, "size", None) and upload.size > max_bytes():
            raise CatalogTooLarge(max_bytes())
        upload.seek(0)
        data = read_limited(upload, max_bytes=max_bytes())
        document = document_from_bytes(data)
    except CatalogTooLarge:
        error = _("The file is larger than the %(mb)s MB the site reads; split the catalog.") % {
            "mb": max_bytes() >> 20
        }
        return _failed_run(publisher=publisher, by=by, origin=origin, source=None, dry_run=True, error=error)
    except SourceError as exc:
        return _failed_run(publisher=publisher, by=by, origin=origin, source=None, dry_run=True, error=exc.message)
    run = import_catalog(publisher=publisher, document=document, by=by, origin=origin, dry_run=True)
    if run.status == RunStatus.SUCCEEDED:
        key = uuid.uuid4().hex
        folder = _imports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.json").write_bytes(data)
        HarvestRun.objects.filter(pk=run.pk).update(upload_key=key)
        run.upload_key = key
    return run


def import_uploaded_catalog(preview: HarvestRun, *, by: Any) -> HarvestRun:
    """Import the data.json behind a successful dry run of an upload (see `preview_uploaded_catalog`).

    Preconditions: the caller checked that `by` may edit for the run's publisher; `preview` is a dry run
    whose file is still kept (InvalidInput otherwise: it was imported already, or never readable). The
    import is one transaction (all or nothing); the kept file is removed afterwards.
    """
    from civicdata.catalog.ingest.sources import SourceError, document_from_bytes

    with transaction.atomic():
        locked = HarvestRun.objects.select_for_update().get(pk=preview.pk)
        key = locked.upload_key
        if not (locked.dry_run and key and locked.status == RunStatus.SUCCEEDED):
            raise InvalidInput(
                _("This preview cannot be imported (it was imported already). Upload the file again."),
                code="preview_used",
            )
        locked.upload_key = ""
        locked.save(update_fields=["upload_key"])
    path = _imports_dir() / f"{key}.json"
    try:
        document = document_from_bytes(path.read_bytes())
    except (OSError, SourceError):
        raise InvalidInput(_("The uploaded file is no longer kept. Upload it again."), code="upload_gone") from None
    run = import_catalog(publisher=locked.publisher, document=document, by=by, origin=locked.origin)
    if run.status != RunStatus.SUCCEEDED:
        # Nothing was written: the preview stays importable once the problem is solved.
        HarvestRun.objects.filter(pk=locked.pk).update(upload_key=key)
        return run
    path.unlink(missing_ok=True)
    return run


def register_harvest_source(
    *,
    publisher: Organization,
    name: str,
    kind: str,
    url: str,
    schedule: str,
    by: Any,
    slug: str = "",
    create_publishers: bool = False,
) -> HarvestSource:
    """Register a harvest source (inactive until approved after a dry run). Audited, one transaction.

    Preconditions: `kind` is a HarvestKind; the address is an http(s) URL, or a `file:` path inside an
    allowed folder (CATALOG_HARVEST_FILE_DIRS). With `create_publishers` (the rules of `catalog import
    --create-publishers`, see services/publishers.py) `publisher` is a publisher and `by` may create
    organisations under it (an administrator of it or site staff; None: an operator), else InvalidInput
    or ActionRefused.
    """
    from django.utils.text import slugify

    from civicdata.accounts import permissions as account_permissions
    from civicdata.catalog.ingest.sources import SourceError, check_location

    if create_publishers:
        if publisher.kind != "publisher":
            raise InvalidInput(_("A publisher can only be part of another publisher."), code="invalid_parent")
        if by is not None and not account_permissions.can_manage_members(by, publisher):
            raise ActionRefused(
                _("Only administrators of %(organization)s can let a source create publishers under it.")
                % {"organization": publisher.name},
                code="not_org_admin",
            )
    if kind not in HarvestKind.values:
        raise InvalidInput(_("Unknown kind of harvest source."), code="harvest_kind")
    if schedule not in HarvestSchedule.values:
        raise InvalidInput(_("Unknown schedule."), code="harvest_schedule")
    try:
        check_location(url)
    except SourceError as exc:
        raise InvalidInput(exc.message, code=exc.code) from None
    base = slugify(slug or name)[:70] or "source"
    candidate, counter = base, 2
    while HarvestSource.objects.filter(slug=candidate).exists():
        candidate, counter = f"{base}-{counter}", counter + 1
    with transaction.atomic():
        source = HarvestSource.objects.create(
            name=name.strip()[:200] or url[:200],
            slug=candidate,
            publisher=publisher,
            kind=kind,
            url=url.strip(),
            schedule=schedule,
            create_publishers=create_publishers,
            is_active=False,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_write(
            actor=by,
            action="catalog.harvest_source.register",
            target=source,
            after={"url": source.url, "create_publishers": create_publishers},
        )
    return source


def approve_harvest_source(source: HarvestSource, *, by: Any) -> HarvestSource:
    """Approve a source after reviewing its dry run: it becomes active and runs on its schedule.

    Precondition: at least one successful dry run exists (InvalidInput otherwise).
    """
    if not source.runs.filter(dry_run=True, status=RunStatus.SUCCEEDED).exists():
        raise InvalidInput(_("Preview a dry run of this source before approving it."), code="dry_run_first")
    with transaction.atomic():
        source.is_active = True
        source.approved_at = timezone.now()
        source.approved_by = by if getattr(by, "is_authenticated", False) else None
        source.save(update_fields=["is_active", "approved_at", "approved_by"])
        record_write(actor=by, action="catalog.harvest_source.approve", target=source, after={"active": True})
    return source


def run_harvest(source: HarvestSource, *, by: Any = None, dry_run: bool = False) -> HarvestRun:
    """Fetch a source and import it (or plan it when `dry_run`); datasets gone upstream are withdrawn.

    Preconditions: a real run needs an approved, active source (a dry run does not). A source that creates
    missing publishers runs once per publisher (see `harvest_per_publisher`) and returns the first run.
    """
    from civicdata.catalog.ingest.sources import SourceError, load_document
    from civicdata.catalog.services.publishers import harvest_per_publisher

    if not dry_run and not (source.is_active and source.approved_at):
        raise InvalidInput(_("This source has not been approved yet."), code="source_not_approved")
    try:
        # A dry run answers a person waiting on the page; a real run is the worker's.
        deadline = None if dry_run else settings.FETCH_BACKGROUND_DEADLINE
        document = load_document(source.url, kind=source.kind, deadline=deadline)
    except SourceError as exc:
        return _failed_run(
            publisher=source.publisher, by=by, origin=source.url, source=source, dry_run=dry_run, error=exc.message
        )
    if source.create_publishers:
        return harvest_per_publisher(source, document=document, by=by, dry_run=dry_run)
    return import_catalog(
        publisher=source.publisher,
        document=document,
        by=by,
        origin=source.url,
        source=source,
        dry_run=dry_run,
        withdraw_missing=True,
    )


def due_harvest_sources(*, now: Any = None) -> list[HarvestSource]:
    """Active approved sources whose schedule says they should run now."""
    now = now or timezone.now()
    due: list[HarvestSource] = []
    intervals = {HarvestSchedule.DAILY: timedelta(days=1), HarvestSchedule.WEEKLY: timedelta(days=7)}
    for source in HarvestSource.objects.filter(is_active=True, approved_at__isnull=False).exclude(
        schedule=HarvestSchedule.MANUAL
    ):
        interval = intervals[HarvestSchedule(source.schedule)]
        if source.last_run_at is None or now - source.last_run_at >= interval:
            due.append(source)
    return due
