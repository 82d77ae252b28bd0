"""Writes to datasets: create, edit, release checklist, publish, withdraw, restore, usage notes,
counters, link-check results, dashboard snapshots and catalog settings.

Each function runs in one transaction and records staff writes in the audit log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdata.accounts.models import Organization
from civicdata.catalog import columns as layout
from civicdata.catalog import files, pod, records, signals
from civicdata.catalog.ckan_mapping import ckan_name
from civicdata.catalog.diffing import json_diff
from civicdata.catalog.ingest.planning import (
    dataset_name,
    facet_values,
    missing_fields,
    row_values,
    validate_datasets,
)
from civicdata.catalog.models import (
    CatalogSettings,
    Dataset,
    DatasetFacet,
    DatasetRevision,
    Distribution,
    DistributionFile,
    LinkStatus,
    Profile,
    PublisherSnapshot,
    RevisionSource,
    UsageNote,
)
from civicdata.catalog.release import unmet_reasons
from civicdata.core.audit import record_write
from civicdata.core.errors import Conflict, InvalidInput

BULK_BATCH = 500


# --- profiles and validation ---------------------------------------------------------------------


def catalog_settings() -> CatalogSettings:
    """The single catalog settings row (created with defaults on first use)."""
    found, _created = CatalogSettings.objects.get_or_create(id=1)
    return found


def profile_for(publisher: Organization) -> str:
    """The validation profile of a publisher: its own setting, else the catalog's."""
    own = getattr(getattr(publisher, "catalog_settings", None), "profile", "")
    return own or catalog_settings().profile or Profile.NON_FEDERAL


def suggested_identifier(title: str) -> str:
    """An identifier made from a title ("park-benches"), with a number added when it is taken."""
    stem = ckan_name(title or "dataset", max_length=80)
    taken = set(Dataset.objects.filter(identifier__startswith=stem).values_list("identifier", flat=True))
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def validate_dataset_pod(data: dict[str, Any], *, publisher: Organization) -> list[dict[str, Any]]:
    """Schema errors of one dataset object under its publisher's profile (empty list when valid)."""
    return validate_datasets([data], profile=profile_for(publisher)).get(0, [])


# --- low-level row writing -----------------------------------------------------------------------


def _insert_facets(rows: list[tuple[int, str, str]]) -> None:
    # Not the ORM: this table gets ~10 rows per dataset and the ORM's per-object cost dominates.
    if not rows:
        return
    table = DatasetFacet._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            packed = _facets_as_json(chunk) if connection.vendor == "sqlite" else None
            if packed is None:
                cursor.executemany(f"INSERT INTO {table} (dataset_id, facet, value) VALUES (%s, %s, %s)", chunk)  # noqa: S608
                continue
            # On SQLite one statement per chunk, its rows unpacked from a JSON array by json_each: each row
            # of an executemany is a statement run of its own (the AUTOINCREMENT counter and the deferred
            # foreign key checked each time), over twice as slow.
            cursor.execute(
                f"INSERT INTO {table} (dataset_id, facet, value) "  # noqa: S608
                "SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(%s) ORDER BY key",
                [packed],
            )


def _facets_as_json(rows: list[tuple[int, str, str]]) -> str | None:
    """The rows as a JSON array of [dataset_id, facet, value], or None when JSON cannot carry them exactly
    (a lone surrogate, which orjson refuses, or a NUL character, at which SQLite's JSON text ends)."""
    try:
        packed = orjson.dumps(rows)
    except TypeError:
        return None
    return None if b"\\u0000" in packed else packed.decode()


