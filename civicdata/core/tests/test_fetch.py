import http.server
import threading

import pytest

from civicdata.core import fetch


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ],
)
def test_internal_addresses_are_refused(url):
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(url)
    assert caught.value.code == "fetch.blocked_address"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.org/", "ftp://example.org/x"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(url)
    assert caught.value.code == "fetch.scheme"


def test_credentials_in_urls_are_refused():
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch("http://user:pass@example.org/")
    assert caught.value.code == "fetch.credentials"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/redirect-inward":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/")
            self.end_headers()
            return
        body = b"x" * 4096
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_allow_list_opens_a_private_host_and_size_cap_applies(settings, local_server):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    response = fetch.fetch(local_server + "/ok")
    assert response.status == 200
    assert len(response.body) == 4096
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(local_server + "/ok", max_bytes=1000)
    assert caught.value.code == "fetch.too_large"


def test_each_redirect_is_checked_again(settings, local_server):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(local_server + "/redirect-inward")
    assert caught.value.code == "fetch.blocked_address"
