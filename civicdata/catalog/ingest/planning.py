"""Planning an import or harvest: what would happen to each incoming dataset, before anything is written.

`plan_import` compares the datasets of a catalog document with what the database holds and returns a
`Plan` listing every dataset as new, changed, unchanged, conflict, withdrawn or skipped, with its
validation verdict. Dry runs show the plan; `services.import_catalog` writes it in one transaction.
Comparison is by canonical content hash (`pod.content_hash`), so unchanged datasets cost no writes. A
dataset received byte for byte as last time (`received_hash`, taken before any repair) is known unchanged
without repairing and hashing it again, which is what makes an unchanged re-harvest of a large catalog cheap.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from django.db import connection

from civicdata.catalog import columns as layout
from civicdata.catalog import pod
from civicdata.catalog.ckan_mapping import ckan_name
from civicdata.catalog.ingest import repair
from civicdata.catalog.ingest.repair import repair_dataset
from civicdata.catalog.models import Dataset, FacetKind
from civicdata.catalog.periodicity import parse_modified
from civicdata.catalog.tools.validation import validate_catalog


class Action:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    WITHDRAWN = "withdrawn"
    SKIPPED = "skipped"


@dataclass(slots=True)
class Existing:
    """What the database knows about a dataset, enough to classify an incoming version."""

    id: int
    publisher_id: int
    content_hash: str
    upstream_hash: str
    withdrawn: bool
    title: str | None
    valid: bool | None = None
    received_hash: str = ""
    received_repairs: str = ""


@dataclass(slots=True)
class Item:
    """One incoming dataset and the decision about it."""

    index: int
    identifier: str | None
    title: str | None
    action: str
    # None: not checked (a withdrawn dataset is not in the incoming catalog, so there is nothing to check).
    valid: bool | None = True
    problems: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    content_hash: str = ""
    existing_id: int | None = None
    restore: bool = False
    flat: pod.FlatDataset | None = None
    source: dict[str, Any] | None = None
    repairs: list[str] = field(default_factory=list)
    # The dataset as received, before repairs (see received_hash); `received_stale`: unchanged, but the
    # stored received hash is not this one (first run after an upgrade of the rules), so it is written.
    received_hash: str = ""
    received_stale: bool = False

    @property
    def quiet(self) -> bool:
        """Unchanged, valid and not repaired: nothing to report beyond the count."""
        return self.action == Action.UNCHANGED and self.valid is not False and not self.repairs

    @property
    def held_back(self) -> bool:
        """Written but kept out of every listing: invalid after the repairs ("needs fixing")."""
        return self.action in (Action.NEW, Action.CHANGED) and self.valid is False

    def report(self) -> dict[str, Any]:
        """The JSON entry of the run report."""
        return {
            "index": self.index,
            "identifier": self.identifier,
            "title": self.title,
            "action": self.action,
            "valid": self.valid,
            "message": self.message,
            "problems": self.problems[:20],
            "repairs": self.repairs,
            "needs_fixing": self.held_back,
        }


@dataclass(slots=True)
class Plan:
    items: list[Item] = field(default_factory=list)
    withdrawn: list[Item] = field(default_factory=list)

    def count(self, action: str) -> int:
        pool = self.withdrawn if action == Action.WITHDRAWN else self.items
        return sum(1 for item in pool if item.action == action)

    @property
    def invalid_count(self) -> int:
        return sum(1 for item in self.items if item.valid is False)

    @property
    def held_back_count(self) -> int:
        """New or changed datasets stored as "needs fixing" (kept out of every listing)."""
        return sum(1 for item in self.items if item.held_back)

    @property
    def repaired_count(self) -> int:
        return sum(1 for item in self.items if item.repairs)

    def repair_counts(self) -> dict[str, int]:
        """How many datasets each repair rule changed."""
        counts: Counter[str] = Counter()
        for item in self.items:
            counts.update(item.repairs)
        return dict(sorted(counts.items()))

    def report(self) -> list[dict[str, Any]]:
        """The per-dataset entries of the run report: every dataset that is new, changed, withdrawn, skipped,
        in conflict, invalid or repaired. Unchanged datasets with nothing to say are counted, not listed (an
        hourly re-harvest of 100,000 unchanged datasets would otherwise store 24 MB a run)."""
        return [item.report() for item in self.items if not item.quiet] + [item.report() for item in self.withdrawn]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def validate_datasets(datasets: list[Any], *, profile: str) -> dict[int, list[dict[str, Any]]]:
    """Schema errors per dataset index (only indexes with errors appear), using the shared validator."""
    report = validate_catalog({"conformsTo": pod.POD_V11_SCHEMA, "dataset": datasets}, profile=profile, checks=False)
    problems: dict[int, list[dict[str, Any]]] = {}
    for finding in report.errors:
        if finding.dataset_index is None:
            continue
        problems.setdefault(finding.dataset_index, []).append(
            {"code": finding.code, "field": finding.field, "pointer": finding.pointer, "message": finding.message}
        )
    return problems


def missing_fields(problems: list[dict[str, Any]]) -> list[str]:
    """Names of required fields reported missing (for the dashboard)."""
    found: list[str] = []
    for problem in problems:
        if problem["code"] == "schema.required":
            name = problem.get("field") or problem["pointer"].rsplit("/", 1)[-1]
            if name not in found:
                found.append(name)
    return found


EXISTING_COLUMNS = ("identifier", "id", "publisher_id", "content_hash", "upstream_hash", "title", "is_valid",
                    "received_hash", "received_repairs")  # fmt: skip


def existing_index(identifiers: set[str]) -> dict[str, Existing]:
    """The stored datasets whose identifier is among `identifiers` (read in one pass, as plain rows: at
    100,000 datasets the model layer's per-row conversions cost more than the query)."""
    found: dict[str, Existing] = {}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in EXISTING_COLUMNS)
    table, withdrawn, identifier = quote(Dataset._meta.db_table), quote("withdrawn_at"), quote("identifier")
    # Quoted names of this model only, no input:
    sql = f"SELECT {columns}, {withdrawn} IS NOT NULL FROM {table} WHERE {identifier} IS NOT NULL"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(5000):
            for identifier, pk, publisher_id, content, upstream, title, valid, received, repairs, withdrawn in rows:
                if identifier in identifiers:
                    found[identifier] = Existing(
                        pk, publisher_id, content, upstream, bool(withdrawn), title,
                        None if valid is None else bool(valid), received, repairs,
                    )  # fmt: skip
    return found


