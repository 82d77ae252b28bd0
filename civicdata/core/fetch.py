"""Outbound HTTP that cannot be turned against the server (SSRF-safe).

Every address a host name resolves to is checked before connecting; loopback, private, link-local,
multicast, reserved and cloud-metadata addresses are refused unless FETCH_ALLOWED_HOSTS names them.
The connection goes to the vetted address itself (so a second DNS answer cannot swap it), each redirect
is checked again, bodies are capped in size, and every step has a timeout. Over all of that, one
deadline (FETCH_DEADLINE) bounds the whole fetch: a server that trickles one byte a second, each byte
inside the per-read timeout, is cut off when the deadline passes (a watchdog shuts the socket down).
"""

from __future__ import annotations

import ipaddress
import socket
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

USER_AGENT = "civicdata/1.0 (+open data catalog; polite harvester)"
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch was refused or failed; `code` is stable, the message is plain language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class FetchResponse:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _allowed(entries: Iterable[str]) -> tuple[set[str], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """Split an allow-list (FETCH_ALLOWED_HOSTS, LIVE_TABLE_ALLOWED_HOSTS) into host names and networks."""
    names: set[str] = set()
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.lower())
    return names, networks


NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and a gateway would reach: IPv4-mapped (::ffff:a.b.c.d),
    IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::) and Teredo."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in NAT64_NETWORKS) or (
        address in IPV4_COMPATIBLE and int(address) > 1  # :: and ::1 are not IPv4 carriers
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for globally routable unicast addresses: loopback, private, link-local (including the
    169.254.169.254 cloud metadata service), shared, reserved and multicast ranges are all refused. An
    IPv6 address that carries an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) is judged by
    that IPv4 address too, so 64:ff9b::7f00:1 is loopback."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None and not is_public_address(inner):
            return False
        if address.ipv4_mapped is not None:
            return True
    return address.is_global and not address.is_multicast


class HostRefused(FetchError):
    """check_host refused a host: it could not be resolved (`address` is None, code fetch.dns) or it
    resolves to an address that is not public (`address`, code fetch.blocked_address)."""

    def __init__(
        self, code: str, message: str, *, host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    ) -> None:
        super().__init__(code, message)
        self.host = host
        self.address = address


def check_host(host: str, port: int, *, allowed: Iterable[str] = ()) -> str:
    """Resolve `host` and vet every address it resolves to; returns the first, to connect to instead of the
    name (so a second DNS answer cannot swap it). An address that is not public (is_public_address) is
    refused unless `allowed` names the host or a network holding the address ("db.city.gov",
    "10.0.0.0/8"). Raises HostRefused; callers say what it means for them (and which setting allows it)."""
    host = host.lower()
    allowed_names, allowed_networks = _allowed(allowed)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostRefused("fetch.dns", f"The host {host} could not be found.", host=host, address=None) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        permitted = (
            host in allowed_names
            or any(address in network for network in allowed_networks)
            or is_public_address(address)
        )
        if not permitted:
            raise HostRefused(
                "fetch.blocked_address",
                f"{host} points to a private or internal address ({address}).",
                host=host,
                address=address,
            )
    return str(addresses[0])


def check_url(url: str) -> tuple[str, str, int, str]:
    """Validate a URL and resolve its host; returns (scheme, host, port, vetted IP) or raises FetchError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError("fetch.scheme", f"Only http and https addresses can be fetched, not {parts.scheme!r}.")
    if not parts.hostname:
        raise FetchError("fetch.no_host", "The address has no host name.")
    if parts.username or parts.password:
        raise FetchError("fetch.credentials", "Addresses with a user name or password are not fetched.")
    host = parts.hostname.lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("fetch.bad_port", "The address has an invalid port.") from None
    try:
        ip = check_host(host, port, allowed=getattr(settings, "FETCH_ALLOWED_HOSTS", []))
    except HostRefused as refused:
        if refused.address is None:
            raise
        raise FetchError(
            "fetch.blocked_address",
            f"{host} points to a private or internal address ({refused.address}); such addresses are not "
            "fetched. An administrator can allow it with FETCH_ALLOWED_HOSTS.",
        ) from None
    return parts.scheme, host, port, ip


class Watchdog:
    """Shuts down every connection of one fetch once its overall deadline has passed.

    Per-read timeouts cannot bound a whole fetch (each trickled byte resets them), so a timer thread
    shuts the sockets down; the blocked read then returns and the fetch reports the deadline.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.fired = threading.Event()
        self._done = threading.Event()
        self._connections: list[object] = []
        self._thread = threading.Thread(target=self._watch, name="fetch-deadline", daemon=True)
        self._thread.start()

    def remaining(self) -> float:
        return max(self.expires - time.monotonic(), 0.001)

    def watch(self, connection: object) -> None:
        if self.fired.is_set():
            raise FetchError("fetch.deadline", self.message())
        self._connections.append(connection)

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.fired.set()
        # Keep shutting sockets until the fetch ends: one may have been connecting when the deadline hit.
        while not self._done.is_set():
            for connection in list(self._connections):
                sock = getattr(connection, "sock", None)
                if sock is not None:
                    with suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
            self._done.wait(0.2)

    def stop(self) -> None:
        self._done.set()

    def check(self) -> None:
        if self.fired.is_set():
            raise FetchError("fetch.deadline", self.message())

    def message(self) -> str:
        return f"The other server took longer than {self.seconds:g} s in all; the fetch was stopped."


