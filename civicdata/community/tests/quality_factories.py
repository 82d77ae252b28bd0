"""Factory functions for the quality-report and discussion tests."""

from __future__ import annotations

from typing import Any

from civicdata.accounts.models import Role
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.community import services


def publisher_with_dataset(**overrides: Any) -> tuple[Any, Any, Any, Any]:
    """(publisher, dataset, an editor, an administrator) with the dataset published."""
    publisher = make_organization()
    editor = make_member(publisher, role=Role.EDITOR)
    admin = make_member(publisher, role=Role.ADMIN)
    dataset = make_dataset(publisher, **overrides)
    return publisher, dataset, editor, admin


def resident(**extra: Any) -> Any:
    """A signed-up resident whose account is old enough not to count as new."""
    import datetime as dt

    from django.utils import timezone

    return make_user(date_joined=timezone.now() - dt.timedelta(days=60), **extra)


def report(dataset: Any, *, by: Any = None, category: str = "wrong_values", **kwargs: Any) -> Any:
    description = kwargs.pop("description", "Totals are off.")
    return services.report_problem(dataset, by=by or resident(), category=category, description=description, **kwargs)
