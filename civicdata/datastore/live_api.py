"""JSON API of live database tables, mounted at /api/tools/live-tables (publishers' editors and site staff).
The connection address is write-only: answers show it without its password."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from civicdata.accounts.auth import signed_in
from civicdata.catalog.models import Dataset
from civicdata.core.errors import ActionRefused

from .models import LiveRefresh, LiveSource
from .permissions import can_manage_table
from .services import live_sources as services

router = Router(tags=["tools"])


class LiveTableIn(Schema):
    dataset: str
    connection_url: str
    relation: str
    title: str = ""
    refresh: str = LiveRefresh.DAILY
    row_cap: int | None = None


class LiveTableOut(Schema):
    id: int
    dataset: str
    table: str
    table_url: str
    engine: str
    connection: str
    relation: str
    refresh: str
    row_cap: int
    last_refreshed_at: dt.datetime | None = None
    last_rows: int | None = None
    last_truncated: bool
    last_error: str
    next_refresh_at: dt.datetime | None = None


def _out(source: LiveSource) -> dict[str, Any]:
    return {
        "id": source.pk,
        "dataset": source.table.dataset.name,
        "table": source.table.name,
        "table_url": source.table.get_absolute_url(),
        "engine": source.engine,
        "connection": source.connection_display,
        "relation": source.relation,
        "refresh": source.refresh,
        "row_cap": source.row_cap,
        "last_refreshed_at": source.last_refreshed_at,
        "last_rows": source.last_rows,
        "last_truncated": source.last_truncated,
        "last_error": source.last_error,
        "next_refresh_at": source.next_refresh_at,
    }


def _source(user: Any, source_id: int) -> LiveSource:
    source = get_object_or_404(LiveSource.objects.select_related("table__dataset__publisher"), pk=source_id)
    if not can_manage_table(user, source.table):
        raise ActionRefused(_("Only editors of the dataset's publisher can change this live table."), code="not_editor")
    return source


@router.get("/live-tables", response=list[LiveTableOut], auth=signed_in, summary="Live database tables")
def list_live_tables(request: HttpRequest) -> list[dict[str, Any]]:
    """The live tables the person may manage, newest first."""
    sources = LiveSource.objects.select_related("table__dataset__publisher")
    return [_out(source) for source in sources if can_manage_table(request.auth, source.table)]


@router.post("/live-tables", response={201: LiveTableOut}, auth=signed_in, summary="Connect a live database table")
def create_live_table(request: HttpRequest, payload: LiveTableIn) -> Status:
    """Connect a table or view of a database to a dataset; the first copy is queued at once."""
    dataset = get_object_or_404(Dataset.objects.select_related("publisher"), name=payload.dataset)
    source = services.register_live_source(
        dataset,
        connection_url=payload.connection_url,
        relation=payload.relation,
        title=payload.title,
        refresh=payload.refresh,
        row_cap=payload.row_cap,
        by=request.auth,
        site_url=request.build_absolute_uri("/"),
    )
    return Status(201, _out(source))


@router.get("/live-tables/{source_id}", response=LiveTableOut, auth=signed_in, summary="A live database table")
def live_table_detail(request: HttpRequest, source_id: int) -> dict[str, Any]:
    return _out(_source(request.auth, source_id))


@router.post(
    "/live-tables/{source_id}/refresh", response={202: LiveTableOut}, auth=signed_in, summary="Copy a live table now"
)
def refresh_live_table(request: HttpRequest, source_id: int) -> Status:
    source = _source(request.auth, source_id)
    services.request_refresh(source, by=request.auth)
    return Status(202, _out(source))


@router.delete("/live-tables/{source_id}", response={204: None}, auth=signed_in, summary="Stop copying a live table")
def delete_live_table(request: HttpRequest, source_id: int) -> Status:
    """The table keeps its last copy and becomes an ordinary table."""
    services.delete_live_source(_source(request.auth, source_id), by=request.auth)
    return Status(204, None)
