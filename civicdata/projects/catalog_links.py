"""Look up catalog datasets by the key people type (DCAT-US identifier or short name)."""

from __future__ import annotations

from civicdata.catalog.models import Dataset
from civicdata.core.errors import InvalidInput


def find_dataset(key: str) -> Dataset | None:
    """The dataset whose identifier or short name is ``key``; None for an empty key.

    Raises InvalidInput when a non-empty key matches nothing, so a typo is reported, not ignored.
    """
    key = (key or "").strip()
    if not key:
        return None
    dataset = Dataset.objects.filter(identifier=key).first() or Dataset.objects.filter(name=key).first()
    if dataset is None:
        raise InvalidInput(f"No catalog dataset has the identifier or short name “{key}”.", code="unknown_dataset")
    return dataset


def find_datasets(keys: list[str]) -> list[Dataset]:
    """All datasets for a list of keys (each must exist)."""
    return [d for d in (find_dataset(k) for k in keys) if d is not None]
