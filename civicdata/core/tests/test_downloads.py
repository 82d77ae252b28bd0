"""Download slots: a long streamed response holds a slot of its process until the server closes it; beyond
the slots (in all, or for one client) a download is refused at once; small answers, static files and HEAD
take none. Stored files can be handed to the proxy."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from civicdata.core import downloads

# Closing a response sends request_finished, whose receiver looks at the database connection.
pytestmark = pytest.mark.django_db

BIG = b"x" * (downloads.SMALL_BYTES + 1)


@pytest.fixture(autouse=True)
def _fresh_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "SLOTS", downloads.DownloadSlots())


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.DOWNLOAD_SLOTS = 2
    settings.DOWNLOAD_SLOTS_PER_CLIENT = 1
    settings.TRUST_PROXY_HEADERS = False
    return settings


def chunks() -> Iterator[bytes]:
    yield b"a" * 1000
    yield b"b" * 1000


def streamed(_request: HttpRequest) -> HttpResponse:
    return StreamingHttpResponse(chunks(), content_type="text/csv")


def call(path: str = "/data.csv", *, address: str = "10.0.0.1", method: str = "get", view: Any = streamed) -> Any:
    request = getattr(RequestFactory(), method)(path, REMOTE_ADDR=address)
    return downloads.DownloadSlotsMiddleware(view)(request)


def test_a_stream_holds_a_slot_until_the_server_closes_it(limits: Any) -> None:
    """The slot is taken when the response leaves the view and given back by close(), read or not."""
    first = call(address="10.0.0.1")
    assert downloads.SLOTS.in_use() == 1
    assert b"".join(first.streaming_content) == b"a" * 1000 + b"b" * 1000
    first.close()
    assert downloads.SLOTS.in_use() == 0
    unread = call(address="10.0.0.1")
    unread.close()  # a client that went away before the first byte
    assert downloads.SLOTS.in_use() == 0
    unread.close()
    assert downloads.SLOTS.in_use() == 0, "a second close must not release twice"


def test_one_client_gets_its_share_then_429(limits: Any) -> None:
    """The same address beyond DOWNLOAD_SLOTS_PER_CLIENT is told to wait (429, Retry-After); others are served."""
    held = call(address="10.0.0.1")
    refused = call(address="10.0.0.1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(downloads.RETRY_AFTER)
    assert "wait for one to finish" in refused.content.decode()
    other = call(address="10.0.0.2")
    assert other.status_code == 200
    held.close()
    other.close()


def test_every_slot_busy_answers_503_at_once(limits: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond DOWNLOAD_SLOTS the download is refused without running, and the refused stream is closed."""
    monkeypatch.setattr(downloads, "WAIT_SECONDS", 0.0)
    held = [call(address=f"10.0.0.{n}") for n in (1, 2)]
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            return iter([BIG])

        def close(self) -> None:
            closed.append(True)

    refused = call(address="10.0.0.3", view=lambda _r: StreamingHttpResponse(Body()))
    assert refused.status_code == 503
    assert closed == [True]
    for response in held:
        response.close()
    assert call(address="10.0.0.3").status_code == 200


def test_a_quick_download_waits_for_a_slot_a_busy_one_does_not_wait_forever() -> None:
    """With every slot busy a request waits (bounded) for one to be released; no release means 503."""
    slots = downloads.DownloadSlots()
    assert slots.acquire("a", total=1, per_client=0) is None
    assert slots.acquire("b", total=1, per_client=0, wait=0.05) == 503
    releaser = threading.Timer(0.05, slots.release, args=("a",))
    releaser.start()
    assert slots.acquire("b", total=1, per_client=0, wait=30) is None
    releaser.join()
    assert slots.in_use() == 1


def test_api_refusals_use_the_error_envelope(limits: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(downloads, "WAIT_SECONDS", 0.0)
    held = [call(address=f"10.0.0.{n}") for n in (1, 2)]
    refused = call("/api/data/parks/trees.csv", address="10.0.0.9")
    assert refused.status_code == 503
    assert json.loads(refused.content)["error"]["code"] == "busy"
    for response in held:
        response.close()


def test_small_answers_static_files_and_head_take_no_slot(limits: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A known length that fits the socket buffers, /static/ and HEAD never count."""
    monkeypatch.setattr(downloads, "WAIT_SECONDS", 0.0)
    limits.DOWNLOAD_SLOTS = 1

    def small(_request: HttpRequest) -> HttpResponse:
        response = StreamingHttpResponse([b"tiny"])
        response["Content-Length"] = "4"
        return response

    held = call(address="10.0.0.1")
    assert call(address="10.0.0.2", view=small).status_code == 200
    assert call("/static/app.css", address="10.0.0.2").status_code == 200
    assert call(address="10.0.0.2", method="head").status_code == 200
    assert call(address="10.0.0.2").status_code == 503
    held.close()


def test_zero_slots_turn_the_limit_off(settings: Any) -> None:
    settings.DOWNLOAD_SLOTS = 0
    responses = [call(address="10.0.0.1") for _ in range(5)]
    assert all(r.status_code == 200 for r in responses)
    assert downloads.SLOTS.in_use() == 0


def test_offloaded_file_names_the_path_under_data_dir(settings: Any, tmp_path: Path) -> None:
    """Only with DOWNLOAD_OFFLOAD set, and only for files under DATA_DIR."""
    settings.DATA_DIR = tmp_path
    stored = tmp_path / "catalog-files" / "ab" / "abc"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"x")
    assert downloads.offloaded_file(stored) is None
    settings.DOWNLOAD_OFFLOAD = "x-accel-redirect"
    settings.DOWNLOAD_OFFLOAD_PREFIX = "internal"
    response = downloads.offloaded_file(stored)
    assert response is not None
    assert response["X-Accel-Redirect"] == "/internal/catalog-files/ab/abc"
    assert downloads.offloaded_file(tmp_path.parent / "elsewhere") is None
