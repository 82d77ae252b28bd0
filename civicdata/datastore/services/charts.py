"""Saved charts of Data API tables."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write, snapshot
from civicdata.core.errors import InvalidInput
from civicdata.datastore import charts
from civicdata.datastore.models import Chart, DataTable


def save_chart(
    table: DataTable, *, title: str, chart_type: str, x: str = "", y: str = "", aggregate: str = "count", by: Any
) -> Chart:
    """Save a chart after checking it fits the table's columns (renders it once to be sure)."""
    request = charts.ChartRequest(type=chart_type, x=x, y=y, aggregate=aggregate, title=title)
    try:
        charts.validate(request, table.schema)
    except charts.ChartError as exc:
        raise InvalidInput(str(exc), code="chart_invalid") from None
    title = title.strip() or _("Chart")
    with transaction.atomic():
        chart = Chart.objects.create(
            table=table,
            title=title[:200],
            chart_type=chart_type,
            x=x if chart_type != "map" else "",
            y=y if aggregate != "count" else "",
            aggregate=aggregate,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        record_write(actor=by, action="datastore.chart.save", target=chart, after=snapshot(chart))
    return chart


@transaction.atomic
def delete_chart(chart: Chart, *, by: Any) -> None:
    """Remove a saved chart (embeds of it then answer 404). One transaction with its audit entry."""
    record_write(actor=by, action="datastore.chart.delete", target=chart, before=snapshot(chart))
    chart.delete()
