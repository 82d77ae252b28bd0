"""The impact registry gathers figures from every registered source; the impact pages, CSV and API count
and name the data challenges and engagement projects that used the data, in a bounded number of queries."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civicdata.accounts.tests.factories import make_member, make_user
from civicdata.community import figures, impact, services
from civicdata.community.models import Challenge
from civicdata.community.tests.quality_factories import publisher_with_dataset
from civicdata.projects.models import DataNeed, Intervention, Project, UseCase
from civicdata.projects.tests import factories as pf


def test_registered_sources_contribute_figures_in_order_and_registering_twice_is_harmless(monkeypatch):
    monkeypatch.setattr(impact, "_dataset_sources", {})
    monkeypatch.setattr(impact, "_organization_sources", {})

    def views(dataset):
        return [impact.ImpactFigure("views", "Views", dataset.views)]

    def reuses(dataset):
        return [impact.ImpactFigure("reuses", "Reuses", 2, link="/reuses/")]

    def members(organization):
        return [impact.ImpactFigure("datasets", "Datasets", organization.count)]

    impact.register_dataset_impact(views)
    impact.register_dataset_impact(reuses)
    impact.register_dataset_impact(views)
    impact.register_organization_impact(members)
    figures = impact.dataset_impact(SimpleNamespace(views=7))
    assert [(f.key, f.value) for f in figures] == [("views", 7), ("reuses", 2)]
    assert impact.organization_impact(SimpleNamespace(count=3))[0].value == 3


# --- challenges and engagement projects that used the data -----------------------------------------

_seq = itertools.count(1)


def _project(title):
    """An engagement project (its staff counted by the accounts factories, whose addresses the
    projects factories would repeat)."""
    organization = pf.make_org()
    return pf.make_project(organization, make_member(organization), title=title)


def _project_needing(dataset, title):
    project = _project(title)
    use_case = UseCase.objects.create(project=project, title=f"Use of {title}")
    DataNeed.objects.create(use_case=use_case, description="The data", dataset=dataset)
    return project, use_case


def _challenge(dataset, use_case, title):
    return services.create_challenge(
        services.ChallengeFields(
            organization=use_case.project.organization,
            title=title,
            summary="Solve it with data.",
            use_case=use_case,
            datasets=[dataset] if dataset else [],
            criteria=[("Usefulness", 1)],
        ),
        by=make_user(f"runner{next(_seq)}@example.org", staff=True),
    )


def _many(dataset, count):
    """`count` more challenges and projects using the dataset, written in bulk."""
    organization = pf.make_org()
    n = next(_seq)
    projects = Project.objects.bulk_create(
        Project(organization=organization, title=f"Bulk project {n}-{i}", slug=f"bulk-{n}-{i}") for i in range(count)
    )
    use_cases = UseCase.objects.bulk_create(UseCase(project=p, title="Use") for p in projects)
    DataNeed.objects.bulk_create(DataNeed(use_case=u, description="d", dataset=dataset) for u in use_cases)
    challenges = Challenge.objects.bulk_create(
        Challenge(organization=organization, title=f"Bulk {n}-{i}", slug=f"bulk-{n}-{i}", summary="s", use_case=u)
        for i, u in enumerate(use_cases)
    )
    Challenge.datasets.through.objects.bulk_create(
        Challenge.datasets.through(challenge=c, dataset=dataset) for c in challenges
    )


@pytest.mark.django_db
def test_impact_counts_and_names_the_challenges_and_projects_that_used_the_data(client):
    publisher, dataset, _editor, _admin = publisher_with_dataset()
    needing, use_case = _project_needing(dataset, "Safer crossings")
    delivering = _project("Bus stop audit")
    Intervention.objects.create(project=delivering, tactic="low_tech_outreach", title="Posters").datasets.add(dataset)
    _project("Unrelated parks project")
    used = _challenge(dataset, use_case, "Safe routes challenge")
    _challenge(None, use_case, "Challenge without this data")

    page = client.get(f"/datasets/{dataset.name}/impact/").content.decode()
    assert used.get_absolute_url() in page
    assert "Safe routes challenge" in page
    assert needing.get_absolute_url() in page
    assert delivering.get_absolute_url() in page
    assert "Challenge without this data" not in page
    assert "Unrelated parks project" not in page
    month = timezone.localdate().strftime("%Y-%m")
    assert 'id="chart-uptake-title"' in page
    assert f'<th scope="row">{month}</th><td>1</td><td>2</td>' in page

    csv = client.get(f"/datasets/{dataset.name}/impact.csv").content.decode()
    assert "challenges,Data challenges that used it,1" in csv
    assert "projects,Engagement projects that used it,2" in csv

    data = client.get(f"/api/impact/datasets/{dataset.name}").json()
    by_key = {f["key"]: f for f in data["figures"]}
    assert by_key["projects"]["value"] == 2
    assert {i["title"] for i in by_key["projects"]["items"]} == {"Safer crossings", "Bus stop audit"}
    assert by_key["challenges"]["items"] == [{"title": "Safe routes challenge", "url": used.get_absolute_url()}]

    org = {f["key"]: f["value"] for f in client.get(f"/api/impact/organizations/{publisher.slug}").json()["figures"]}
    assert org["projects"] == 2
    assert org["challenges"] == 1
    org_csv = client.get(f"/organizations/{publisher.slug}/impact.csv").content.decode()
    assert "projects,Engagement projects that used its data,2" in org_csv

    spanish = client.get(f"/datasets/{dataset.name}/impact/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Proyectos de participación que lo usaron" in spanish


@pytest.mark.django_db
def test_impact_queries_do_not_grow_with_challenges_and_projects(client, django_assert_max_num_queries):
    publisher, dataset, _editor, _admin = publisher_with_dataset()
    _many(dataset, 1)
    pages = [f"/datasets/{dataset.name}/impact/", f"/organizations/{publisher.slug}/impact/"]
    few = []
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        few.append(len(captured.captured_queries))
    _many(dataset, figures.LISTED + 5)
    for url, allowed in zip(pages, few, strict=True):
        with django_assert_max_num_queries(allowed):
            page = client.get(url).content.decode()
        assert f"<td>{figures.LISTED + 6}</td>" in page
        assert "And 6 more." in page
