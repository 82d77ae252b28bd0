"""What a dataset or an organisation has led to, gathered from every part of the community app (and
anything else that registers): each source returns figures for one dataset or one organisation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from civicdata.accounts.models import Organization
from civicdata.catalog.models import Dataset


@dataclass(frozen=True)
class ImpactItem:
    """One thing a figure counts, named and linked (a challenge, a project…)."""

    title: str
    url: str


@dataclass(frozen=True)
class ImpactFigure:
    """One figure on an impact page: `key` is stable (CSV column, API field), `label` is translated.
    `items` names what a count counts (the first few, newest first) when a page can list them."""

    key: str
    label: str
    value: int | float | None
    link: str = ""
    items: tuple[ImpactItem, ...] = ()

    @property
    def more(self) -> int:
        """How many counted things `items` leaves out."""
        return max(int(self.value or 0) - len(self.items), 0) if self.items else 0


DatasetImpact = Callable[[Dataset], list[ImpactFigure]]
OrganizationImpact = Callable[[Organization], list[ImpactFigure]]

_dataset_sources: dict[str, DatasetImpact] = {}
_organization_sources: dict[str, OrganizationImpact] = {}


def register_dataset_impact(fn: DatasetImpact) -> DatasetImpact:
    """Add figures to every dataset's impact page (registering the same function twice is harmless)."""
    _dataset_sources[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def register_organization_impact(fn: OrganizationImpact) -> OrganizationImpact:
    """Add figures to every organisation's impact page."""
    _organization_sources[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def dataset_impact(dataset: Dataset) -> list[ImpactFigure]:
    """Every registered figure for one dataset, in registration order."""
    return [figure for source in _dataset_sources.values() for figure in source(dataset)]


def organization_impact(organization: Organization) -> list[ImpactFigure]:
    """Every registered figure for one organisation, in registration order."""
    return [figure for source in _organization_sources.values() for figure in source(organization)]