def _replace_children(datasets: list[tuple[Dataset, pod.FlatDataset]]) -> None:
    """Bring the distributions and facet rows of saved datasets in line with their new metadata.

    Distribution rows are updated in place, matched by URL and then by position, so that their ids (which
    the datastore's tables and download counts point at) survive edits and re-harvests.
    """
    ids = [dataset.pk for dataset, _flat in datasets]
    for start in range(0, len(ids), BULK_BATCH):
        DatasetFacet.objects.filter(dataset_id__in=ids[start : start + BULK_BATCH]).delete()
    current: dict[int, list[Distribution]] = {}
    for start in range(0, len(ids), BULK_BATCH):
        for row in Distribution.objects.filter(dataset_id__in=ids[start : start + BULK_BATCH]).order_by("position"):
            current.setdefault(row.dataset_id, []).append(row)
    slugs = dict(Organization.objects.filter(pk__in={d.publisher_id for d, _f in datasets}).values_list("pk", "slug"))
    to_update: list[Distribution] = []
    to_create: list[Distribution] = []
    to_delete: list[int] = []
    facets: list[tuple[int, str, str]] = []
    for dataset, flat in datasets:
        facets.extend((dataset.pk, kind, value) for kind, value in facet_values(flat, slugs[dataset.publisher_id]))
        existing = list(current.get(dataset.pk, []))
        by_url: dict[str | None, list[Distribution]] = {}
        for row in existing:
            by_url.setdefault(row.url, []).append(row)
        wanted = list(enumerate(flat.distribution or []))
        assigned: dict[int, Distribution] = {}
        for position, dist in wanted:
            candidates = by_url.get(dist.url) or []
            if candidates:
                assigned[position] = candidates.pop(0)
        leftovers = [row for row in existing if row not in assigned.values()]
        for position, dist in wanted:
            row = assigned.get(position) or (leftovers.pop(0) if leftovers else None)
            values = layout.distribution_columns(dist, position)
            if row is None:
                to_create.append(Distribution(dataset_id=dataset.pk, **values))
                continue
            for name, value in values.items():
                setattr(row, name, value)
            to_update.append(row)
        to_delete.extend(row.pk for row in leftovers)
    for start in range(0, len(to_delete), BULK_BATCH):
        Distribution.objects.filter(pk__in=to_delete[start : start + BULK_BATCH]).delete()
    if to_update:
        # Positions are unique per dataset: park the kept rows out of the way before setting the final ones.
        final = {row.pk: row.position for row in to_update}
        for row in to_update:
            row.position = 1_000_000 + row.pk
        Distribution.objects.bulk_update(to_update, ["position"], batch_size=BULK_BATCH)
        for row in to_update:
            row.position = final[row.pk]
        fields = [*layout.distribution_columns(pod.FlatDistribution(), 0).keys()]
        Distribution.objects.bulk_update(to_update, fields, batch_size=BULK_BATCH)
    Distribution.objects.bulk_create(to_create, batch_size=BULK_BATCH)
    _insert_facets(facets)
    _forget_replaced_files(ids)


def _forget_replaced_files(dataset_ids: list[int]) -> None:
    """Uploaded files whose distribution no longer downloads them (the link or file was replaced, or the row
    now holds another distribution) are forgotten; their bytes are deleted after commit (see
    `catalog.files.delete_when_forgotten`), as are those of distributions removed above (by cascade)."""
    for start in range(0, len(dataset_ids), BULK_BATCH):
        stored = DistributionFile.objects.filter(dataset_id__in=dataset_ids[start : start + BULK_BATCH])
        replaced = [
            row.pk
            for row in stored.select_related("distribution").only("pk", "key", "distribution__download_url")
            if not files.serves(row.key, row.distribution.download_url)
        ]
        if replaced:
            DistributionFile.objects.filter(pk__in=replaced).delete()


def _apply_flat(dataset: Dataset, flat: pod.FlatDataset) -> None:
    for name, value in row_values(flat).items():
        setattr(dataset, name, value)
    dataset.publisher_name = publisher_search_text(flat, dataset.publisher)


def publisher_search_text(flat: pod.FlatDataset, publisher: Organization) -> str:
    """Search text for the publisher: the record's publisher chain plus the owning organisation's name."""
    names = [*(flat.publisher.chain if flat.publisher else []), publisher.name]
    return " · ".join(dict.fromkeys(name for name in names if name))


def _revision(
    dataset: Dataset, *, source: str, by: Any, snapshot: dict[str, Any], previous: dict[str, Any] | None, number: int
) -> DatasetRevision:
    return DatasetRevision(
        dataset=dataset,
        number=number,
        source=source,
        author=by if getattr(by, "is_authenticated", False) else None,
        snapshot=snapshot,
        diff=json_diff(previous, snapshot) if previous is not None else [],
        content_hash=pod.content_hash(snapshot),
    )


