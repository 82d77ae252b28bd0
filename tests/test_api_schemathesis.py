"""Schemathesis against /api/openapi.json (issue 12, item 8): every operation, fed generated valid and invalid
input, answers without a server error and with a status, content type and body its OpenAPI document
declares.

The application is called in-process through WSGI on the test database, so each case sees the world the
fixture built: a publisher with a published dataset and table, a data request and a project. Two passes:
path parameters generated freely (mostly ids that do not exist), and path parameters pinned to the real
objects (so list, read and write operations answer with their documented 200 bodies). Writes are sent
with a staff member's personal API token. Examples per operation are bounded so the run takes a few
minutes at most on two cores.

Every schemathesis check runs except "positive data acceptance": some values the schema must leave as plain
strings are refused for what they mean (an SQL statement that does not parse, a cursor this API never
gave out), with a documented 400.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from civicdata.accounts.models import Role
from civicdata.accounts.services import issue_api_token
from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.tests.factories import make_dataset
from civicdata.datastore import services as datastore_services
from civicdata.datastore.tests.factories import load_table
from civicdata.demand.tests.factories import make_request
from civicdata.projects.tests.factories import make_project

pytestmark = [pytest.mark.django_db, pytest.mark.api_fuzz]

#: Generated cases per operation and pass; about 40 operations, two passes.
EXAMPLES = 12


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    """Objects every path parameter can point at, and a staff token for writes."""
    settings.API_RATE_ANONYMOUS = "100000/minute"
    settings.API_RATE_SIGNED_IN = "100000/minute"
    city = make_organization("City", org_type="agency")
    staff = make_user(staff=True)
    editor = make_member(city, role=Role.ADMIN)
    dataset = make_dataset(city)
    table, job = load_table(dataset, name="incidents")
    assert job.status == "succeeded", job.error
    for column in datastore_services.unresolved_pii(table):
        datastore_services.decide_pii(table, column=column, action="justify", justification="Public.", by=None)
    datastore_services.publish_table(table, by=None)
    draft = make_dataset(city, published=False)
    request = make_request(by=staff)
    project = make_project(city, staff=editor)
    _token, raw = issue_api_token(staff, name="schemathesis")
    return {
        "token": raw,
        "path": {
            "slug": project.slug,
            "dataset": dataset.name,
            "table": table.name,
            "fmt": "csv",
            "identifier": dataset.identifier,
            "name": draft.name,
            "request_id": request.pk,
        },
    }


def _path_values(path: str, pinned: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in pinned.items() if "{" + name + "}" in path}


class _ServerErrors(logging.Handler):
    """Keeps the tracebacks Django logs for answers of 500, so a failure says what broke on the server."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.tracebacks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            if text not in self.tracebacks:
                self.tracebacks.append(text)


def run_operations(world: dict[str, Any], *, mode: GenerationMode, pin: bool) -> list[str]:
    """Run every operation of the live OpenAPI document; return one line per failing operation, after
    the distinct server-side tracebacks logged meanwhile (at most three)."""
    server_errors = _ServerErrors()
    loggers = [logging.getLogger("django.request"), logging.getLogger("civicdata")]
    for logger in loggers:
        logger.addHandler(server_errors)
    # Django's handler closes "old" database connections as each request starts and ends; inside the
    # test's transaction that would close the test's own connection (Django's test client holds it back
    # the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        failures = _run_operations(world, mode=mode, pin=pin)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        for logger in loggers:
            logger.removeHandler(server_errors)
    if failures:  # first, so a shortened report still shows them
        failures[:0] = [f"Server-side traceback:\n{text}" for text in server_errors.tracebacks[:3]]
    return failures


def _run_operations(world: dict[str, Any], *, mode: GenerationMode, pin: bool) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    # A NUL character is refused on every address (documented as 400): do not count it as valid input.
    schema.config.generation.update(allow_x00=False)
    # The WSGI client asks for gzip but, unlike HTTP clients, does not unzip: ask for plain bodies here
    # (compression itself is tested in tests/test_compression.py).
    headers = {"Authorization": f"Bearer {world['token']}", "Accept-Encoding": "identity"}
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        path_parameters = _path_values(operation.path, world["path"]) if pin else None
        if pin and not path_parameters:
            continue  # the free pass already covered operations without path parameters

        @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
        @BOUNDED
        def check(case: Any) -> None:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Unsatisfiable:
            continue  # no input violates this operation's schema (e.g. only free-text path parameters)
        except (Exception, BaseExceptionGroup) as exc:  # every failing operation is reported, not just the first
            failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_api_with_generated_ids(world: dict[str, Any], mode: GenerationMode) -> None:
    """Generated input, ids included, gets documented answers and never a server error."""
    failures = run_operations(world, mode=mode, pin=False)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_api_on_existing_objects(world: dict[str, Any], mode: GenerationMode) -> None:
    """With ids of real objects, every operation answers as documented (200 bodies included)."""
    failures = run_operations(world, mode=mode, pin=True)
    assert not failures, "\n\n".join(failures)
