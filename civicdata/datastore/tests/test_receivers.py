"""The datastore registers with the catalog: its release check and the dataset page's Data API panel."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from civicdata.accounts.tests.factories import make_member, make_organization
from civicdata.catalog import registry
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore import receivers

pytestmark = pytest.mark.django_db


def test_the_datastore_registers_once_however_often_the_app_is_readied():
    checks, panels = list(registry.release_checks), list(registry.dataset_panels)
    assert receivers.personal_data_release_check in checks
    assert receivers.data_api_panel in panels
    apps.get_app_config("datastore").ready()
    assert list(registry.release_checks) == checks
    assert list(registry.dataset_panels) == panels


def test_editors_see_the_load_button_on_the_dataset_page(client):
    publisher = make_organization()
    dataset = make_dataset(publisher)
    load_url = reverse("datastore:load", kwargs={"dataset": dataset.name})
    assert load_url not in client.get(dataset.get_absolute_url()).content.decode()
    client.force_login(make_member(publisher))
    assert load_url in client.get(dataset.get_absolute_url()).content.decode()


def test_personal_data_is_a_computed_item_of_the_release_checklist():
    """A table with flagged columns makes the checklist's personal-data item unmet until each is decided."""
    from civicdata.catalog import release
    from civicdata.datastore import services
    from civicdata.datastore.tests.factories import load_table

    dataset = make_dataset(make_organization(), published=False)
    label = "Personal data decided for every table of the Data API"
    assert {item.label: item.met for item in release.computed_items(dataset)}[label] is True
    table, _job = load_table(dataset, "name,email\nAna Diaz,ana@example.org\n", name="people")
    item = next(item for item in release.computed_items(dataset) if item.label == label)
    assert not item.met
    assert "people" in item.reasons[0]
    for column in ("name", "email"):
        services.decide_pii(table, column=column, action="justify", by=None, justification="Office contact.")
    assert next(item for item in release.computed_items(dataset) if item.label == label).met