@functools.cache
def _rules_digest() -> bytes:
    """A digest of the code that turns a received dataset into the stored one (the repairs and the canonical
    hash): a change to either makes every received hash differ, so no outcome is ever taken from old rules."""
    digest = hashlib.blake2b(digest_size=16)
    for module in (repair, pod):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


def received_hash(obj: dict[str, Any]) -> str:
    """A hash of a dataset exactly as received (its JSON bytes, key order included) and of the rules applied
    to it; "" when it cannot be serialised as is (lone surrogates), which always takes the full path."""
    try:
        raw = orjson.dumps(obj)
    except TypeError:
        return ""
    return hashlib.blake2b(raw, digest_size=20, key=_rules_digest()).hexdigest()


def _storable(obj: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The dataset with lone surrogates repaired (see pod.repair_surrogates) and its content hash."""
    try:
        orjson.dumps(obj)
    except TypeError:
        obj = pod.repair_surrogates(obj)
    return obj, pod.content_hash(obj)


def plan_import(
    datasets: list[Any],
    *,
    publisher_id: int,
    profile: str,
    source_id: int | None = None,
    withdraw_missing: bool = False,
    listed: frozenset[str] | None = None,
) -> Plan:
    """Classify every incoming dataset against the database. Reads only; never writes.

    With `listed` (a harvest split by publisher, see services/publishers.py) the withdrawals are this
    publisher's datasets of the source that the whole source no longer lists, `listed` being every
    identifier it lists; without it, the source's datasets missing from `datasets`.

    Only new and changed datasets are validated: an unchanged dataset keeps the verdict stored with it,
    which is what makes an unchanged re-harvest cheap.
    """
    identifiers = {d["identifier"] for d in datasets if isinstance(d, dict) and isinstance(d.get("identifier"), str)}
    existing = existing_index(identifiers)
    plan = Plan()
    seen: set[str] = set()
    for index, obj in enumerate(datasets):
        if not isinstance(obj, dict):
            plan.items.append(
                Item(index, None, None, Action.SKIPPED, valid=False, message="This entry is not a JSON object.")
            )
            continue
        identifier, title = _text(obj.get("identifier")), _text(obj.get("title"))
        item = Item(index, identifier, title, Action.NEW)
        plan.items.append(item)
        if not identifier or not identifier.strip():
            item.action, item.valid = Action.SKIPPED, False
            item.message = "The dataset has no identifier, so it cannot be tracked between runs; it was skipped."
            continue
        if identifier in seen:
            item.action, item.valid = Action.SKIPPED, False
            item.message = "Another dataset earlier in this catalog has the same identifier; this one was skipped."
            continue
        seen.add(identifier)
        item.received_hash = received_hash(obj)
        known = existing.get(identifier)
        if known is not None and _received_unchanged(item, known, publisher_id=publisher_id):
            continue
        repaired, item.repairs = repair_dataset(obj)
        item.source, item.content_hash = _storable(repaired)
        if known is None:
            continue
        item.existing_id = known.id
        item.valid = known.valid is not False
        if known.publisher_id != publisher_id:
            item.action = Action.CONFLICT
            item.message = "A dataset with this identifier belongs to another publisher; it was left unchanged."
            continue
        local_edits = bool(known.upstream_hash) and known.content_hash != known.upstream_hash
        never_harvested = not known.upstream_hash
        if item.content_hash == (known.upstream_hash or known.content_hash):
            item.action = Action.UNCHANGED
            item.received_stale = item.received_hash != known.received_hash
            if known.withdrawn:
                item.action, item.restore = Action.CHANGED, True
                item.message = "The dataset is back in the source; it will be restored."
            continue
        if local_edits or (never_harvested and known.content_hash != item.content_hash and source_id is not None):
            item.action = Action.CONFLICT
            item.message = (
                "The dataset changed both here and in the source; the local version was kept. "
                "Review the differences and edit the dataset, or discard the local edits."
            )
            continue
        item.action = Action.CHANGED
        item.restore = known.withdrawn
    _validate_planned(plan, datasets, profile=profile)
    if withdraw_missing and source_id is not None:
        if listed is None:
            _plan_withdrawals(plan, source_id=source_id, seen=seen)
        else:
            _plan_withdrawals(plan, source_id=source_id, seen=set(listed), publisher_id=publisher_id)
    return plan


def _received_unchanged(item: Item, known: Existing, *, publisher_id: int) -> bool:
    """Classify `item` as unchanged from the stored received hash alone, when that is certain: the same bytes
    as last taken from the source, under the same rules, for a listed dataset of this publisher. The repairs,
    the content hash and the verdict are then those stored when it was last written."""
    if not item.received_hash or item.received_hash != known.received_hash or not known.upstream_hash:
        return False
    if known.publisher_id != publisher_id or known.withdrawn:
        return False
    item.action, item.existing_id = Action.UNCHANGED, known.id
    item.valid = known.valid is not False
    item.content_hash = known.upstream_hash
    item.repairs = known.received_repairs.split(",") if known.received_repairs else []
    return True


def _validate_planned(plan: Plan, datasets: list[Any], *, profile: str) -> None:
    """Validate what will be written, plus what cannot be stored (so the report explains it)."""
    to_check = [item for item in plan.items if item.action in (Action.NEW, Action.CHANGED, Action.SKIPPED)]
    to_check = [item for item in to_check if isinstance(datasets[item.index], dict)]
    problems = validate_datasets([item.source or datasets[item.index] for item in to_check], profile=profile)
    for position, item in enumerate(to_check):
        # The validator saw only the datasets to check; point into the incoming catalog instead.
        batch_prefix, absolute_prefix = f"/dataset/{position}", f"/dataset/{item.index}"
        item.problems = [
            {**problem, "pointer": absolute_prefix + problem["pointer"][len(batch_prefix) :]}
            if problem["pointer"] == batch_prefix or problem["pointer"].startswith(batch_prefix + "/")
            else problem
            for problem in problems.get(position, [])
        ]
        item.valid = not item.problems and item.action != Action.SKIPPED


def _plan_withdrawals(plan: Plan, *, source_id: int, seen: set[str], publisher_id: int | None = None) -> None:
    """Datasets this harvest source brought in before (for `publisher_id`, when given) and no longer lists
    are withdrawn."""
    gone = Dataset.objects.filter(harvest_source_id=source_id, withdrawn_at__isnull=True).exclude(
        identifier__in=list(seen)
    )
    if publisher_id is not None:
        gone = gone.filter(publisher_id=publisher_id)
    for pk, identifier, title in gone.values_list("id", "identifier", "title"):
        plan.withdrawn.append(
            Item(
                -1,
                identifier,
                title,
                Action.WITHDRAWN,
                valid=None,
                existing_id=pk,
                message="No longer in the source; withdrawn (kept, not deleted).",
            )
        )


# --- row preparation shared by imports and single-dataset edits --------------------------------


def dataset_name(title: str | None, identifier: str | None) -> str:
    """The short URL-safe name of a new dataset: its title plus a digest of its identifier."""
    stem = ckan_name(title or "dataset", max_length=80)
    digest = hashlib.sha1((identifier or "").encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
    return f"{stem}-{digest[:12]}"


def modified_at(flat: pod.FlatDataset) -> datetime | None:
    """The parsed `modified` value as an aware UTC datetime, for sorting."""
    parsed = parse_modified(flat.modified)
    return parsed.replace(tzinfo=UTC) if parsed else None


def facet_values(flat: pod.FlatDataset, publisher_slug: str) -> set[tuple[str, str]]:
    """(facet, value) pairs of a dataset for the facet table."""
    pairs: set[tuple[str, str]] = {(FacetKind.PUBLISHER, publisher_slug)}
    if isinstance(flat.access_level, str):
        pairs.add((FacetKind.ACCESS_LEVEL, flat.access_level[:300]))
    if isinstance(flat.license, str) and flat.license.strip():
        pairs.add((FacetKind.LICENSE, flat.license.strip()[:300]))
    for theme in flat.theme or []:
        if theme.strip():
            pairs.add((FacetKind.THEME, theme.strip()[:300]))
    for keyword in flat.keyword or []:
        if keyword.strip():
            pairs.add((FacetKind.KEYWORD, keyword.strip().lower()[:300]))
    for dist in flat.distribution or []:
        label = dist.format or dist.media_type
        if label and label.strip():
            pairs.add((FacetKind.FORMAT, label.strip()[:300]))
    return pairs


def row_values(flat: pod.FlatDataset) -> dict[str, Any]:
    """Column values of a Dataset row for `flat`, including the derived sort column."""
    values = layout.dataset_columns(flat)
    values["modified_at"] = modified_at(flat)
    return values
