import pytest

from civicdata.accounts.tests.factories import make_user
from civicdata.core.audit import record_write
from civicdata.core.pagination import decode_cursor, encode_cursor

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok", "checks": {"process": "ok"}}
    ready = client.get("/readyz").json()
    assert ready["checks"]["database"] == "ok"


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_api_paths_answer_in_the_error_envelope(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "We could not find that page.",
    }


def test_nul_characters_in_addresses_are_refused_on_every_database(client):
    response = client.get("/api/accounts/organizations/%00")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_character"
    assert client.get("/organizations/?q=%00").status_code == 400


def test_openapi_document_lists_the_endpoints(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/accounts/organizations" in document["paths"]


def test_preflight_is_answered_only_for_reads(client):
    read = client.options("/api/status", headers={"Access-Control-Request-Method": "GET", "Origin": "https://x.org"})
    assert read["Access-Control-Allow-Origin"] == "*"
    write = client.options("/api/status", headers={"Access-Control-Request-Method": "POST", "Origin": "https://x.org"})
    assert "Access-Control-Allow-Origin" not in write


def test_uploads_over_the_limit_are_refused_before_reading(client, settings):
    settings.MAX_UPLOAD_BYTES = 10
    response = client.post("/api/status", data="x" * 100, content_type="text/plain")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_staff_page_refuses_residents_with_a_reason(client):
    client.force_login(make_user())
    response = client.get("/staff/")
    assert response.status_code == 403
    assert b"Only site staff can see this page." in response.content


def test_audit_log_is_readable_by_site_admins_only(client):
    staff = make_user(staff=True)
    record_write(actor=staff, action="publish_dataset", target_type="catalog.dataset", target_id="7")
    client.force_login(staff)
    assert client.get("/staff/audit/").status_code == 403
    client.force_login(make_user(superuser=True))
    response = client.get("/staff/audit/")
    assert response.status_code == 200
    assert b"publish_dataset" in response.content


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor([42, "2026-01-01"])) == [42, "2026-01-01"]


def test_spanish_is_served_when_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert page.content.decode().count('lang="es"') >= 1
    assert "Buscar conjuntos de datos" in page.content.decode()


def test_home_page_shows_figures_with_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert b"public datasets" in response.content
    assert b"Most wanted data" in response.content


def test_home_page_leads_to_the_next_public_events_and_the_events_list(client):
    import datetime as dt

    from django.utils import timezone

    from civicdata.events.models import EventStatus
    from civicdata.events.tests.factories import make_event

    soon = timezone.now() + dt.timedelta(days=3)
    make_event(title="Open data day at the library", starts_at=soon)
    make_event(title="Draft jam nobody may see", starts_at=soon, status=EventStatus.DRAFT)
    make_event(title="Held last month", starts_at=timezone.now() - dt.timedelta(days=30), status=EventStatus.COMPLETED)
    html = client.get("/").content.decode()
    assert "Open data day at the library" in html
    assert "Draft jam nobody may see" not in html
    assert "Held last month" not in html
    assert 'href="/events/"' in html
    assert "Ver todos los eventos comunitarios" in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
