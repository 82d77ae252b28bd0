"""Issue 12: a harvest source that is a folder is refused clearly; merges are capped and fetch in parallel."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog import services
from civicdata.catalog.tests.factories import pod_catalog, pod_dataset
from civicdata.catalog.tools.inputs import read_from_urls, too_many_sources


@pytest.mark.django_db
def test_a_harvest_source_pointing_at_a_folder_fails_with_a_reason(tmp_path: Path) -> None:
    run = services.import_catalog_from(publisher=make_organization(), location=str(tmp_path), by=None)
    assert run.status == "failed"
    assert "is a folder, not a file" in run.error


def test_a_merge_takes_at_most_the_configured_number_of_sources(settings) -> None:
    settings.CATALOG_MERGE_MAX_SOURCES = 3
    assert too_many_sources(3) is None
    assert "at most 3" in too_many_sources(4)


@pytest.mark.django_db
def test_the_merge_api_refuses_too_many_sources(client, settings) -> None:
    settings.CATALOG_MERGE_MAX_SOURCES = 2
    sources = [{"name": f"s{n}", "catalog": pod_catalog(pod_dataset())} for n in range(3)]
    response = client.post("/api/catalog/merge", {"sources": sources}, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert json.loads(response.content)["error"]["code"] == "too_many_sources"


class _Meeting(http.server.BaseHTTPRequestHandler):
    """Answers only once three requests are in flight together: sequential fetching never gets there."""

    barrier: threading.Barrier

    def do_GET(self):
        try:
            self.barrier.wait(timeout=5)
            body = json.dumps(pod_catalog(pod_dataset())).encode()
            self.send_response(200)
        except threading.BrokenBarrierError:
            body = b"sequential"
            self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_merge_sources_are_fetched_in_parallel(settings) -> None:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    handler = type("Handler", (_Meeting,), {"barrier": threading.Barrier(3)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        results = read_from_urls([f"{base}/a.json", f"{base}/b.json", f"{base}/c.json"])
    finally:
        server.shutdown()
    assert [result.ok for result in results] == [True, True, True], [r.errors for r in results]
