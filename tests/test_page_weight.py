"""A page weighs under 300 KB transferred: static files are collected and compressed (gzip and brotli
beside each file, by whitenoise's compressor as in production and the demo) and whitenoise sends the
compressed copy to a browser that accepts it. The test collects without hashed names: production's
manifest adds hashing only, and takes minutes more on a busy machine.

The weight counts the page's HTML as sent, every stylesheet, script and image it links, and the font
faces the USWDS theme draws text with (regular and bold of the sans, serif and mono families).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.test import Client

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db

BUDGET = 300 * 1024
ACCEPT = "br, gzip"
_ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"]+)"')
_FONT = re.compile(r"url\((?:\"|')?([^)\"']+\.woff2)")
_USED_FACES = re.compile(
    r"(sourcesanspro-(regular|bold)|Merriweather-(Regular|Bold)\.|roboto-mono-v5-latin-(regular|700)\.)"
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("static")


@pytest.fixture
def production_static(settings, collected: Path) -> Path:
    settings.STATIC_ROOT = collected
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    if not (collected / "civicdata" / "site.css").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    return collected


def _transferred(client: Client, url: str) -> tuple[int, str, bytes]:
    response = client.get(url, HTTP_ACCEPT_ENCODING=ACCEPT)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body), response.get("Content-Encoding", ""), body


def _page_weight(path: str) -> tuple[int, dict[str, tuple[int, str]]]:
    client = Client()  # a new client builds its middleware (and whitenoise's file list) from the settings
    html_size, encoding, html = _transferred(client, path)
    if encoding == "gzip":  # pages are gzipped too (core.middleware.CompressPagesMiddleware)
        html = gzip.decompress(html)
    parts: dict[str, tuple[int, str]] = {path: (html_size, "")}
    for asset in sorted(set(_ASSET.findall(html.decode()))):
        size, encoding, _body = _transferred(client, asset)
        parts[asset] = (size, encoding)
        if asset.endswith(".css"):
            plain = b"".join(client.get(asset).streaming_content)
            for font in sorted(set(_FONT.findall(plain.decode("utf-8", "replace")))):
                if _USED_FACES.search(font):
                    url = urljoin(asset, font)
                    parts[url] = _transferred(client, url)[:2]
    return sum(size for size, _enc in parts.values()), parts


def test_static_files_are_sent_compressed(production_static):
    """The USWDS stylesheet goes out brotli- or gzip-compressed, at a fraction of its size."""
    _weight, parts = _page_weight("/")
    css = next(url for url in parts if "uswds" in url and url.endswith(".css"))
    size, encoding = parts[css]
    assert encoding in {"br", "gzip"}
    assert size < 100 * 1024


def test_home_page_weighs_under_300_kb(production_static):
    weight, parts = _page_weight("/")
    assert weight < BUDGET, sorted(parts.items(), key=lambda item: -item[1][0])[:8]


def test_dataset_page_weighs_under_300_kb(production_static):
    dataset = make_dataset(make_organization("Parks", slug="parks"), identifier="weight")
    weight, parts = _page_weight(dataset.get_absolute_url())
    assert weight < BUDGET, sorted(parts.items(), key=lambda item: -item[1][0])[:8]
    assert any(url.endswith(".woff2") for url in parts), "the fonts are counted"
