"""Imports and harvests that file each dataset under the publisher its catalog names (`catalog import
--create-publishers`, a harvest source's "create missing publishers"): the organisations are found by name or
short name, and the missing ones created as departments under a given parent (the rules are the same for both,
in `group_by_publisher`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from civicdata.accounts.models import Organization, OrganizationType
from civicdata.catalog.models import Dataset, HarvestKind, HarvestRun, HarvestSource


@dataclass
class PublisherImport:
    """What `import_catalog_per_publisher` did: one run per publisher, and the organisations it created
    (or, in a dry run, would create)."""

    runs: list[tuple[str, HarvestRun]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    error: str = ""


def publisher_name(dataset: Any) -> str:
    """The name a DCAT-US dataset gives its publisher ("" when it names none)."""
    publisher = dataset.get("publisher") if isinstance(dataset, dict) else None
    name = publisher.get("name") if isinstance(publisher, dict) else None
    return name.strip()[:200] if isinstance(name, str) else ""


def find_publisher(name: str) -> Organization | None:
    """An existing publisher with this name (any case) or with the short name made from it."""
    found = Organization.objects.filter(kind="publisher", name__iexact=name).order_by("pk").first()
    return found or Organization.objects.filter(kind="publisher", slug=slugify(name)[:80]).first()


def import_catalog_per_publisher(
    *, parent: Organization, location: str, by: Any, dry_run: bool = False, kind: str = HarvestKind.DATAJSON
) -> PublisherImport:
    """Read a catalog and import each publisher's datasets for that publisher, creating the publishers that do
    not exist yet as departments under `parent` (not in a dry run, which plans them under `parent` and lists
    them as to be created). Datasets that name no publisher go to `parent`.

    Preconditions: `by` may create organisations under `parent` (None: an operator at the command line) and
    import for each publisher. Each publisher's import is its own all-or-nothing run.
    """
    from civicdata.catalog.ingest.sources import SourceError, load_document
    from civicdata.catalog.services.harvests import import_catalog

    result = PublisherImport()
    try:
        document = load_document(location, kind=kind, allow_any_file=True)
    except SourceError as exc:
        result.error = exc.message
        return result
    datasets = document.get("dataset") if isinstance(document, dict) else document
    if not isinstance(datasets, list):
        result.error = "The document has no “dataset” list, so there is nothing to import."
        return result
    found, result.created = group_by_publisher(datasets, parent=parent, by=by, dry_run=dry_run)
    for name, organization, group in found:
        run = import_catalog(
            publisher=organization, document={"dataset": group}, by=by, origin=location, dry_run=dry_run
        )
        result.runs.append((name or parent.name, run))
    return result


def group_by_publisher(
    datasets: list[Any], *, parent: Organization, by: Any, dry_run: bool
) -> tuple[list[tuple[str, Organization, list[Any]]], list[str]]:
    """The datasets grouped by the publisher each names, as (name, organisation, datasets), and the names
    of the publishers created (in a dry run: to be created, their datasets planned under `parent`).

    A name matches an existing publisher by name (any case) or short name; datasets naming none go to
    `parent`; a missing one is created as a department under `parent`, which `by` must be allowed to do
    (see `accounts.services.create_organization`; None: an operator or an approved harvest source).
    """
    from civicdata.accounts import services as accounts

    by_name: dict[str, list[Any]] = {}
    for dataset in datasets:
        by_name.setdefault(publisher_name(dataset), []).append(dataset)
    groups: list[tuple[str, Organization, list[Any]]] = []
    created: list[str] = []
    for name, group in by_name.items():
        organization = find_publisher(name) if name else parent
        if organization is None:
            created.append(name)
            if dry_run:
                organization = parent
            else:
                organization = accounts.create_organization(
                    by=by, name=name, org_type=OrganizationType.DEPARTMENT, parent=parent, slug=_free_slug(name)
                )
        groups.append((name, organization, group))
    return groups, created


def harvest_per_publisher(source: HarvestSource, *, document: Any, by: Any, dry_run: bool) -> HarvestRun:
    """Harvest a fetched document for a source that creates missing publishers: one run per publisher
    (each all or nothing), missing publishers created under the source's publisher (`group_by_publisher`;
    created on the source's authority, checked when the option was set, so a scheduled run needs no one).

    Datasets of the source that the document no longer lists are withdrawn in their own publisher's run
    (a publisher the document no longer names gets a run that only withdraws). Returns the first run; every
    run is listed on the source's page, and the first one's summary names the publishers created.
    """
    from civicdata.catalog.services.harvests import import_catalog

    datasets = document.get("dataset") if isinstance(document, dict) else document
    if not isinstance(datasets, list):
        return import_catalog(
            publisher=source.publisher, document=document, by=by, origin=source.url, source=source, dry_run=dry_run
        )
    groups, created = group_by_publisher(datasets, parent=source.publisher, by=None, dry_run=dry_run)
    listed = frozenset(
        d["identifier"] for d in datasets if isinstance(d, dict) and isinstance(d.get("identifier"), str)
    )
    slices: dict[int, tuple[Organization, list[Any]]] = {}
    for _name, organization, group in groups:
        slices.setdefault(organization.pk, (organization, []))[1].extend(group)
    harvested = Dataset.objects.filter(harvest_source=source, withdrawn_at__isnull=True).exclude(
        publisher_id__in=list(slices)
    )
    for organization in Organization.objects.filter(pk__in=harvested.values("publisher_id")).order_by("pk"):
        slices[organization.pk] = (organization, [])
    if not slices:  # an empty catalog, nothing harvested before: one run says so
        slices[source.publisher.pk] = (source.publisher, [])
    runs = [
        import_catalog(
            publisher=organization,
            document={"dataset": group},
            by=by,
            origin=source.url,
            source=source,
            dry_run=dry_run,
            withdraw_missing=True,
            listed=listed,
        )
        for organization, group in slices.values()
    ]
    first = runs[0]
    first.summary = {**first.summary, "created_publishers": created}
    HarvestRun.objects.filter(pk=first.pk).update(summary=first.summary)
    return first


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "publisher"
    candidate, number = base, 2
    while Organization.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate
