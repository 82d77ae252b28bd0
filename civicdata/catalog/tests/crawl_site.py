"""A small department web site served on loopback for the completeness crawl tests."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

PAGES = {
    "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /private/\n"),
    "/": (
        "text/html; charset=utf-8",
        """<html><body><h1>Public Works</h1>
        <a href="/reports/">Reports and data</a>
        <a href="/private/">Staff only</a>
        <a href="http://elsewhere.invalid/page.html">A partner site</a>
        <a href="http://elsewhere.invalid/files/partner.csv">Partner data</a>
        <a href="/moved">Moved page</a>
        <a href="/logo.png">Logo</a>
        </body></html>""",
    ),
    "/reports/": (
        "text/html; charset=utf-8",
        """<html><body>
        <a href="potholes-2026.csv">Pothole repairs 2026</a>
        <a href="/reports/budget.xlsx"><b>Street budget</b> (Excel)</a>
        <a href="/reports/plan.pdf#page=2">Paving plan</a>
        <a href="/reports/potholes-2026.csv">Same file again</a>
        <a href="/reports/older/">Older reports</a>
        </body></html>""",
    ),
    "/reports/older/": ("text/html", '<a href="/files/trees.geojson">Street trees</a>'),
    "/private/": ("text/html", '<a href="/private/salaries.csv">Salaries</a>'),
}


class Site(http.server.BaseHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self):
        type(self).requested.append(self.path)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://elsewhere.invalid/landing")
            self.end_headers()
            return
        if self.path not in PAGES:
            self.send_response(404)
            self.end_headers()
            return
        content_type, body = PAGES[self.path]
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings) -> Iterator[str]:
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    settings.CATALOG_CRAWL_DELAY_SECONDS = 0
    Site.requested = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
