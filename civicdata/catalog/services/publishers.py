"""Imports that file each dataset under the publisher its catalog names (`catalog import --create-publishers`):
the organisations are found by name or short name, and the missing ones created under a given parent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from civicdata.accounts.models import Organization, OrganizationType
from civicdata.catalog.models import HarvestKind, HarvestRun


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
    from civicdata.accounts import services as accounts
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
    groups: dict[str, list[Any]] = {}
    for dataset in datasets:
        groups.setdefault(publisher_name(dataset), []).append(dataset)
    for name, group in groups.items():
        organization = find_publisher(name) if name else parent
        if organization is None:
            result.created.append(name)
            if dry_run:
                organization = parent
            else:
                organization = accounts.create_organization(
                    by=by, name=name, org_type=OrganizationType.DEPARTMENT, parent=parent, slug=_free_slug(name)
                )
        run = import_catalog(
            publisher=organization, document={"dataset": group}, by=by, origin=location, dry_run=dry_run
        )
        result.runs.append((name or parent.name, run))
    return result


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "publisher"
    candidate, number = base, 2
    while Organization.objects.filter(slug=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate
