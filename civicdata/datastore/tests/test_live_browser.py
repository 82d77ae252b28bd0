"""In a real browser, as an editor of a publisher, by clicking from the home page through the "Manage"
menu: connect a table of the office's own database (a SQLite file in a folder LIVE_TABLE_SQLITE_DIRS
lists, holding real Nashville building permits) to a dataset, list its tables, connect one and open the
live table's page with its rows — at 1280 px in English and 375 px in Spanish, with axe-core on every
page; and once more with JavaScript turned off, since every step is a plain form.

Tasks run immediately in the test settings, so the first copy has been loaded when the list of live tables
opens again after "Connect". Every wait has a timeout."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from civicdata.accounts.models import Organization, User
from civicdata.accounts.tests.browser_support import count_words, journey_page, open_manage_link, words
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.testing import realdata_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUNS = [(1280, "en"), (375, "es")]
IDS = [f"{width}-{language}" for width, language in RUNS]
STEP_MS = 30_000
SLOW_MS = 120_000
#: The permits copied into the office's database: enough for a first page of rows and a second.
PERMITS = 60
COLUMNS = ["Permit__", "Permit_Type_Description", "Address", "Date_Issued", "Const_Cost", "Council_Dist", "ZIP"]


def office_database(folder: Path) -> tuple[Path, list[dict[str, str]]]:
    """A SQLite file like an office's permit system: a `building_permits` table of the first real
    Nashville permits and an `open_permits` view; returns the file and the rows copied."""
    source = realdata_path("city-csv/nashville_building_permits_raw.csv")
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(PERMITS), csv.DictReader(handle), strict=False)]
    path = folder / "permits.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE building_permits (Permit__ TEXT, Permit_Type_Description TEXT, Address TEXT, "
            "Date_Issued TEXT, Const_Cost TEXT, Council_Dist TEXT, ZIP TEXT)"
        )
        values = [[row[name] for name in COLUMNS] for row in rows]
        conn.executemany("INSERT INTO building_permits VALUES (?, ?, ?, ?, ?, ?, ?)", values)
        conn.execute(
            "CREATE VIEW open_permits AS SELECT Permit__, Address FROM building_permits WHERE Date_Issued = ''"
        )
    conn.close()
    return path, rows


@pytest.fixture
def office_folder(tmp_path, settings) -> Path:
    folder = tmp_path / "office-databases"
    folder.mkdir()
    settings.LIVE_TABLE_SQLITE_DIRS = [str(folder)]
    return folder


def _bounded(page) -> None:
    page.set_default_timeout(STEP_MS)
    page.set_default_navigation_timeout(SLOW_MS)


#: Text sticking out past the right edge (a long address in a hint does, without making any box wider).
TEXT_WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > width + 0.5) found.push(node.textContent.trim().slice(0, 60));
  }
  return found.slice(0, 6);
}"""