def _next_revision_number(dataset: Dataset) -> int:
    last = dataset.revisions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _audit_fields(dataset: Dataset) -> dict[str, Any]:
    return {
        "identifier": dataset.identifier,
        "title": dataset.title,
        "access_level": dataset.access_level,
        "is_published": dataset.is_published,
        "content_hash": dataset.content_hash,
        "withdrawn_at": dataset.withdrawn_at,
    }


# --- datasets ------------------------------------------------------------------------------------


def _flat_for_save(data: dict[str, Any]) -> pod.FlatDataset:
    if not isinstance(data, dict):
        raise InvalidInput(_("A dataset must be a JSON object."), code="dataset_not_object")
    flat = pod.to_flat(data)
    if not flat.identifier or not flat.identifier.strip():
        raise InvalidInput(_("Every dataset needs an identifier."), code="identifier_required")
    return flat


def create_dataset(*, publisher: Organization, data: dict[str, Any], by: Any) -> Dataset:
    """Create an unpublished dataset from a POD v1.1 object for `publisher`.

    Preconditions: the identifier is present and not used by any other dataset (Conflict otherwise).
    Schema problems do not block saving a draft; they are stored on the dataset and block publishing.
    One transaction: dataset, distributions, facets, first revision and audit entry.
    """
    flat = _flat_for_save(data)
    with transaction.atomic():
        if Dataset.objects.filter(identifier=flat.identifier).exists():
            raise Conflict(_("Another dataset already uses this identifier."), code="identifier_taken")
        problems = validate_dataset_pod(pod.to_pod(flat), publisher=publisher)
        dataset = Dataset(publisher=publisher, name=dataset_name(flat.title, flat.identifier))
        _apply_flat(dataset, flat)
        now = timezone.now()
        snapshot = pod.to_pod(flat)
        dataset.content_hash = pod.content_hash(snapshot)
        dataset.is_valid = not problems
        dataset.problem_count = len(problems)
        dataset.missing_fields = missing_fields(problems)
        dataset.findings = problems[:20]
        dataset.created_at = dataset.updated_at = now
        dataset.save()
        _replace_children([(dataset, flat)])
        _revision(dataset, source=RevisionSource.CREATE, by=by, snapshot=snapshot, previous=None, number=1).save()
        record_write(actor=by, action="catalog.dataset.create", target=dataset, after=_audit_fields(dataset))
    return dataset


def update_dataset(
    dataset: Dataset, *, data: dict[str, Any], by: Any, expected_hash: str | None = None
) -> tuple[Dataset, list[dict[str, Any]]]:
    """Replace a dataset's metadata with a new POD v1.1 object; returns the dataset and its schema errors.

    Preconditions: `expected_hash`, when given, equals the stored content hash (else Conflict: someone
    else saved in between); the identifier stays unique. A published dataset that becomes invalid is held
    back ("needs fixing": out of every listing); the edit that makes it valid again publishes it again. One
    transaction, with a revision holding the diff and an audit entry.
    """
    flat = _flat_for_save(data)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if expected_hash and locked.content_hash != expected_hash:
            raise Conflict(
                _("This dataset was changed by someone else while you were editing. Reload and try again."),
                code="stale_edit",
            )
        if Dataset.objects.filter(identifier=flat.identifier).exclude(pk=locked.pk).exists():
            raise Conflict(_("Another dataset already uses this identifier."), code="identifier_taken")
        before = _audit_fields(locked)
        previous = records.dataset_pod(locked)
        snapshot = pod.to_pod(flat)
        new_hash = pod.content_hash(snapshot)
        problems = validate_dataset_pod(snapshot, publisher=locked.publisher)
        if new_hash == locked.content_hash:
            return locked, problems
        _apply_flat(locked, flat)
        locked.content_hash = new_hash
        locked.is_valid = not problems
        locked.problem_count = len(problems)
        locked.missing_fields = missing_fields(problems)
        locked.findings = problems[:20]
        _hold_back_or_release(locked, valid=not problems)
        locked.updated_at = timezone.now()
        locked.save()
        _replace_children([(locked, flat)])
        _revision(
            locked,
            source=RevisionSource.EDIT,
            by=by,
            snapshot=snapshot,
            previous=previous,
            number=_next_revision_number(locked),
        ).save()
        record_write(
            actor=by, action="catalog.dataset.update", target=locked, before=before, after=_audit_fields(locked)
        )
    return locked, problems


