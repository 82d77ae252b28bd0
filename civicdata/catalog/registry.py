"""Places where the apps above the catalog add to what it does, without the catalog importing them.

- Release checks: `register_release_check(fn, label=...)` with `fn(dataset) -> list of reasons`; any
  reason blocks publishing (e.g. the datastore's "personal data pending review"). The release checklist
  shows each check as one computed item, met when it gives no reason, under its label.
- Dataset panels: `register_dataset_panel(fn)` with `fn(request, dataset) -> HTML`: a safe string from
  `render_to_string(..., request=request)` or `format_html` (a plain string is escaped as text; an empty
  one shows nothing). The dataset page shows each panel below the distributions, in registration order
  (e.g. the datastore's Data API preview). The page prefetches `dataset.distributions` (ordered by
  position) for the panels to share; an expensive panel keeps its HTML with
  `civicdata.core.fragments.cached_fragment`, keyed by everything it shows (docs/community.md).
- Distribution links: `register_distribution_links(fn)` with `fn(dataset_ids) -> {(dataset id, distribution
  position): {POD member: site-relative URL or value}}`, e.g. the datastore's `accessURL` (the table's API),
  `describedBy` (its Table Schema) and `describedByType`. The published listings (`/data.json`, exports,
  the dataset API) add them at output time, only where the record does not already have that member;
  they never enter revisions or content hashes.
- Listing stamps: `register_listing_stamp(fn)` with `fn() -> str`, a short text that changes whenever the
  registered links would change, so the listings' ETag changes with them.
- Uploaded-file handlers: `register_file_handler(fn)` with `fn(distribution, *, by) -> URL or ""`, called
  after an editor uploaded a file as a distribution; the editor is sent to the first URL given (e.g. the
  datastore queues a Data API load and answers with its progress page).

Apps register in `AppConfig.ready()`. An entry is keyed by the function's module and qualified name, so
registering the same function twice keeps one entry (like a signal's `dispatch_uid`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from civicdata.catalog.models import Dataset, Distribution

ReleaseCheck = Callable[["Dataset"], Sequence[str]]
DatasetPanel = Callable[[HttpRequest, "Dataset"], str]
DistributionLinks = Callable[[Sequence[int]], Mapping[tuple[int, int], Mapping[str, str]]]
ListingStamp = Callable[[], str]
FileHandler = Callable[..., str]


class Registry[F: Callable]:
    """An ordered set of functions, keyed by their dotted name."""

    def __init__(self) -> None:
        self._entries: dict[str, F] = {}

    @staticmethod
    def _key(fn: Callable) -> str:
        return f"{fn.__module__}.{fn.__qualname__}"

    def register(self, fn: F) -> F:
        self._entries[self._key(fn)] = fn
        return fn

    def unregister(self, fn: F) -> None:
        self._entries.pop(self._key(fn), None)

    def __iter__(self) -> Iterator[F]:
        return iter(tuple(self._entries.values()))


release_checks: Registry[ReleaseCheck] = Registry()
dataset_panels: Registry[DatasetPanel] = Registry()
distribution_links: Registry[DistributionLinks] = Registry()
listing_stamps: Registry[ListingStamp] = Registry()
file_handlers: Registry[FileHandler] = Registry()
_release_check_labels: dict[str, str] = {}


def register_release_check(fn: ReleaseCheck, *, label: str = "") -> ReleaseCheck:
    """Add a release check: `fn(dataset)` returns plain-language reasons it cannot be published yet;
    `label` (a lazy translation) names what it checks on the release checklist."""
    if label:
        _release_check_labels[Registry._key(fn)] = label
    return release_checks.register(fn)


def registered_release_checks(dataset: Dataset) -> list[tuple[str, list[str]]]:
    """(label, reasons) of every registered check, in registration order; no reasons means met."""
    return [(_release_check_labels.get(Registry._key(check), ""), list(check(dataset))) for check in release_checks]


def register_dataset_panel(fn: DatasetPanel) -> DatasetPanel:
    """Add a panel to the dataset page: `fn(request, dataset)` returns its HTML ("" for nothing)."""
    return dataset_panels.register(fn)


def render_dataset_panels(request: HttpRequest, dataset: Dataset) -> list[str]:
    """The HTML of every registered panel that has something to show, in registration order."""
    return [html for panel in dataset_panels if (html := panel(request, dataset))]


def register_distribution_links(fn: DistributionLinks) -> DistributionLinks:
    """Add members to published distributions: `fn(dataset_ids)` maps (dataset id, position) to members."""
    return distribution_links.register(fn)


def register_listing_stamp(fn: ListingStamp) -> ListingStamp:
    """Add to the listings' ETag: `fn()` returns text that changes when the registered links change."""
    return listing_stamps.register(fn)


