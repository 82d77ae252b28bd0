"""The catalog announces what happened (signals) and lets the apps above add release checks and dataset
page panels (registries), without importing them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.dispatch import Signal
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from civicdata.accounts.tests.factories import make_organization, make_user
from civicdata.catalog import registry, services, signals
from civicdata.catalog.models import Dataset, Distribution
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@contextmanager
def captured(signal: Signal) -> Iterator[list[dict]]:
    """The keyword arguments of every send of `signal` inside the block (sender included)."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append({"sender": sender, **kwargs})

    signal.connect(receiver, weak=False)
    try:
        yield calls
    finally:
        signal.disconnect(receiver)


def ready_to_publish(**overrides) -> tuple[Dataset, object]:
    staff = make_user(staff=True)
    dataset = make_dataset(make_organization(), by=staff, published=False, **overrides)
    dataset = services.set_release_checklist(
        dataset, by=staff, contact_reachable=True, privacy_reviewed=True, quality_reviewed=True
    )
    return dataset, staff


def test_publishing_announces_the_dataset_after_commit_and_only_once(django_capture_on_commit_callbacks):
    dataset, staff = ready_to_publish()
    with captured(signals.dataset_published) as calls:
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_dataset(dataset, by=staff)
            assert calls == []  # not before the publication has committed
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_dataset(dataset, by=staff)  # already published: nothing new to announce
    assert len(calls) == 1
    assert calls[0]["sender"] is Dataset
    assert calls[0]["dataset"].pk == dataset.pk
    assert calls[0]["dataset"].is_published
    assert calls[0]["by"] == staff


def test_a_refused_publication_announces_nothing(django_capture_on_commit_callbacks):
    staff = make_user(staff=True)
    dataset = make_dataset(make_organization(), by=staff, published=False)
    with (
        captured(signals.dataset_published) as calls,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(InvalidInput),
    ):
        services.publish_dataset(dataset, by=staff)
    assert calls == []


def test_page_views_and_downloads_are_announced(client):
    dataset = make_dataset(make_organization(), identifier="announced")
    distribution = Distribution.objects.get(dataset=dataset)
    with captured(signals.dataset_viewed) as views, captured(signals.dataset_downloaded) as downloads:
        client.get(dataset.get_absolute_url())
        client.post(f"/catalog/distributions/{distribution.pk}/download/")
    assert [(call["sender"], call["dataset"].pk) for call in views] == [(Dataset, dataset.pk)]
    assert len(downloads) == 1
    assert downloads[0]["sender"] is Distribution
    assert downloads[0]["distribution"].pk == distribution.pk
    assert downloads[0]["dataset"].pk == dataset.pk


@pytest.fixture
def registered():
    """Register functions for one test and take them away afterwards."""
    added: list[tuple[registry.Registry, object]] = []

    def add(kind: registry.Registry, fn):
        kind.register(fn)
        added.append((kind, fn))
        return fn

    yield add
    for kind, fn in added:
        kind.unregister(fn)


def test_a_registered_release_check_blocks_publication(registered):
    def embargo(dataset):
        return ["Embargoed until the council meeting."] if dataset.title.startswith("Budget") else []

    registered(registry.release_checks, embargo)
    dataset, staff = ready_to_publish(title="Budget 2027")
    assert services.release_blockers(dataset) == ["Embargoed until the council meeting."]
    with pytest.raises(InvalidInput) as refused:
        services.publish_dataset(dataset, by=staff)
    assert refused.value.details == ["Embargoed until the council meeting."]
    dataset.refresh_from_db()
    assert not dataset.is_published
    other, staff = ready_to_publish(title="Street trees")
    assert services.publish_dataset(other, by=staff).is_published


def test_registering_the_same_function_twice_keeps_one_entry(registered):
    def always(dataset):
        return ["Once."]

    registered(registry.release_checks, always)
    registry.register_release_check(always)
    dataset, _staff = ready_to_publish()
    assert services.release_blockers(dataset).count("Once.") == 1


def test_registered_panels_are_shown_on_the_dataset_page_in_order(client, registered):
    def first(request, dataset):
        return format_html('<section id="first-panel">{}</section>', dataset.title)

    def nothing(request, dataset):
        return ""

    def second(request, dataset):
        return mark_safe('<section id="second-panel"></section>')

    def unsafe(request, dataset):
        return "<script>alert(1)</script>"  # a plain string is text, not HTML: it is escaped

    for panel in (first, nothing, second, unsafe):
        registered(registry.dataset_panels, panel)
    dataset = make_dataset(make_organization(), title="Trees <b>")
    page = client.get(dataset.get_absolute_url()).content.decode()
    assert '<section id="first-panel">Trees &lt;b&gt;</section>' in page
    assert page.index('id="first-panel"') < page.index('id="second-panel"')
    assert page.index("Details</h2>") > page.index('id="second-panel"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
