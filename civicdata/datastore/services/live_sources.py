"""Live tables: a table or view of the office's own database, copied into a Data API table now and on a
schedule. Registering one adds a distribution to the dataset (its accessURL is the table's page), makes
the table, stores the connection address encrypted and queues the first copy; each copy then goes
through the ordinary ingest, so types, the personal-data review and publishing work as for any file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.catalog import services as catalog_services
from civicdata.catalog.models import Dataset, Distribution
from civicdata.catalog.records import dataset_pod
from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput
from civicdata.datastore import live
from civicdata.datastore.ingest.headers import snake
from civicdata.datastore.models import DataTable, IngestJob, LiveRefresh, LiveSource
from civicdata.datastore.permissions import ensure_can_manage_dataset, ensure_can_manage_table
from civicdata.datastore.services.schedules import due_sources, next_refresh, run_claimed_copy
from civicdata.datastore.services.tables import create_table, incoming_dir, start_ingest


def register_live_source(
    dataset: Dataset,
    *,
    connection_url: str,
    relation: str,
    by: Any,
    site_url: str,
    title: str = "",
    refresh: str = LiveRefresh.DAILY,
    row_cap: int | None = None,
) -> LiveSource:
    """Connect `relation` of the database at `connection_url` to a new table of `dataset` and queue its
    first copy. Raises LiveSourceError (connection refused, no such table), InvalidInput or Conflict.

    The connection is tried and the table looked up before anything is saved, so a typo costs nothing.
    """
    ensure_can_manage_dataset(by, dataset)
    if refresh not in LiveRefresh.values:
        raise InvalidInput(_("Choose how often the table is refreshed."))
    cap = settings.LIVE_TABLE_ROW_CAP if row_cap is None else row_cap
    if not 1 <= cap <= settings.LIVE_TABLE_ROW_CAP:
        raise InvalidInput(
            _("The most rows must be between 1 and %(cap)s.") % {"cap": f"{settings.LIVE_TABLE_ROW_CAP:,}"}
        )
    connection = live.check_connection_url(connection_url)
    relation = relation.strip()
    if relation not in live.list_relations(connection):
        raise live.LiveSourceError(
            _("The database has no table or view named %(name)s.") % {"name": relation or "—"}, code="live.no_table"
        )
    name = (snake(relation.rpartition(".")[2])[:40] or "live_table").strip("_")
    if not name[:1].isalpha():
        name = f"t_{name}"
    if DataTable.objects.filter(dataset=dataset, name=name).exists():
        raise Conflict(_("This dataset already has a table named %(name)s.") % {"name": name})
    page = site_url.rstrip("/") + reverse("datastore:table", kwargs={"dataset": dataset.name, "table": name})
    entry = {
        "@type": "dcat:Distribution",
        "title": (title.strip() or relation)[:500],
        "accessURL": page,
        "format": "API",
        "description": _("Copied from the office's database (%(refresh)s).")
        % {"refresh": LiveRefresh(refresh).label.lower()},
    }
    with transaction.atomic():
        pod = dataset_pod(dataset)
        distributions = [d for d in pod.get("distribution") or [] if isinstance(d, dict)]
        catalog_services.update_dataset(dataset, data={**pod, "distribution": [*distributions, entry]}, by=by)
        distribution = Distribution.objects.filter(dataset=dataset, access_url=page).order_by("-id").first()
        if distribution is None:
            raise InvalidInput(_("The dataset could not take another distribution."))
        table = create_table(distribution=distribution, name=name, title=entry["title"], by=by)
        source = LiveSource.objects.create(
            table=table,
            engine=connection.engine_name,
            connection_secret=live.encrypt(connection.url.render_as_string(hide_password=False)),
            connection_display=connection.display,
            relation=relation,
            refresh=refresh,
            row_cap=cap,
            next_refresh_at=timezone.now(),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_write(
            actor=by,
            action="datastore.live_source.register",
            target=source,
            after={"connection": connection.display, "relation": relation, "refresh": refresh, "row_cap": cap},
        )
        transaction.on_commit(lambda: _enqueue_refresh(source.pk))
    return source


def _enqueue_refresh(source_id: int) -> None:
    from civicdata.datastore.tasks import refresh_live_table

    refresh_live_table.enqueue(source_id=source_id)


def request_refresh(source: LiveSource, *, by: Any) -> None:
    """Queue a copy now (the "Refresh now" button)."""
    ensure_can_manage_table(by, source.table)
    record_write(actor=by, action="datastore.live_source.refresh", target=source, after={})
    transaction.on_commit(lambda: _enqueue_refresh(source.pk))


def change_live_source(source: LiveSource, *, refresh: str, by: Any) -> LiveSource:
    ensure_can_manage_table(by, source.table)
    if refresh not in LiveRefresh.values:
        raise InvalidInput(_("Choose how often the table is refreshed."))
    before = source.refresh
    source.refresh = refresh
    source.next_refresh_at = next_refresh(refresh, after=source.last_refreshed_at)
    source.save(update_fields=["refresh", "next_refresh_at"])
    record_write(actor=by, action="datastore.live_source.change", target=source, before={"refresh": before},
                 after={"refresh": refresh})  # fmt: skip
    return source


def refresh_live_source(source_id: int) -> IngestJob | None:
    """Copy the table now (the worker runs this). A failure is written on the source, which keeps the
    rows of its last good copy; the next scheduled refresh tries again."""
    now = timezone.now()

    def copy(source: LiveSource) -> tuple[IngestJob, dict[str, Any]]:
        connection = live.check_connection_url(live.decrypt(source.connection_secret))
        copied = live.snapshot(
            connection,
            source.relation,
            incoming_dir(),
            row_cap=source.row_cap,
            max_bytes=settings.DATASTORE_MAX_FILE_MB << 20,
        )
        job = start_ingest(source.table, by=source.created_by, path=copied.path, declared_format="csv")
        return job, {"last_refreshed_at": now, "last_rows": copied.rows, "last_truncated": copied.truncated}

    return run_claimed_copy(
        LiveSource,
        source_id,
        now=now,
        # A copy whose worker died long ago (twice the query timeout, at least an hour) no longer holds it.
        stale_before=now - max(timedelta(hours=1), timedelta(seconds=2 * settings.LIVE_TABLE_QUERY_TIMEOUT)),
        copy=copy,
        expected=(live.LiveSourceError, InvalidInput),
    )


def due_live_sources(now: Any = None) -> list[int]:
    """Ids of live tables whose next refresh time has come."""
    return due_sources(LiveSource, now)


def delete_live_source(source: LiveSource, *, by: Any) -> None:
    """Stop refreshing: the table keeps its last copy and becomes an ordinary table."""
    ensure_can_manage_table(by, source.table)
    record_write(actor=by, action="datastore.live_source.delete", target=source, before={"relation": source.relation})
    source.delete()
