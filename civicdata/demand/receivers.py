"""The demand app listening to the catalog (connected in `DemandConfig.ready()`): publishing a dataset
fulfils the planned requests that named it, views and downloads count as usage, and a search that found
nothing counts as a request for data. Each receiver hands over to a service function that never raises."""

from __future__ import annotations

from typing import Any


def _services() -> Any:
    # Imported on first use: the services pull in the clustering stack (numpy), which every command would
    # otherwise load at start-up through AppConfig.ready().
    from civicdata.demand import services

    return services


def on_dataset_published(sender: Any, *, dataset: Any, **kwargs: Any) -> None:
    _services().dataset_published(dataset=dataset)


def on_dataset_viewed(sender: Any, *, dataset: Any, **kwargs: Any) -> None:
    _services().record_usage(dataset=dataset, kind="view")


def on_dataset_downloaded(sender: Any, *, dataset: Any, **kwargs: Any) -> None:
    _services().record_usage(dataset=dataset, kind="download")


def on_search_found_nothing(sender: Any, *, query: str, language: str, **kwargs: Any) -> None:
    _services().record_zero_result_search(query=query, language=language)
