"""Resolve catalog dataset identifiers to titles and links, without depending on catalog migrations.

Projects store the DCAT-US `identifier` of the datasets they use. When the catalog app offers a
`Dataset` model the identifiers become titled links; otherwise they are shown as plain identifiers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DatasetLink:
    identifier: str
    title: str
    url: str


def resolve(identifiers: Iterable[str]) -> dict[str, DatasetLink]:
    """Map each identifier to a link (one query when the catalog is present, none otherwise)."""
    wanted = [i for i in dict.fromkeys(identifiers) if i]
    links = {i: DatasetLink(identifier=i, title=i, url="") for i in wanted}
    if not wanted:
        return links
    try:
        from civicdata.catalog.models import Dataset  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        return links
    try:
        for ds in Dataset.objects.filter(identifier__in=wanted):
            url = ds.get_absolute_url() if hasattr(ds, "get_absolute_url") else ""
            links[ds.identifier] = DatasetLink(identifier=ds.identifier, title=str(ds.title), url=url)
    except Exception:  # noqa: BLE001 - a catalog schema change must not break project pages
        return links
    return links


def exists(identifier: str) -> bool | None:
    """True/False when the catalog can answer, None when there is no catalog model to ask."""
    try:
        from civicdata.catalog.models import Dataset  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        return None
    return Dataset.objects.filter(identifier=identifier).exists()
