"""Breadcrumbs (issue 10, item 14) on the dataset, table, request and project pages: Home, the list the
page belongs to (and the dataset, for a table), then the page itself, not linked, as the current page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _crumbs(html: str) -> list[tuple[str, str]]:
    """(href or "", text) of each breadcrumb, in order."""
    nav = re.search(r'<nav class="usa-breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the page has no breadcrumb"
    items = re.findall(r"<li[^>]*>(.*?)</li>", nav[1], re.S)
    out = []
    for item in items:
        link = re.search(r'href="([^"]*)"', item)
        out.append((link[1] if link else "", unescape(re.sub(r"<[^>]+>", "", item)).strip()))
    return out


def test_dataset_and_table_pages_lead_back_through_the_catalog(client: Client) -> None:
    from civicdata.datastore.tests.factories import published_table

    table = published_table()
    dataset = table.dataset
    assert _crumbs(client.get(dataset.get_absolute_url()).content.decode()) == [
        ("/", "Home"),
        ("/datasets/", "Datasets"),
        ("", dataset.title),
    ]
    html = client.get(table.get_absolute_url()).content.decode()
    assert _crumbs(html) == [
        ("/", "Home"),
        ("/datasets/", "Datasets"),
        (dataset.get_absolute_url(), dataset.title),
        ("", table.display_title),
    ]
    assert 'aria-current="page"' in html


def test_request_and_project_pages_lead_back_to_their_lists(client: Client) -> None:
    from civicdata.accounts.tests.factories import make_user
    from civicdata.demand.tests.factories import make_request
    from civicdata.projects.tests.factories import make_project

    request = make_request(by=make_user("asker@example.org", staff=True), title="Bike counts by street")
    assert _crumbs(client.get(request.get_absolute_url()).content.decode()) == [
        ("/", "Home"),
        ("/requests/", "Data requests"),
        ("", "Bike counts by street"),
    ]
    project = make_project(title="Safer streets")
    client.force_login(project.organization.memberships.first().user)
    assert _crumbs(client.get(project.get_absolute_url()).content.decode()) == [
        ("/", "Home"),
        ("/projects/", "Projects"),
        ("", "Safer streets"),
    ]


def test_breadcrumbs_in_spanish(client: Client) -> None:
    from civicdata.demand.tests.factories import make_request

    request = make_request(title="Conteos de bicicletas")
    html = client.get(request.get_absolute_url(), headers={"accept-language": "es"}).content.decode()
    assert [text for _href, text in _crumbs(html)][:2] == ["Inicio", "Solicitudes de datos"]
    assert 'aria-label="Ruta de navegación"' in html