def _pool(scheme: str, host: str, port: int, ip: str, timeout: float, watchdog: Watchdog) -> urllib3.HTTPConnectionPool:
    pool_timeout = urllib3.Timeout(connect=min(timeout, 10, watchdog.remaining()), read=timeout)
    base = urllib3.HTTPSConnectionPool if scheme == "https" else urllib3.HTTPConnectionPool

    class WatchedPool(base):  # type: ignore[valid-type, misc]
        def _new_conn(self):  # type: ignore[no-untyped-def]
            connection = super()._new_conn()
            watchdog.watch(connection)
            return connection

    if scheme == "https":
        return WatchedPool(ip, port, timeout=pool_timeout, retries=False, server_hostname=host, assert_hostname=host)
    return WatchedPool(ip, port, timeout=pool_timeout, retries=False)


@contextmanager
def open_url(
    url: str, *, timeout: float | None = None, headers: dict[str, str] | None = None, deadline: float | None = None
) -> Iterator[tuple[str, urllib3.BaseHTTPResponse]]:
    """Open a URL with every redirect re-checked; yields (final URL, streaming response). The whole
    block, reading included, must end within `deadline` seconds (default FETCH_DEADLINE)."""
    with _opened(url, timeout=timeout, headers=headers, deadline=deadline) as (final_url, response, _watchdog):
        yield final_url, response


@contextmanager
def _opened(
    url: str,
    *,
    timeout: float | None,
    headers: dict[str, str] | None,
    deadline: float | None,
    stay_on: frozenset[str] | None = None,
) -> Iterator[tuple[str, urllib3.BaseHTTPResponse, Watchdog]]:
    watchdog = Watchdog(deadline if deadline is not None else settings.FETCH_DEADLINE)
    try:
        with _follow(url, timeout=timeout, headers=headers, watchdog=watchdog, stay_on=stay_on) as (
            final_url,
            response,
        ):
            yield final_url, response, watchdog
        watchdog.check()
    finally:
        watchdog.stop()


@contextmanager
def _follow(
    url: str,
    *,
    timeout: float | None,
    headers: dict[str, str] | None,
    watchdog: Watchdog,
    stay_on: frozenset[str] | None = None,
) -> Iterator[tuple[str, urllib3.BaseHTTPResponse]]:
    timeout = timeout if timeout is not None else settings.FETCH_TIMEOUT
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, ip = check_url(current)
        parts = urlsplit(current)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        default_port = 443 if scheme == "https" else 80
        request_headers = {
            "Host": host if port == default_port else f"{host}:{port}",
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        watchdog.check()
        pool = _pool(scheme, host, port, ip, timeout, watchdog)
        try:
            response = pool.urlopen(
                "GET", path, headers=request_headers, redirect=False, preload_content=False, decode_content=True
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            watchdog.check()
            raise FetchError("fetch.connection", f"Could not fetch {current}: {exc.__class__.__name__}.") from None
        if response.status in {301, 302, 303, 307, 308}:
            location = response.headers.get("location")
            response.release_conn()
            if not location:
                raise FetchError("fetch.redirect", "The server sent a redirect without a destination.")
            current = urljoin(current, location)
            if stay_on is not None and (urlsplit(current).netloc or "").lower() not in stay_on:
                raise FetchError("fetch.left_site", f"The server redirected to another site: {current}.")
            continue
        try:
            yield current, response
        finally:
            response.release_conn()
        return
    raise FetchError("fetch.too_many_redirects", f"More than {MAX_REDIRECTS} redirects; stopped.")


def _read_capped(response: urllib3.BaseHTTPResponse, max_bytes: int, watchdog: Watchdog) -> Iterator[bytes]:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("fetch.too_large", f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.")
    total = 0
    try:
        for chunk in response.stream(CHUNK):
            total += len(chunk)
            if total > max_bytes:
                raise FetchError(
                    "fetch.too_large", f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit."
                )
            watchdog.check()
            yield chunk
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        watchdog.check()
        raise FetchError("fetch.read", f"The download was interrupted: {exc.__class__.__name__}.") from None
    # A socket shut down by the watchdog reads as the end of the body: never mistake it for a whole file.
    watchdog.check()


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
    deadline: float | None = None,
    stay_on: frozenset[str] | None = None,
) -> FetchResponse:
    """Fetch a URL into memory (for catalogs and API pages). Raises FetchError on refusal or failure;
    non-2xx statuses are returned, not raised, so callers can report them. With `stay_on` (lower-case
    `host[:port]` names), a redirect to any other site is refused (`fetch.left_site`)."""
    limit = max_bytes if max_bytes is not None else settings.FETCH_MAX_BYTES
    with _opened(url, timeout=timeout, headers=headers, deadline=deadline, stay_on=stay_on) as (
        final_url,
        response,
        watchdog,
    ):
        body = b"".join(_read_capped(response, limit, watchdog))
        return FetchResponse(
            url=final_url,
            status=response.status,
            headers={key.lower(): value for key, value in response.headers.items()},
            body=body,
        )


def fetch_to_file(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    suffix: str = "",
    deadline: float | None = None,
) -> tuple[Path, FetchResponse]:
    """Stream a URL to a temporary file (for large tables); the caller deletes the file."""
    limit = max_bytes if max_bytes is not None else settings.FETCH_MAX_BYTES
    with _opened(url, timeout=timeout, headers=None, deadline=deadline) as (final_url, response, watchdog):
        if response.status >= 400:
            raise FetchError("fetch.status", f"The server answered {response.status} for {final_url}.")
        handle = tempfile.NamedTemporaryFile(delete=False, suffix=suffix)  # noqa: SIM115
        path = Path(handle.name)
        try:
            with handle:
                for chunk in _read_capped(response, limit, watchdog):
                    handle.write(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        info = FetchResponse(
            url=final_url,
            status=response.status,
            headers={key.lower(): value for key, value in response.headers.items()},
        )
        return path, info
