"""The impact registry gathers figures from every registered source."""

from __future__ import annotations

from types import SimpleNamespace

from civicdata.community import impact


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
