"""Rendered fragments kept by what they show (civicdata.core.fragments)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from civicdata.core import fragments


@pytest.fixture(autouse=True)
def _empty_caches():
    fragments.clear_local()
    cache.clear()
    yield
    fragments.clear_local()
    cache.clear()


def counting(html: str, calls: list[str]):
    def render() -> str:
        calls.append(html)
        return html

    return render


def test_the_same_parts_render_once_and_other_parts_render_again() -> None:
    calls: list[str] = []
    assert fragments.cached_fragment("t", ("a", 1), counting("<p>a1</p>", calls)) == "<p>a1</p>"
    assert fragments.cached_fragment("t", ("a", 1), counting("<p>other</p>", calls)) == "<p>a1</p>"
    assert fragments.cached_fragment("t", ("a", 2), counting("<p>a2</p>", calls)) == "<p>a2</p>"
    assert calls == ["<p>a1</p>", "<p>a2</p>"]


def test_the_language_is_part_of_the_key() -> None:
    calls: list[str] = []
    with translation.override("en"):
        fragments.cached_fragment("t", ("x",), counting("english", calls))
    with translation.override("es"):
        assert fragments.cached_fragment("t", ("x",), counting("español", calls)) == "español"


def test_an_uncacheable_render_is_not_kept() -> None:
    calls: list[str] = []
    fragments.cached_fragment("t", ("e",), lambda: calls.append("1") or fragments.NotKept("error"))
    fragments.cached_fragment("t", ("e",), lambda: calls.append("2") or fragments.NotKept("error"))
    assert calls == ["1", "2"]


def test_the_process_keeps_only_the_newest_few_and_the_shared_cache_serves_the_rest(monkeypatch) -> None:
    monkeypatch.setattr(fragments, "LOCAL_SIZE", 3)
    calls: list[str] = []
    for n in range(5):
        fragments.cached_fragment("t", (n,), counting(f"f{n}", calls))
    assert len(fragments._local) == 3
    assert fragments.cached_fragment("t", (0,), counting("again", calls)) == "f0"  # from the shared cache
    assert calls == [f"f{n}" for n in range(5)]


def test_the_result_is_safe_html() -> None:
    html = fragments.cached_fragment("t", ("s",), lambda: "<b>x</b>")
    assert hasattr(html, "__html__")
