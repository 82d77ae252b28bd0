"""Pages and JSON answers go out gzipped to clients that accept it; streamed downloads (stored files
with ETag and byte ranges, data.json) keep streaming uncompressed, and a page showing a secret (a new
API token) is never compressed (BREACH; see docs/deploy.md)."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import services
from civicdata.catalog.models import DistributionFile
from civicdata.catalog.tests.factories import make_dataset

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}
CSV = b"stop_id,name,racks\n" + b"".join(b"%d,Main St,4\n" % i for i in range(200))


def test_a_page_is_gzipped_when_the_client_accepts_it(client: Client) -> None:
    make_dataset(make_organization("Parks", slug="parks"))
    plain = client.get("/")
    assert plain.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]
    packed = client.get("/", headers=GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content) / 2
    assert b"</html>" in gzip.decompress(packed.content)


def test_json_answers_are_gzipped(client: Client) -> None:
    response = client.get("/api/openapi.json", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "paths" in json.loads(gzip.decompress(response.content))


def test_streamed_downloads_stay_streamed_with_their_ranges(client: Client) -> None:
    """A stored file keeps its length, strong ETag and byte ranges; data.json streams as it is."""
    parks = make_organization("Parks", slug="parks")
    editor = make_member(parks, role="editor")
    dataset = make_dataset(parks)
    distribution = services.add_distribution_file(
        dataset,
        upload=SimpleUploadedFile("racks.csv", CSV, content_type="text/csv"),
        title="Racks",
        by=editor,
        site_url="https://data.example.org/",
    )
    url = DistributionFile.objects.get(distribution=distribution).get_absolute_url()
    whole = client.get(url, headers=GZIP)
    assert whole.streaming
    assert not whole.has_header("Content-Encoding")
    assert whole["Content-Length"] == str(len(CSV))
    assert whole["ETag"].startswith('"')
    assert b"".join(whole.streaming_content) == CSV
    part = client.get(url, headers={**GZIP, "range": "bytes=0-7"})
    assert part.status_code == 206
    assert not part.has_header("Content-Encoding")
    assert b"".join(part.streaming_content) == CSV[:8]
    catalog = client.get("/data.json", headers=GZIP)
    assert catalog.streaming
    assert not catalog.has_header("Content-Encoding")
    assert json.loads(b"".join(catalog.streaming_content))["dataset"]


def test_a_page_showing_a_new_token_is_not_compressed(client: Client) -> None:
    client.force_login(make_user())
    listing = client.get("/account/tokens/", headers=GZIP)
    assert listing["Cache-Control"] == "private, no-store"
    assert not listing.has_header("Content-Encoding")
    created = client.post("/account/tokens/", {"name": "My script"}, headers=GZIP)
    assert created.status_code == 200
    assert not created.has_header("Content-Encoding")
    assert b'id="new-token"' in created.content