def register_file_handler(fn: FileHandler) -> FileHandler:
    """Act on a newly uploaded distribution file: `fn(distribution, by=user)` returns where to go next."""
    return file_handlers.register(fn)


#: Members that registered links may add (never anything else, so a record's own data stays as it is).
LINK_MEMBERS = ("accessURL", "describedBy", "describedByType")


def distribution_links_for(dataset_ids: Sequence[int]) -> dict[tuple[int, int], dict[str, str]]:
    """Every registered provider's links for these datasets, merged (the first provider wins a member)."""
    merged: dict[tuple[int, int], dict[str, str]] = {}
    if not dataset_ids:
        return merged
    for provider in distribution_links:
        for position, members in provider(dataset_ids).items():
            slot = merged.setdefault(position, {})
            for key, value in members.items():
                if key in LINK_MEMBERS:
                    slot.setdefault(key, value)
    return merged


def with_distribution_links(
    dataset_id: int, obj: dict[str, Any], links: Mapping[tuple[int, int], Mapping[str, str]], *, base_url: str
) -> dict[str, Any]:
    """`obj` (a POD dataset) with the registered links added to its distributions, as absolute URLs.

    A member the distribution already has is left alone; `describedByType` is only added together with
    the `describedBy` it describes.
    """
    dists = obj.get("distribution")
    if not isinstance(dists, list) or not any((dataset_id, i) in links for i in range(len(dists))):
        return obj
    base = base_url.rstrip("/")
    out = []
    for position, dist in enumerate(dists):
        members = links.get((dataset_id, position))
        if not members or not isinstance(dist, dict):
            out.append(dist)
            continue
        dist = dict(dist)
        if "accessURL" in members and not dist.get("accessURL"):
            dist["accessURL"] = _absolute(members["accessURL"], base)
        if "describedBy" in members and not dist.get("describedBy"):
            dist["describedBy"] = _absolute(members["describedBy"], base)
            if members.get("describedByType"):
                dist["describedByType"] = members["describedByType"]
        out.append(dist)
    return {**obj, "distribution": out}


def _absolute(url: str, base: str) -> str:
    return url if url.startswith(("https://", "http://")) else base + url


def listing_stamp() -> str:
    """The registered stamps joined, for the listings' ETag ("" when nothing is registered)."""
    return "|".join(stamp() for stamp in listing_stamps)


def handle_uploaded_file(distribution: Distribution, *, by: Any) -> str:
    """Run every uploaded-file handler; the first URL one of them gives ("" when none does)."""
    following = ""
    for handler in file_handlers:
        url = handler(distribution, by=by)
        following = following or url
    return following


# --- publisher dashboard panels ------------------------------------------------------------------

DashboardPanel = Callable[[HttpRequest, Any], str]
dashboard_panels: Registry[DashboardPanel] = Registry()


def register_dashboard_panel(fn: DashboardPanel) -> DashboardPanel:
    """Add a panel to the publisher dashboard: `fn(request, publisher)` returns its HTML ("" for nothing),
    e.g. the community app's quality scores."""
    return dashboard_panels.register(fn)


def render_dashboard_panels(request: HttpRequest, publisher: Any) -> list[str]:
    """The HTML of every registered dashboard panel that has something to show, in registration order."""
    return [html for panel in dashboard_panels if (html := panel(request, publisher))]
