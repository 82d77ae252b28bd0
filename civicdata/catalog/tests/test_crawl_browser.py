"""In a real browser, as a publisher's editor, by clicking from the home page: crawl the department's
web site for data files the catalog misses and start a draft dataset from one — at 1280 px and 375 px,
in English and Spanish, with axe-core on every page."""

from __future__ import annotations

import random
from io import StringIO

import pytest

from civicdata.accounts import demo as accounts_demo
from civicdata.catalog.models import CatalogCrawl, Dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "sign_in": "Sign in",
        "manage": "Manage",
        "tool": "Find data files the catalog misses",
        "start": "Start the crawl",
        "draft": "Start a draft dataset",
    },
    "es": {
        "sign_in": "Iniciar sesión",
        "manage": "Gestionar",
        "tool": "Buscar archivos de datos que faltan en el catálogo",
        "start": "Iniciar el rastreo",
        "draft": "Crear un borrador de conjunto de datos",
    },
}


def open_menu(page) -> None:
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "es")])
def test_an_editor_finds_a_file_the_catalog_misses_and_starts_a_draft(
    browser,
    live_server,
    assert_no_axe_violations,
    site,
    width,
    language,
):
    accounts_demo.load(random.Random(1), StringIO())
    words = WORDS[language]
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale=language)
    page = context.new_page()
    try:
        page.goto("/")
        if language == "es":
            assert page.locator("html").get_attribute("lang") == "es"
        page.get_by_role("link", name=words["sign_in"]).first.click()
        page.locator("#id_login").fill("coordinator@example.org")
        page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
        page.locator("form.usa-form button[type=submit]").click()
        page.wait_for_load_state()

        open_menu(page)
        nav = page.get_by_role("navigation").first
        nav.get_by_text(words["manage"], exact=True).click()
        nav.get_by_role("link", name=words["tool"]).click()
        page.wait_for_load_state()
        assert page.url.endswith("/catalog/tools/crawl/")
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.locator("textarea[name=start_urls]").fill(f"{site}/")
        page.get_by_role("button", name=words["start"]).click()
        page.wait_for_load_state()
        run = CatalogCrawl.objects.get()
        assert page.url.endswith(f"/catalog/tools/crawl/{run.pk}/")
        assert page.get_by_text("Pothole repairs 2026").is_visible()
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        card = page.locator(".usa-card").filter(has_text="Pothole repairs 2026")
        card.get_by_role("button", name=words["draft"]).click()
        page.wait_for_load_state()
        assert "/catalog/datasets/" in page.url
        assert page.url.endswith("/edit/")
        draft = Dataset.objects.get(title="Pothole repairs 2026")
        assert not draft.is_published
        assert_no_axe_violations(page)
    finally:
        context.close()