def _hold_back_or_release(dataset: Dataset, *, valid: bool) -> None:
    """Keep invalid metadata out of the listings: a published dataset that fails its profile is held back, and a
    held-back one that passes again returns to the listings (it had been published before)."""
    if not valid and dataset.is_published:
        dataset.is_published, dataset.needs_fixing = False, True
    elif valid and dataset.needs_fixing:
        dataset.needs_fixing = False
        dataset.is_published = dataset.withdrawn_at is None
        dataset.published_at = dataset.published_at or timezone.now()


def set_release_checklist(
    dataset: Dataset, *, by: Any, contact_reachable: bool, privacy_reviewed: bool, quality_reviewed: bool
) -> Dataset:
    """Record the answers to the checklist items only a person can know (who signed, when).

    The other items (license, contact point, description, valid metadata, personal data of every table)
    are computed from the record by `civicdata.catalog.release`. One transaction with an audit entry.
    """
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        before = {
            "contact": locked.checklist_contact,
            "privacy": locked.checklist_privacy,
            "quality": locked.checklist_quality,
        }
        locked.checklist_contact = contact_reachable
        locked.checklist_privacy = privacy_reviewed
        locked.checklist_quality = quality_reviewed
        locked.checklist_signed_by = by if getattr(by, "is_authenticated", False) else None
        locked.checklist_signed_at = timezone.now()
        locked.save()
        record_write(
            actor=by,
            action="catalog.dataset.checklist",
            target=locked,
            before=before,
            after={"contact": contact_reachable, "privacy": privacy_reviewed, "quality": quality_reviewed},
        )
    return locked


def release_blockers(dataset: Dataset) -> list[str]:
    """Plain-language reasons the dataset cannot be published yet (empty when it can): every unmet item
    of the release checklist, computed or ticked by hand, including the checks other apps register."""
    return unmet_reasons(dataset)


def publish_dataset(dataset: Dataset, *, by: Any) -> Dataset:
    """Make a dataset part of the catalog (in `/data.json` when its access level is public or restricted).

    Preconditions: every item of the release checklist is met (computed from the record or ticked by
    a person; InvalidInput lists what is missing, so the page and the API refuse alike).
    One transaction, revision and audit entry.
    """
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        blockers = release_blockers(locked)
        if blockers:
            raise InvalidInput(
                _("This dataset cannot be published yet."), code="release_checklist_incomplete", details=blockers
            )
        if locked.is_published:
            return locked
        before = _audit_fields(locked)
        locked.is_published = True
        locked.published_at = locked.updated_at = timezone.now()
        locked.save()
        record_write(
            actor=by, action="catalog.dataset.publish", target=locked, before=before, after=_audit_fields(locked)
        )
        # Receivers (demand tells the residents who asked for this data) run once the publication has committed.
        transaction.on_commit(lambda: signals.dataset_published.send(sender=Dataset, dataset=locked, by=by))
    return locked


def withdraw_dataset(dataset: Dataset, *, by: Any, reason: str = "") -> Dataset:
    """Take a dataset out of every listing without deleting it (its page says it was withdrawn).

    One transaction with an audit entry; withdrawing twice is harmless.
    """
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if locked.withdrawn_at is not None:
            return locked
        before = _audit_fields(locked)
        locked.is_published = False
        locked.withdrawn_at = locked.updated_at = timezone.now()
        locked.withdrawn_reason = reason[:1000]
        locked.save()
        record_write(
            actor=by, action="catalog.dataset.withdraw", target=locked, before=before, after=_audit_fields(locked)
        )
    return locked


