"""Plain factory functions for demand tests."""

from __future__ import annotations

import itertools
from typing import Any

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.demand import services
from civicdata.demand.models import DataRequest

_counter = itertools.count(1)


def make_request(
    *, by: Any = None, title: str | None = None, description: str = "Details of the data.", **extra: Any
) -> DataRequest:
    """A new data request made through the service (so counters and history are right)."""
    number = next(_counter)
    by = by or make_user(staff=True)  # staff are not throttled, so one person can make many
    return services.create_request(by=by, title=title or f"Request number {number}", description=description, **extra)


def make_public_dataset(title: str = "Bike counts", **overrides: Any) -> Any:
    """A published public dataset in the catalog."""
    from civicdata.catalog.tests.factories import make_dataset

    publisher = make_organization()
    return make_dataset(publisher, by=make_user(staff=True), title=title, **overrides)


__all__ = ["make_organization", "make_public_dataset", "make_request", "make_user"]
