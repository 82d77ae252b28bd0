"""What the staff journeys in a real browser share: the demo people, a page of a given width on the home
page, the language switch and signing in, all by clicking; then the header's "Manage" menu.

Labels are looked up in the site's own message catalogs (`words`), so one journey runs in English and in
Spanish, and the pages must carry those translations for it to find its way.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

from django.utils import translation

from civicdata.accounts import demo as accounts_demo

WIDTHS = (1280, 375)
LANGUAGES = ("en", "es")
#: The switch names each language in itself.
LANGUAGE_BUTTONS = {"en": "English", "es": "Español"}


def words(language: str, text: str) -> str:
    """`text` as the site says it in `language` (its gettext translation)."""
    with translation.override(language):
        return translation.gettext(text)


def count_words(language: str, singular: str, plural: str, number: int, **values: Any) -> str:
    """A counted message (ngettext) in `language`, with its placeholders filled."""
    with translation.override(language):
        return translation.ngettext(singular, plural, number) % values


def open_menu(page: Any) -> None:
    """On a phone the header's links sit behind the "Menu" button."""
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


def open_manage_link(page: Any, language: str, link: str) -> None:
    """Open the header's "Manage" menu and follow the link with this (English) name."""
    open_menu(page)
    nav = page.get_by_role("navigation", name=words(language, "Primary navigation"))
    nav.get_by_text(words(language, "Manage"), exact=True).click()
    nav.get_by_role("link", name=words(language, link)).click()
    page.wait_for_load_state()


@contextmanager
def journey_page(browser: Any, live_server: Any, *, email: str, width: int, language: str = "en") -> Iterator[Any]:
    """The demo people loaded; a browser page `width` px wide that opened the home page, switched to
    `language` with the header's switch (when not English) and signed in as `email`, by clicking."""
    accounts_demo.load(random.Random(1), StringIO())
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/")
        if language != "en":
            page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        page.get_by_role("link", name=words(language, "Sign in")).first.click()
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
        page.locator("form.usa-form button[type=submit]").click()
        page.wait_for_load_state()
        yield page
    finally:
        context.close()
