"""Live embeds in data stories: only this site's own Data API, drawn from the current data, inert when
hostile."""

from __future__ import annotations

import pytest

from civicdata.community.embeds import EmbedRefused, check_embeds, parse_reference, render_story
from civicdata.datastore.tests.factories import CRIME_CSV, load_table, published_table

pytestmark = pytest.mark.django_db


def fence(address: str) -> str:
    return f"Intro.\n\n```embed\n{address}\n```\n\nAfter."


@pytest.mark.parametrize(
    "address",
    [
        "https://evil.example.net/api/data/x/y",
        "//evil.example.net/api/data/x/y",
        "http://testserver.evil/api/data/x/y",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "/admin/",
        "/api/data/x/y/../../../admin",
        "/api/data/x/y\\..",
        "/api/data/x/y\n/api/data/x/z",
    ],
)
def test_embeds_of_other_sites_or_paths_are_refused(address, settings):
    settings.SITE_URL = "https://data.portalder.example"
    with pytest.raises(EmbedRefused):
        parse_reference(address)
    assert check_embeds(fence(address))


def test_own_site_addresses_are_accepted(settings):
    settings.SITE_URL = "https://data.portalder.example"
    ref = parse_reference("https://data.portalder.example/api/data/crime/incidents?District=Roxbury&limit=5")
    assert (ref.kind, ref.dataset, ref.table) == ("table", "crime", "incidents")
    assert ("District", "Roxbury") in ref.params
    assert parse_reference("/data/crime/incidents/chart/7.svg").chart_id == 7
    assert parse_reference("/data/crime/incidents/chart.svg?chart_type=bar&x=District").kind == "chart"


def test_a_table_embed_shows_the_live_rows_and_follows_reloads():
    table = published_table()
    source = fence(f"/api/data/{table.dataset.name}/{table.name}?district=Roxbury&sort=incident")
    html = str(render_story(source))
    assert "I-2" in html
    assert "I-3" in html
    assert "I-1" not in html
    assert "<table" in html
    assert "Intro." in html
    assert "After." in html
    # The data changes: the same story shows the new row without being edited.
    load_table(table.dataset, CRIME_CSV + "I-9,ARSON,Roxbury,0,2/3/2021 11:30,42.3,-71.0,new\n")
    assert "I-9" in str(render_story(source))


def test_a_table_embed_is_bounded_to_25_rows():
    rows = "".join(f"I-{n},LARCENY,South End,0,1/1/2021 10:00,42.3,-71.0,x\n" for n in range(60))
    table = published_table("Incident,Offense,District,Shooting,Occurred,Lat,Long,Note\n" + rows)
    html = str(render_story(fence(f"/api/data/{table.dataset.name}/{table.name}?limit=5000")))
    assert html.count("<tr>") == 26  # header + 25 rows


def test_a_chart_embed_draws_the_aggregated_figures():
    table = published_table()
    html = str(render_story(fence(f"/data/{table.dataset.name}/{table.name}/chart.svg?chart_type=bar&x=district")))
    assert "<img" in html
    assert "chart.svg?" in html
    assert "Roxbury" in html
    assert "South End" in html


def test_embeds_of_tables_that_are_not_public_draw_a_notice():
    from civicdata.datastore.tests.factories import make_published_dataset

    loaded_not_published, _job = load_table(make_published_dataset())
    for address in ("/api/data/no-such-dataset/none", loaded_not_published.api_path):
        html = str(render_story(fence(address)))
        assert "not public or no longer exists" in html
        assert "<table" not in html


def test_hostile_markdown_and_refused_embeds_render_inert(settings):
    settings.SITE_URL = "https://data.portalder.example"
    source = (
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n\n"
        "```embed\nhttps://evil.example.net/steal\n```\n\n"
        "<p>EMBEDdeadbeefN0</p>\n"
    )
    html = str(render_story(source))
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text
    assert "Only this site" in html
    assert "evil.example.net" not in html
    assert "<p>EMBEDdeadbeefN0</p>" not in html  # a forged placeholder stays text