def _fits_the_screen(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wider = page.evaluate(TEXT_WIDER_THAN_SCREEN)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {wider}"


def _shows(page, language: str, said: str, english: str) -> None:
    """The page shows `said`; in Spanish it must differ from the English words (a missing translation
    would show the English words and let the journey pass unnoticed)."""
    if language != "en":
        assert said != english, f"no Spanish for {english!r}"
    page.get_by_text(said, exact=False).first.wait_for(timeout=STEP_MS)


def _says(page, language: str, text: str) -> None:
    _shows(page, language, words(language, text), text)


def _editor_dataset(title: str):
    transportation = Organization.objects.get(slug="transportation")
    editor = User.objects.get(email="editor@example.org")
    return make_dataset(transportation, by=editor, published=False, title=title)


def connect_and_open(page, language: str, title: str, database: Path, check) -> None:
    """From the list of live tables: choose the dataset, list the database's tables, connect one and open
    its page once loaded; `check(page)` runs on every page reached."""
    assert page.url.endswith("/catalog/tools/live-tables/")
    page.get_by_role("heading", level=1, name=words(language, "Live database tables")).wait_for()
    _says(page, language, "No live table yet.")
    check(page)
    page.get_by_label(words(language, "Dataset to add a live table to")).select_option(label=title)
    page.get_by_role("button", name=words(language, "Connect a database table")).click()
    page.wait_for_load_state()

    assert "/load/database/" in page.url
    page.get_by_role("heading", level=1, name=words(language, "Copy a table from your database")).wait_for()
    check(page)
    page.get_by_label(words(language, "Connection address of the database")).fill(f"sqlite:///{database}")
    page.get_by_role("button", name=words(language, "List tables")).click()
    page.wait_for_load_state()

    # The table box became a list of what the database holds: the table and the view.
    choice = page.get_by_label(words(language, "Table or view"))
    options = choice.locator("option").all_inner_texts()
    assert options[1:] == ["building_permits", "open_permits"], options
    singular, plural = "%(n)s table or view found.", "%(n)s tables and views found."
    _shows(page, language, count_words(language, singular, plural, 2, n=2), plural % {"n": 2})
    check(page)
    choice.select_option("building_permits")
    page.get_by_label(words(language, "Title of the table")).fill("Building permits")
    page.get_by_role("button", name=words(language, "Connect"), exact=True).click()
    page.wait_for_load_state()

    # Back on the list: the new live table, its first copy made and loaded.
    assert page.url.endswith("/catalog/tools/live-tables/")
    connected = "%(name)s is connected. Its first copy is being made; the table appears when it is loaded."
    named = {"name": "building_permits"}
    _shows(page, language, words(language, connected) % named, connected % named)
    box = page.get_by_role("region", name="Building permits")
    rows = count_words(language, "%(rows)s row", "%(rows)s rows", PERMITS, rows=PERMITS)
    assert rows in box.inner_text(), box.inner_text()
    check(page)
    box.get_by_role("link", name="Building permits").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(("width", "language"), RUNS, ids=IDS)
def test_an_editor_connects_a_live_database_table(
    browser, live_server, assert_no_axe_violations, office_folder, width, language
):
    database, permits = office_database(office_folder)

    def check(page) -> None:
        assert_no_axe_violations(page)
        _fits_the_screen(page)

    with journey_page(browser, live_server, email="editor@example.org", width=width, language=language) as page:
        _bounded(page)
        title = f"Permits {width} {language}"
        _editor_dataset(title)

        open_manage_link(page, language, "Live database tables")
        connect_and_open(page, language, title, database, check)

        # The live table's page: its rows, copied from the database.
        page.get_by_role("heading", level=1, name="Building permits").wait_for()
        table = page.locator("#rows-table")
        first = permits[0]
        assert first["Address"] in table.inner_text()
        assert first["Permit__"] in table.inner_text()
        headers = " ".join(page.locator("#rows-table thead th").all_inner_texts()).lower()
        assert "address" in headers, headers
        assert "council" in headers, headers
        assert page.locator("#rows-table tbody tr").count() > 0
        check(page)


def test_connecting_a_live_table_works_without_javascript(browser, live_server, office_folder):
    """Every step is a plain link or form: with JavaScript off the same journey reaches the table's rows."""
    database, permits = office_database(office_folder)
    with journey_page(browser, live_server, email="editor@example.org", width=1280) as signed_in:
        # The session of the signed-in page, in a context that runs no scripts.
        state = signed_in.context.storage_state()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, storage_state=state)
    try:
        page = context.new_page()
        _bounded(page)
        title = "Permits without scripts"
        _editor_dataset(title)
        page.goto("/")
        open_manage_link(page, "en", "Live database tables")
        connect_and_open(page, "en", title, database, lambda page: None)
        page.get_by_role("heading", level=1, name="Building permits").wait_for()
        assert permits[0]["Address"] in page.locator("#rows-table").inner_text()
    finally:
        context.close()
