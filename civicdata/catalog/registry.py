"""Places where the apps above the catalog add to what it does, without the catalog importing them.

- Release checks: `register_release_check(fn, label=...)` with `fn(dataset) -> list of reasons`; any
  reason blocks publishing (e.g. the datastore's "personal data pending review"). The release checklist
  shows each check as one computed item, met when it gives no reason, under its label.
- Dataset panels: `register_dataset_panel(fn)` with `fn(request, dataset) -> HTML`: a safe string from
  `render_to_string(..., request=request)` or `format_html` (a plain string is escaped as text; an empty
  one shows nothing). The dataset page shows each panel below the distributions, in registration order
  (e.g. the datastore's Data API preview).

Apps register in `AppConfig.ready()`. An entry is keyed by the function's module and qualified name, so
registering the same function twice keeps one entry (like a signal's `dispatch_uid`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from civicdata.catalog.models import Dataset

ReleaseCheck = Callable[["Dataset"], Sequence[str]]
DatasetPanel = Callable[[HttpRequest, "Dataset"], str]


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
