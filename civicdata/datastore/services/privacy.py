"""Personal data in Data API tables: which flagged columns still need a decision, and staff decisions
(drop, mask or justify). Drop and mask write a new version without the personal values."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.core.audit import record_write
from civicdata.core.errors import InvalidInput
from civicdata.datastore import runtime
from civicdata.datastore.ingest.infer import quote_ident
from civicdata.datastore.models import DataTable, PiiAction, PiiDecision, PiiFinding
from civicdata.datastore.schema import field_map

#: A SQL expression that keeps the first character of each word and hides the rest.
MASK_SQL = r"regexp_replace(CAST({col} AS VARCHAR), '\B\w', '•', 'g')"


def decision_select(schema: dict[str, Any], decisions: dict[str, str]) -> tuple[str, dict[str, Any]] | None:
    """SELECT list applying drop/mask decisions, and the schema after them (None if nothing to do)."""
    fields = schema.get("fields", [])
    if not any(decisions.get(f["name"]) in (PiiAction.DROP, PiiAction.MASK) for f in fields):
        return None
    parts, kept = [], []
    for f in fields:
        action = decisions.get(f["name"])
        col = quote_ident(f["name"])
        if action == PiiAction.DROP:
            continue
        if action == PiiAction.MASK:
            parts.append(f"{MASK_SQL.format(col=col)} AS {col}")
            kept.append({**f, "type": "string", "format": "default", "x-masked": True})
        else:
            parts.append(col)
            kept.append(f)
    if not parts:
        raise InvalidInput(_("Every column would be removed; keep at least one."))
    new_schema = {**schema, "fields": kept}
    geo = new_schema.get("x-geo")
    if geo and any(decisions.get(c) for c in geo.values()):
        new_schema.pop("x-geo")
    return ", ".join(parts), new_schema


def unresolved_pii(table: DataTable) -> list[str]:
    """Flagged columns that still lack a staff decision (publishing waits for them)."""
    flagged = set(PiiFinding.objects.filter(table=table).values_list("column", flat=True))
    decided = set(PiiDecision.objects.filter(table=table).values_list("column", flat=True))
    return sorted(flagged - decided)


def pii_blockers(dataset: Any) -> list[str]:
    """Plain-language reasons a dataset should not be published yet because one of its tables has
    flagged personal data without a decision (for the catalog's release checklist)."""
    reasons = []
    for table in DataTable.objects.filter(dataset=dataset, version__gt=0).order_by("name"):
        pending = unresolved_pii(table)
        if pending:
            reasons.append(
                _("Table %(table)s: review the possible personal data in %(columns)s.")
                % {"table": table.name, "columns": ", ".join(pending)}
            )
    return reasons


def decide_pii(table: DataTable, *, column: str, action: str, by: Any, justification: str = "") -> PiiDecision:
    """Record what to do with a flagged column. Drop and mask write a new version without the
    personal values (every format and the SQL endpoint then serve the cleaned data). Justify needs a
    written reason. One decision per column (a new one replaces the old)."""
    if action not in PiiAction.values:
        raise InvalidInput(_("Choose drop, mask or justify."))
    if column not in field_map(table.schema):
        raise InvalidInput(_("There is no column %(column)s in this table.") % {"column": column})
    justification = justification.strip()
    if action == PiiAction.JUSTIFY and not justification:
        raise InvalidInput(_("Write why this column may be published."), code="justification_required")
    with transaction.atomic():
        decision, _was_created = PiiDecision.objects.update_or_create(
            table=table,
            column=column,
            defaults={"action": action, "justification": justification, "decided_by": by, "decided_at": timezone.now()},
        )
        record_write(
            actor=by,
            action="datastore.pii.decide",
            target=table,
            after={"column": column, "action": action, "justification": justification},
        )
    if action in (PiiAction.DROP, PiiAction.MASK):
        derived = decision_select(table.schema, {column: action})
        if derived:
            # tables.py imports this module for its checks, so its version writer is imported here.
            from civicdata.datastore.services.tables import install_version

            select_sql, schema = derived
            version = runtime.get_store().derive(table.relation, table.version, select_sql)
            install_version(
                table,
                version=version,
                schema=schema,
                row_count=table.row_count,
                info=table.ingest_info,
                by=by,
                action=f"datastore.pii.{action}",
                rescan=False,
            )
            if action == PiiAction.DROP:
                PiiFinding.objects.filter(table=table, column=column).delete()
    return decision
