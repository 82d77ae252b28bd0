"""The serialised /data.json is kept on disk per listing state: later answers read the file, and any write
to the listing changes the next answer at once (issue 15: /data.json at 100,000 datasets)."""

from __future__ import annotations

import json

import pytest
from django.core import signals

from civicdata.accounts.tests.factories import make_organization
from civicdata.catalog import publishing, services
from civicdata.catalog.tests.factories import make_dataset, pod_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks", org_type="agency")


def fetch(client, path="/data.json", **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def kept_files():
    folder = publishing.kept_folder()
    return sorted(p.name for p in folder.glob("*.json")) if folder.exists() else []


def test_the_second_answer_is_read_from_the_kept_file_with_its_length(client, parks):
    make_dataset(parks, identifier="trees", title="Street trees")
    first, first_body = fetch(client)
    assert not first.has_header("Content-Length")  # streamed while it was being written
    assert len(kept_files()) == 1
    second, second_body = fetch(client)
    assert second_body == first_body
    assert second["Content-Length"] == str(len(first_body))
    assert second["ETag"] == first["ETag"]
    assert [d["identifier"] for d in json.loads(second_body)["dataset"]] == ["trees"]


def test_an_edit_changes_the_next_answer_at_once_and_drops_the_old_file(client, parks):
    dataset = make_dataset(parks, identifier="trees", title="Street trees")
    fetch(client)
    old_files = kept_files()
    services.update_dataset(dataset, data=pod_dataset(identifier="trees", title="Street trees, renamed"), by=None)
    _response, body = fetch(client)
    assert [d["title"] for d in json.loads(body)["dataset"]] == ["Street trees, renamed"]
    assert len(kept_files()) == 1
    assert kept_files() != old_files


def test_a_new_dataset_and_a_withdrawal_show_at_once(client, parks):
    first = make_dataset(parks, identifier="trees", title="Street trees")
    fetch(client)
    make_dataset(parks, identifier="parks-list", title="Parks")
    _response, body = fetch(client)
    assert sorted(d["identifier"] for d in json.loads(body)["dataset"]) == ["parks-list", "trees"]
    services.withdraw_dataset(first, by=None, reason="Duplicate")
    _response, body = fetch(client)
    assert [d["identifier"] for d in json.loads(body)["dataset"]] == ["parks-list"]


def test_each_address_and_listing_keeps_its_own_document(client, parks):
    make_dataset(parks, identifier="trees", title="Street trees")
    _response, body = fetch(client)
    _response, other = fetch(client, HTTP_HOST="localhost")
    assert json.loads(body)["@id"] == "http://testserver/data.json"
    assert json.loads(other)["@id"] == "http://localhost/data.json"
    _response, mine = fetch(client, "/publishers/parks/data.json")
    assert json.loads(mine)["@id"] == "http://testserver/publishers/parks/data.json"
    assert len(kept_files()) == 3


def test_a_stream_stopped_half_way_keeps_nothing(client, parks, monkeypatch):
    for n in range(3):
        make_dataset(parks, identifier=f"d{n}", title=f"Dataset {n}")
    response = client.get("/data.json")
    chunks = iter(response.streaming_content)
    next(chunks)
    # The client went away: the server closes the answer. Its request_finished signal is held back here, as
    # the test client holds it back: its receiver would close the test's own database connection (a file
    # database in CI's workers). What is tested, the body's own clean-up, runs when the body is closed.
    monkeypatch.setattr(signals.request_finished, "send", lambda *args, **kwargs: [])
    response.close()
    monkeypatch.undo()
    folder = publishing.kept_folder()
    assert kept_files() == []
    assert not list(folder.glob("*.part"))
    _response, body = fetch(client)
    assert len(json.loads(body)["dataset"]) == 3


def test_the_worker_prepares_the_listing_so_the_first_answer_is_read_from_the_file(client, parks, settings):
    from civicdata.catalog.tasks import prepare_listing_task

    settings.SITE_URL = "http://testserver"
    make_dataset(parks, identifier="trees", title="Street trees")
    assert prepare_listing_task.call() is True
    assert len(kept_files()) == 1
    assert prepare_listing_task.call() is False  # already kept for this state
    response, body = fetch(client)
    assert response["Content-Length"] == str(len(body))  # read from the prepared file, not serialised now
    assert json.loads(body)["@id"] == "http://testserver/data.json"
    assert [d["identifier"] for d in json.loads(body)["dataset"]] == ["trees"]


def test_an_import_that_changes_the_catalog_has_the_listing_prepared(
    parks, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    document = {"dataset": [pod_dataset(identifier="trees", title="Street trees")]}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.import_catalog(publisher=parks, document=document, by=None)
    assert len(callbacks) >= 1
    assert len(kept_files()) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.import_catalog(publisher=parks, document=document, by=None)
    assert run.unchanged_count == 1
    assert callbacks == []  # nothing changed: nothing to prepare