def restore_dataset(dataset: Dataset, *, by: Any) -> Dataset:
    """Undo a withdrawal (the dataset comes back unpublished, to be published again deliberately)."""
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)
        before = _audit_fields(locked)
        locked.withdrawn_at = None
        locked.withdrawn_reason = ""
        locked.updated_at = timezone.now()
        locked.save()
        record_write(
            actor=by, action="catalog.dataset.restore", target=locked, before=before, after=_audit_fields(locked)
        )
    return locked


def add_usage_note(dataset: Dataset, *, by: Any, title: str, body: str) -> UsageNote:
    """Add a staff note on the best uses of a dataset. Preconditions: title and body not blank."""
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise InvalidInput(_("A usage note needs a title and some text."), code="note_incomplete")
    with transaction.atomic():
        note = UsageNote.objects.create(dataset=dataset, author=by, title=title[:200], body=body)
        record_write(actor=by, action="catalog.usage_note.add", target=note, after={"title": note.title})
    return note


def delete_usage_note(note: UsageNote, *, by: Any) -> None:
    """Remove a usage note (audited)."""
    with transaction.atomic():
        record_write(actor=by, action="catalog.usage_note.delete", target=note, before={"title": note.title})
        note.delete()


def record_dataset_view(dataset: Dataset) -> None:
    """Count one page view. Nothing about the visitor is stored (no IP, no cookie)."""
    Dataset.objects.filter(pk=dataset.pk).update(view_count=F("view_count") + 1)
    signals.dataset_viewed.send(sender=Dataset, dataset=dataset)


def record_distribution_download(distribution: Distribution) -> None:
    """Count one download through the catalog's redirect. Nothing about the visitor is stored."""
    Distribution.objects.filter(pk=distribution.pk).update(download_count=F("download_count") + 1)
    Dataset.objects.filter(pk=distribution.dataset_id).update(download_count=F("download_count") + 1)
    signals.dataset_downloaded.send(sender=Distribution, dataset=distribution.dataset, distribution=distribution)


# --- link checking and dashboard snapshots --------------------------------------------------------


def record_link_result(distribution: Distribution, *, status_code: int | None, ok: bool) -> None:
    """Store the outcome of one link check on a distribution."""
    Distribution.objects.filter(pk=distribution.pk).update(
        link_status=LinkStatus.OK if ok else LinkStatus.BROKEN,
        link_status_code=status_code,
        link_checked_at=timezone.now(),
    )


def take_snapshot(publisher: Organization, *, day: date | None = None) -> PublisherSnapshot:
    """Store (or refresh) today's dashboard figures for a publisher."""
    from civicdata.catalog.dashboard import publisher_figures

    figures = publisher_figures(publisher)
    snapshot, _created = PublisherSnapshot.objects.update_or_create(
        publisher=publisher,
        date=day or timezone.localdate(),
        defaults={
            "total": figures.total,
            "public": figures.by_access_level.get("public", 0),
            "restricted_public": figures.by_access_level.get("restricted public", 0),
            "non_public": figures.by_access_level.get("non-public", 0),
            "valid": figures.valid,
            "missing_required": figures.missing_required,
            "broken_links": figures.broken_links,
            "stale": figures.stale,
        },
    )
    return snapshot


def update_catalog_settings(*, by: Any, title: str, description: str, profile: str) -> CatalogSettings:
    """Change the catalog title, description and default validation profile (audited)."""
    if profile not in Profile.values:
        raise InvalidInput(_("Unknown validation profile."), code="profile")
    with transaction.atomic():
        current = catalog_settings()
        before = {"title": current.title, "profile": current.profile}
        current.title, current.description, current.profile = title.strip()[:200], description, profile
        current.updated_at = timezone.now()
        current.save()
        record_write(actor=by, action="catalog.settings", target=current, before=before, after={"title": title})
    return current


def harvest_file_dirs() -> list[Path]:
    """Folders from which `file:` harvest sources may be read: the demo data plus the setting's list."""
    folders = [Path(__file__).resolve().parent.parent / "demo_data"]
    folders.extend(Path(p) for p in getattr(settings, "CATALOG_HARVEST_FILE_DIRS", []) or [])
    return folders
