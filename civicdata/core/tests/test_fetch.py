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


@pytest.mark.parametrize(
    "address",
    ["64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:a00:1::", "::127.0.0.1", "::10.0.0.5"],
)
def test_ipv6_addresses_carrying_an_internal_ipv4_address_are_refused(address):
    """NAT64, 6to4 and IPv4-compatible addresses reach the IPv4 address inside them: judge that one."""
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(f"http://[{address}]/")
    assert caught.value.code == "fetch.blocked_address"


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::", "::ffff:8.8.8.8"])
def test_ipv6_addresses_carrying_a_public_ipv4_address_stay_public(address):
    import ipaddress

    assert fetch.is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("127.0.0.1", "127.0.0.1"),  # loopback
        ("localhost", None),  # a name for loopback: 127.0.0.1 or ::1, whichever comes first
        ("10.1.2.3", "10.1.2.3"),  # private
        ("192.168.0.9", "192.168.0.9"),
        ("169.254.169.254", "169.254.169.254"),  # link-local: the cloud metadata service
        ("fe80::1", "fe80::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),  # IPv4-mapped loopback
    ],
)
def test_check_host_refuses_internal_addresses(host, refused):
    with pytest.raises(fetch.HostRefused) as caught:
        fetch.check_host(host, 5432)
    assert caught.value.code == "fetch.blocked_address"
    assert caught.value.host == host
    assert not caught.value.address.is_global
    if refused is not None:
        assert str(caught.value.address) == refused
    assert str(caught.value.address) in caught.value.message


def test_check_host_returns_the_vetted_address_of_a_public_host():
    assert fetch.check_host("8.8.8.8", 443) == "8.8.8.8"
    assert fetch.check_host("2001:4860:4860::8888", 443) == "2001:4860:4860::8888"


def test_check_host_honours_the_allowed_hosts_by_network_and_by_name():
    assert fetch.check_host("10.1.2.3", 5432, allowed=["10.0.0.0/8"]) == "10.1.2.3"
    assert fetch.check_host("LocalHost", 80, allowed=["localhost"]) in {"127.0.0.1", "::1"}
    with pytest.raises(fetch.HostRefused):  # another network, another name: still refused
        fetch.check_host("10.1.2.3", 5432, allowed=["192.168.0.0/16", "db.city.gov"])


def test_check_host_says_when_a_host_cannot_be_found():
    with pytest.raises(fetch.HostRefused) as caught:
        fetch.check_host("db.example.invalid", 5432)
    assert caught.value.code == "fetch.dns"
    assert caught.value.address is None
    assert caught.value.message == "The host db.example.invalid could not be found."


def test_check_url_says_which_setting_allows_a_host():
    """check_url keeps its own words about a refused host: the setting an administrator would change."""
    with pytest.raises(fetch.FetchError) as fetched:
        fetch.check_url("http://10.1.2.3/data.json")
    assert fetched.value.code == "fetch.blocked_address"
    assert "(10.1.2.3)" in fetched.value.message
    assert "FETCH_ALLOWED_HOSTS" in fetched.value.message


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Sends one byte at a time, each well inside the per-read timeout: only an overall deadline stops it."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        import time

        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "400")
        self.end_headers()
        try:
            for _ in range(400):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the fetcher hung up: what the deadline is for

    def log_message(self, *args):
        pass


@pytest.fixture
def trickle_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("how", ["fetch", "fetch_to_file"])
def test_a_trickling_server_is_cut_off_at_the_overall_deadline(settings, trickle_server, how):
    """400 bytes at 20 bytes a second would take 20 s; each byte arrives within FETCH_TIMEOUT, so only the
    whole-fetch deadline can stop it, and a cut-off body is never taken for a whole file."""
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    settings.FETCH_TIMEOUT = 5
    with pytest.raises(fetch.FetchError) as caught:
        getattr(fetch, how)(trickle_server + "/slow", deadline=0.5)
    assert caught.value.code == "fetch.deadline"
    assert "0.5 s" in caught.value.message


def test_the_deadline_defaults_to_the_setting(settings, trickle_server):
    settings.FETCH_ALLOWED_HOSTS = ["127.0.0.0/8"]
    settings.FETCH_DEADLINE = 0.5
    with pytest.raises(fetch.FetchError) as caught:
        fetch.fetch(trickle_server + "/slow")
    assert caught.value.code == "fetch.deadline"
