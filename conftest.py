"""Fixtures shared by every app's tests: process-wide state reset between tests, a Playwright page on
Debian's Chromium and the axe-core check."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# axe-core rule tags for WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"


def reset_process_state() -> None:
    """Forget everything a test may leave behind in this process, so no test depends on the order.

    Django's caches hold allauth's login throttle and django-ninja's rate limits; the others are
    per-process memos keyed by database or folder names that the next test may reuse.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    from civicdata.catalog import facetindex, publishing, search
    from civicdata.datastore import runtime

    for cache in caches.all(initialized_only=True):
        cache.clear()
    with facetindex._lock:
        facetindex._cached.clear()
    with publishing._figures_lock:
        publishing._figures.clear()
    search._BACKEND_CACHE.clear()
    # API calls counted in memory by earlier tests, and the flush clock: a flush due in the middle of a
    # later test's request would add its writes to that test's query count.
    import time

    from civicdata.community import api_calls

    with api_calls._lock:
        api_calls._pending.clear()
        api_calls._last_flush = time.monotonic()
    # Rows flushed by a transactional test come back with new ids; the memo would keep the old ones.
    ContentType.objects.clear_cache()
    # Rendered fragments kept in this process (their keys hold row ids that a later test may reuse).
    from civicdata.core import fragments

    fragments.clear_local()
    with runtime._lock:
        for store in runtime._stores.values():
            store.close()
        runtime._stores.clear()
        runtime._guard = None


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    reset_process_state()
    yield
    reset_process_state()


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """A page served in Spanish leaves Spanish active on the thread; start every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but no Chromium was found; browser tests are required in CI")
        pytest.skip("no Chromium on this machine (install Debian's chromium package to run browser tests)")
    if not AXE_SCRIPT.exists():
        pytest.fail("node_modules/axe-core is missing; run `make install`")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield launched
        launched.close()


#: Every wait of a browser test is bounded: clicks, fills and waits for an element (Playwright's default is
#: already 30 s) and page loads, which a busy CI machine may need longer for.
ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 60_000


def bounded(context: Any) -> Any:
    """Give a browser context explicit timeouts for actions and navigations; returns it."""
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return context


@pytest.fixture
def live_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page; `live_page.base_url` is the live test server's address."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    bounded(context)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


#: Upper bounds for one axe-core run and for the check that the page runs scripts at all: page.evaluate has
#: no timeout of its own, so axe is started in the page and awaited with Playwright's (bounded) waits.
AXE_TIMEOUT_MS = 90_000
SCRIPTS_PROBE_MS = 5_000


def page_runs_scripts(page: Any) -> bool:
    """Whether timers fire in the page. With JavaScript off (`java_script_enabled=False`) an evaluated
    script still runs, but no timer or later task ever does, so an `await axe.run(...)` would never return."""
    page.evaluate("() => { window.__civicTick = false; setTimeout(() => { window.__civicTick = true; }, 0); }")
    try:
        page.wait_for_function("() => window.__civicTick === true", timeout=SCRIPTS_PROBE_MS, polling=50)
    except Exception:  # playwright's TimeoutError
        return False
    return True


@pytest.fixture
def new_context(browser: Any, live_server: Any) -> Iterator[Any]:
    """Call with Playwright context options (locale, viewport, java_script_enabled…): a browser context on
    the live test server with bounded waits, closed after the test."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = bounded(browser.new_context(base_url=live_server.url, **options))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[dict]:
    if not page_runs_scripts(page):
        pytest.fail(
            f"axe-core cannot check {page.url}: JavaScript is off in this browser context, and axe runs on "
            "JavaScript timers that never fire there. Check the page's accessibility in a context with JavaScript "
            "on (the no-JavaScript test can still check what works without it)."
        )
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays in force.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    page.evaluate(
        """(tags) => {
            window.__civicAxe = null;
            axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(
                (result) => { window.__civicAxe = {violations: result.violations}; },
                (error) => { window.__civicAxe = {error: String(error)}; },
            );
        }""",
        WCAG_TAGS,
    )
    page.wait_for_function("() => window.__civicAxe !== null", timeout=AXE_TIMEOUT_MS, polling=100)
    result = page.evaluate("() => window.__civicAxe")
    if "error" in result:
        pytest.fail(f"axe-core failed on {page.url}: {result['error']}")
    return result["violations"]


@pytest.fixture
def assert_no_axe_violations() -> Any:
    """Call with a page: fails listing each WCAG 2.1 A/AA violation axe-core finds on it."""

    def check(page: Any) -> None:
        violations = axe_violations(page)
        summary = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
            for v in violations
        ]
        assert violations == [], f"axe-core found violations on {page.url}:\n" + "\n".join(summary)

    return check
