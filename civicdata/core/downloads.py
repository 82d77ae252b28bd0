"""Long downloads may not take every web thread.

A web thread writes a response until the client has read it, so a client that reads slowly holds the
thread for as long as it likes. Every streamed response (a data.json, a Data API export, a distribution
file, a catalog export) therefore holds a *download slot* of its process from its first byte to its last:
at most DOWNLOAD_SLOTS at once per process, and DOWNLOAD_SLOTS_PER_CLIENT per client address. A download
beyond either is refused (429 at once, or 503 after a short bounded wait by at most `WAITERS` requests), so
the threads beyond the slots and waiters are always free for pages, the API and health checks.
`civicdata serve` runs more threads than slots (see docs/deploy.md).

Responses whose whole body fits in the kernel's socket buffers (a known length up to `SMALL_BYTES`), static
files and HEAD answers take no slot: they never hold a thread for long. With a reverse proxy in front,
DOWNLOAD_OFFLOAD=x-accel-redirect hands stored files to the proxy (`offloaded_file`), which sends them
without any web thread.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from civicdata.core.api_errors import error_response
from civicdata.core.ratelimit import client_address

#: A response of known length up to this size is written into socket buffers at once; it takes no slot.
SMALL_BYTES = 256 * 1024
#: Seconds a refused client is asked to wait before trying again.
RETRY_AFTER = 5
#: Requests of one process that may wait for a slot at once, and for how long.
WAITERS = 4
WAIT_SECONDS = 3.0


class DownloadSlots:
    """Counts the downloads this process is sending, in all and per client address (thread-safe).

    When every slot is busy a few requests (`WAITERS`) may wait up to `WAIT_SECONDS` for one: quick downloads
    (a small data.json) finish within that, so a burst of them is served rather than refused, while the
    waiters can never take more than `WAITERS` threads.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._total = 0
        self._waiting = 0
        self._by_client: Counter[str] = Counter()

    def acquire(self, client: str, *, total: int, per_client: int, wait: float = 0.0) -> int | None:
        """Take a slot for `client`; None when taken, else the status that refuses it (429: this client
        already has its share, 503: every slot is busy)."""
        with self._changed:
            if per_client > 0 and self._by_client[client] >= per_client:
                return 429
            if self._total >= total:
                if wait <= 0 or self._waiting >= WAITERS:
                    return 503
                self._waiting += 1
                try:
                    if not self._changed.wait_for(lambda: self._total < total, timeout=wait):
                        return 503
                finally:
                    self._waiting -= 1
            self._total += 1
            self._by_client[client] += 1
            return None

    def release(self, client: str) -> None:
        with self._changed:
            self._total -= 1
            self._by_client[client] -= 1
            if self._by_client[client] <= 0:
                del self._by_client[client]
            self._changed.notify()

    def in_use(self) -> int:
        with self._changed:
            return self._total


SLOTS = DownloadSlots()


class _HeldWhileSending:
    """The body of a streamed response, releasing its slot once: when the server closes the response
    (after the last byte, or when the client went away), even if iteration never started."""

    def __init__(self, content: Iterable[bytes], release: Callable[[], None]) -> None:
        self._content = content
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._content)

    def close(self) -> None:
        release, self._release = self._release, None
        try:
            close = getattr(self._content, "close", None)
            if close is not None:
                close()
        finally:
            if release is not None:
                release()


def _takes_slot(request: HttpRequest, response: HttpResponse) -> bool:
    if request.method == "HEAD" or not response.streaming:
        return False
    if request.path.startswith(settings.STATIC_URL):
        return False
    length = response.get("Content-Length", "")
    return not (length.isdigit() and int(length) <= SMALL_BYTES)


def _refusal(request: HttpRequest, status: int) -> HttpResponse:
    if status == 429:
        message = _("You are already downloading several files; wait for one to finish and try again.")
    else:
        message = _("The server is sending many downloads right now; try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = error_response(status, message, code="too_many_downloads" if status == 429 else "busy")
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DownloadSlotsMiddleware:
    """Give every long streamed response a download slot, or refuse it at once (see the module docstring).

    Outermost in MIDDLEWARE, so HEAD is still HEAD here and the refusal skips the work of every layer below.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        total = int(getattr(settings, "DOWNLOAD_SLOTS", 0))
        if total <= 0 or not _takes_slot(request, response):
            return response
        client = client_address(request)
        per_client = int(getattr(settings, "DOWNLOAD_SLOTS_PER_CLIENT", 0))
        refused = SLOTS.acquire(client, total=total, per_client=per_client, wait=WAIT_SECONDS)
        if refused is not None:
            response.close()  # releases what the body holds (files, database cursors)
            return _refusal(request, refused)
        response.streaming_content = _HeldWhileSending(response.streaming_content, lambda: SLOTS.release(client))
        return response


def offloaded_file(path: Path) -> HttpResponse | None:
    """With DOWNLOAD_OFFLOAD=x-accel-redirect, an empty response naming `path` (under DATA_DIR) in
    X-Accel-Redirect, for the proxy to send (ranges included); None when the web process sends it itself."""
    if getattr(settings, "DOWNLOAD_OFFLOAD", "") != "x-accel-redirect":
        return None
    try:
        relative = path.resolve().relative_to(Path(settings.DATA_DIR).resolve())
    except ValueError:
        return None
    prefix = "/" + str(getattr(settings, "DOWNLOAD_OFFLOAD_PREFIX", "/_civicdata/")).strip("/") + "/"
    response = HttpResponse()
    response["X-Accel-Redirect"] = prefix + relative.as_posix()
    # The proxy sets Content-Type from the file name unless told; keep the one the view chose.
    del response["Content-Type"]
    return response
