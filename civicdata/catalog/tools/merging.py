"""Merge component catalogs (e.g. one data.json per bureau) into one agency catalog.

Identifier collisions are resolved predictably and reported: identical datasets are kept once;
different datasets sharing an identifier keep the first and rename the others by source.
``isPartOf`` links inside a component follow its renamed parents, and the result is validated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import orjson

from .validation import ValidationReport, validate_catalog
from .validation.profiles import POD_V11_URI

_CATALOG_HEADER_KEYS = ("@context", "@id", "@type", "conformsTo", "describedBy")


class RenameStyle(StrEnum):
    SUFFIX = "suffix"  # "abc" from source "parks" becomes "abc--parks"
    PREFIX = "prefix"  # ... becomes "parks:abc"


class MergeError(ValueError):
    """A component cannot be merged (not a v1.1 catalog object with a dataset list)."""


@dataclass(frozen=True, slots=True)
class Collision:
    """Two components used the same identifier; says what was done about it."""

    identifier: str
    kept_from: str
    source: str
    resolution: str  # "deduplicated" (identical content) or "renamed"
    new_identifier: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "kept_from": self.kept_from,
            "source": self.source,
            "resolution": self.resolution,
            "new_identifier": self.new_identifier,
        }


@dataclass(slots=True)
class SourceSummary:
    """What one component contributed to the merged catalog."""

    name: str
    datasets: int = 0
    added: int = 0
    deduplicated: int = 0
    renamed: int = 0
    ispartof_rewritten: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "datasets": self.datasets,
            "added": self.added,
            "deduplicated": self.deduplicated,
            "renamed": self.renamed,
            "ispartof_rewritten": self.ispartof_rewritten,
        }


@dataclass(slots=True)
class MergeResult:
    """The merged catalog, its provenance and its validation report."""

    catalog: dict[str, Any]
    sources: list[SourceSummary]
    collisions: list[Collision] = field(default_factory=list)
    report: ValidationReport | None = None

    @property
    def dataset_count(self) -> int:
        return len(self.catalog["dataset"])

    def to_dict(self, *, include_catalog: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "datasets": self.dataset_count,
            "sources": [s.to_dict() for s in self.sources],
            "collisions": [c.to_dict() for c in self.collisions],
            "validation": self.report.to_dict() if self.report else None,
        }
        if include_catalog:
            out["catalog"] = self.catalog
        return out


def source_slug(name: str) -> str:
    """A short, identifier-safe label for a source name, used in renamed identifiers.

    A URL is labelled by its host ("https://www.fcc.gov/data.json" -> "www-fcc-gov"); a file by its
    name without ".json" and ".data" ("fcc.data.json" -> "fcc"), or by its folder when the file is
    just "data.json" ("Parks Dept/data.json" -> "parks-dept").
    """
    parsed = urlsplit(name)
    if parsed.scheme and parsed.hostname:
        base = parsed.hostname
    else:
        base = ""
        parts = [part for part in name.split("/") if part]
        while parts and not base:
            base = re.sub(r"\.json$", "", parts.pop(), flags=re.IGNORECASE)
            base = re.sub(r"(^|\.)data$", "", base)
        base = base or name
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return slug or "source"


def _fingerprint(ds: Any) -> bytes:
    try:
        return orjson.dumps(ds, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # values orjson refuses (lone surrogates): fall back to a slower exact form
        return json.dumps(ds, sort_keys=True).encode()


def _renamed(identifier: str, slug: str, style: RenameStyle, taken: set[str]) -> str:
    candidate = f"{identifier}--{slug}" if style is RenameStyle.SUFFIX else f"{slug}:{identifier}"
    n = 2
    unique = candidate
    while unique in taken:
        unique = f"{candidate}-{n}"
        n += 1
    return unique


def merge_catalogs(
    components: Sequence[tuple[str, Any]],
    *,
    rename: RenameStyle | str = RenameStyle.SUFFIX,
    header: dict[str, Any] | None = None,
    validate: bool = True,
    profile: str | None = None,
) -> MergeResult:
    """Merge ``components`` — ``(source name, parsed catalog)`` pairs, in priority order.

    The first dataset with an identifier wins; later ones with identical content are dropped,
    different ones are renamed (``rename`` = ``suffix`` or ``prefix``, using the source name).
    Catalog header fields come from ``header`` or else the first component. Pure function:
    inputs are not modified. Raises MergeError when a component is not a catalog object.
    """
    style = RenameStyle(rename)
    if not components:
        raise MergeError("Give at least one catalog to merge.")
    for name, doc in components:
        if not isinstance(doc, dict) or not isinstance(doc.get("dataset"), list):
            raise MergeError(f"“{name}” is not a DCAT-US v1.1 catalog (an object with a “dataset” list).")

    first_doc = components[0][1]
    merged_header = {k: first_doc[k] for k in _CATALOG_HEADER_KEYS if k in first_doc}
    merged_header.setdefault("conformsTo", POD_V11_URI)
    merged_header.update(header or {})

    state = _MergeState(style)
    for name, doc in components:
        state.add_component(name, doc)

    merged = {**merged_header, "dataset": state.datasets}
    result = MergeResult(catalog=merged, sources=state.sources, collisions=state.collisions)
    if validate:
        result.report = validate_catalog(merged, profile=profile)
    return result


class _MergeState:
    """What the merge has kept so far; components are added one at a time, in priority order."""

    def __init__(self, style: RenameStyle) -> None:
        self.style = style
        self.kept: dict[str, tuple[str, bytes]] = {}  # identifier -> (source, fingerprint)
        self.taken: set[str] = set()
        self.datasets: list[Any] = []
        self.sources: list[SourceSummary] = []
        self.collisions: list[Collision] = []
        self.used_slugs: dict[str, int] = {}

    def _unique_slug(self, name: str) -> str:
        slug = source_slug(name)
        self.used_slugs[slug] = self.used_slugs.get(slug, 0) + 1
        if self.used_slugs[slug] > 1:
            slug = f"{slug}-{self.used_slugs[slug]}"
        return slug

    def add_component(self, name: str, doc: dict[str, Any]) -> None:
        summary = SourceSummary(name=name, datasets=len(doc["dataset"]))
        self.sources.append(summary)
        # First decide this component's fate per dataset, so isPartOf can follow renamed parents
        # even when a child is listed before its parent.
        plan, renames = self._plan_component(name, doc["dataset"], summary)
        for ds, new_ident in plan:
            if isinstance(ds, dict):
                out = dict(ds)
                if new_ident is not None:
                    out["identifier"] = new_ident
                parent = out.get("isPartOf")
                if isinstance(parent, str) and parent in renames:
                    out["isPartOf"] = renames[parent]
                    summary.ispartof_rewritten += 1
                ds = out
            self.datasets.append(ds)
            summary.added += 1

    def _plan_component(
        self, name: str, datasets: list[Any], summary: SourceSummary
    ) -> tuple[list[tuple[Any, str | None]], dict[str, str]]:
        """Each dataset kept with its (possibly new) identifier, and the renames made; duplicates are dropped."""
        slug = self._unique_slug(name)
        kept, taken, collisions = self.kept, self.taken, self.collisions
        plan: list[tuple[Any, str | None]] = []  # (dataset, new identifier or None)
        renames: dict[str, str] = {}
        for ds in datasets:
            ident = ds.get("identifier") if isinstance(ds, dict) else None
            if not isinstance(ident, str):
                plan.append((ds, None))
                continue
            fingerprint = _fingerprint(ds)
            if ident in kept:
                kept_source, kept_fp = kept[ident]
                if kept_fp == fingerprint:
                    collisions.append(Collision(ident, kept_source, name, "deduplicated"))
                    summary.deduplicated += 1
                    continue
                new_ident = _renamed(ident, slug, self.style, taken)
                renames.setdefault(ident, new_ident)
                collisions.append(Collision(ident, kept_source, name, "renamed", new_ident))
                summary.renamed += 1
                taken.add(new_ident)
                kept[new_ident] = (name, fingerprint)
                plan.append((ds, new_ident))
                continue
            kept[ident] = (name, fingerprint)
            taken.add(ident)
            plan.append((ds, ident))
        return plan, renames
