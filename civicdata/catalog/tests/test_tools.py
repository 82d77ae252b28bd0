"""The validator and merger as people use them: CLI exit codes, web pages, and the JSON API."""

from __future__ import annotations

import io
import json
from html import escape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from civicdata.core.testing import realdata_path

V11 = "https://project-open-data.cio.gov/v1.1/schema"


def dataset(identifier: str, **extra):
    out = {
        "title": f"Dataset {identifier}",
        "description": "Useful.",
        "keyword": ["k"],
        "modified": "2024-01-01",
        "publisher": {"name": "City"},
        "contactPoint": {"fn": "Team", "hasEmail": "mailto:team@example.gov"},
        "identifier": identifier,
        "accessLevel": "public",
    }
    out.update(extra)
    return out


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_validate_exit_codes(tmp_path):
    """Exit 0 for a valid catalog, 1 for an invalid one, 2 for unreadable input."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"conformsTo": V11, "dataset": [dataset("a")]}))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"conformsTo": V11, "dataset": [dataset("a", title="")]}))
    broken = tmp_path / "broken.json"
    broken.write_text('{"dataset": [')
    assert run("catalog_validate", str(good), "--profile", "non-federal-v1.1")[0] == 0
    code, out, _ = run("catalog_validate", str(bad), "--profile", "non-federal-v1.1")
    assert code == 1
    assert "schema.min_length" in out
    assert "Result: INVALID" in out
    code, out, _ = run("catalog_validate", str(broken))
    assert code == 2
    assert "json.invalid" in out


def test_cli_validate_real_fcc_json_format():
    """JSON output on the real FCC catalog lists its 6 invalid datasets with identifiers."""
    code, out, _ = run(
        "catalog_validate", str(realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")), "--format", "json"
    )
    payload = json.loads(out)
    assert code == 1
    assert payload["report"]["summary"]["invalid_datasets"] == 6
    assert all(f["identifier"] for f in payload["report"]["findings"] if f["severity"] == "error")


def test_cli_validate_refuses_private_url():
    """URLs go through the SSRF-safe fetcher: a loopback address is refused, exit 2."""
    code, out, _ = run("catalog_validate", "http://127.0.0.1:9/data.json")
    assert code == 2
    assert "input.fetch_failed" in out


def test_cli_merge_writes_output_and_summary(tmp_path):
    """Merging writes the combined catalog and summarises collisions; unreadable input writes nothing."""
    a = tmp_path / "parks.json"
    a.write_text(json.dumps({"conformsTo": V11, "dataset": [dataset("x", title="Trees")]}))
    b = tmp_path / "roads.json"
    b.write_text(json.dumps({"conformsTo": V11, "dataset": [dataset("x", title="Signs")]}))
    out_path = tmp_path / "out" / "merged.json"
    code, out, _ = run("catalog_merge", str(a), str(b), "-o", str(out_path), "--profile", "non-federal-v1.1")
    assert code == 0
    merged = json.loads(out_path.read_text())
    assert [d["identifier"] for d in merged["dataset"]] == ["x", "x--roads"]
    assert "renamed to x--roads" in out
    broken = tmp_path / "broken.json"
    broken.write_text("<html><title>Oops</title></html>")
    other = tmp_path / "other.json"
    code, _, err = run("catalog_merge", str(a), str(broken), "-o", str(other))
    assert code == 2
    assert "input.html" in err
    assert not other.exists()


# --- web pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_validator_page_form_and_paste(client: Client):
    """The page shows a labelled form; pasting an invalid catalog shows the summary and findings by dataset."""
    page = client.get("/catalog/validate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'for="id_text"' in html
    assert 'for="id_url"' in html
    doc = {"conformsTo": V11, "dataset": [dataset("a"), dataset("b", title="")]}
    response = client.post("/catalog/validate/", {"text": json.dumps(doc), "profile": "non-federal-v1.1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The catalog has errors" in html
    assert "Dataset 2" in html
    assert "schema.min_length" in html
    assert "usa-table" in html


@pytest.mark.django_db
def test_validator_page_upload_unreadable(client: Client):
    """An uploaded HTML page is reported as unreadable with its code."""
    upload = io.BytesIO(b"<!doctype html><html><head><title>Login</title></head></html>")
    upload.name = "data.json"
    response = client.post("/catalog/validate/", {"upload": upload})
    html = response.content.decode()
    assert "input.html" in html
    assert "Login" in html


@pytest.mark.django_db
def test_validator_page_needs_exactly_one_input(client: Client):
    """Giving no catalog (or two) is a form error, not a crash."""
    response = client.post("/catalog/validate/", {})
    assert "Give the catalog one way" in response.content.decode()


def test_validator_page_requires_csrf():
    """POST without a CSRF token is refused."""
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/catalog/validate/", {"text": "{}"}).status_code == 403


@pytest.mark.django_db
def test_merge_page_preview_and_download(client: Client):
    """The merge page shows where datasets came from, or returns the merged data.json as a download."""
    one = io.BytesIO(json.dumps({"conformsTo": V11, "dataset": [dataset("x")]}).encode())
    one.name = "parks.json"
    two = io.BytesIO(json.dumps({"conformsTo": V11, "dataset": [dataset("x"), dataset("y")]}).encode())
    two.name = "roads.json"
    response = client.post(
        "/catalog/merge/", {"uploads": [one, two], "rename": "suffix", "profile": "", "action": "preview"}
    )
    html = response.content.decode()
    assert "Merged 2 datasets" in html
    assert "identical: kept once" in html
    one.seek(0)
    two.seek(0)
    response = client.post("/catalog/merge/", {"uploads": [one, two], "rename": "suffix", "action": "download"})
    assert response["Content-Disposition"] == 'attachment; filename="data.json"'
    assert [d["identifier"] for d in json.loads(response.content)["dataset"]] == ["x", "y"]


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_validate_raw_body(client: Client):
    """POST a catalog as the body: the report comes back with findings and a verdict."""
    doc = {"conformsTo": V11, "dataset": [dataset("a", keyword=[])]}
    response = client.post(
        "/api/catalog/validate?profile=non-federal-v1.1", json.dumps(doc), content_type="application/json"
    )
    body = response.json()
    assert response.status_code == 200
    assert body["readable"] is True
    assert body["valid"] is False
    [finding] = body["report"]["findings"]
    assert finding["code"] == "schema.min_items"
    assert finding["identifier"] == "a"


@pytest.mark.django_db
def test_api_validate_unreadable_body_and_bad_profile(client: Client):
    """A BOM-less UTF-16 body is unreadable (200 with the reason); an unknown profile is a 400 envelope."""
    body = json.dumps({"dataset": []}).encode("utf-16")
    response = client.post("/api/catalog/validate", body, content_type="application/json")
    assert response.json()["read"]["errors"][0]["code"] == "encoding.not_utf8"
    response = client.post("/api/catalog/validate?profile=v9", b"{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_profile"


@pytest.mark.django_db
def test_api_validate_refuses_a_body_and_a_url_together(client: Client):
    """Which catalog was meant is unclear when both a body and ?url= come: a 400 says so, nothing is fetched."""
    response = client.post(
        "/api/catalog/validate?url=https://example.org/data.json", b"True", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ambiguous_input"
    response = client.post("/api/catalog/validate?url=ftp://example.org/data.json", {"file": b"True"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ambiguous_input"


@pytest.mark.django_db
def test_api_validate_multipart_file(client: Client):
    """A multipart upload in the field `file` is validated too (real GSA catalog: valid)."""
    path = Path(realdata_path("datajson/federal_agencies_2025-02/gsa.data.json"))
    with path.open("rb") as fh:
        response = client.post("/api/catalog/validate", {"file": fh})
    body = response.json()
    assert body["valid"] is True
    assert body["report"]["summary"]["datasets"] == 339


@pytest.mark.django_db
def test_api_merge(client: Client):
    """Inline catalogs merge with collisions reported and the result validated."""
    payload = {
        "sources": [
            {"name": "parks", "catalog": {"conformsTo": V11, "dataset": [dataset("x", title="Trees")]}},
            {"name": "roads", "catalog": {"conformsTo": V11, "dataset": [dataset("x", title="Signs")]}},
        ],
        "rename": "prefix",
        "profile": "non-federal-v1.1",
    }
    response = client.post("/api/catalog/merge", json.dumps(payload), content_type="application/json")
    body = response.json()
    assert body["merged"] is True
    assert [d["identifier"] for d in body["catalog"]["dataset"]] == ["x", "roads:x"]
    assert body["collisions"][0]["resolution"] == "renamed"
    assert body["validation"]["valid"] is True


@pytest.mark.django_db
def test_api_merge_unreadable_url_and_bad_source(client: Client):
    """A source URL that cannot be fetched stops the merge with the reason; a source with nothing is a 400."""
    payload = {"sources": [{"name": "local", "url": "http://127.0.0.1:9/data.json"}]}
    body = client.post("/api/catalog/merge", json.dumps(payload), content_type="application/json").json()
    assert body["merged"] is False
    assert body["unreadable"][0]["errors"][0]["code"] == "input.fetch_failed"
    payload = {"sources": [{"name": "empty"}]}
    response = client.post("/api/catalog/merge", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_validator_page_in_spanish(client: Client):
    """With Spanish chosen, the heading, labels and button are translated."""
    from django.core.management import call_command as call

    call("compile_translations", stdout=io.StringIO())
    html = client.get("/catalog/validate/", headers={"accept-language": "es"}).content.decode()
    assert "Validar un catálogo data.json" in html
    assert "O pegar el JSON" in html
    assert ">Validar</button>" in html


@pytest.mark.django_db
def test_tools_touch_no_database(client: Client, django_assert_max_num_queries):
    """Validating or merging a 1,000-dataset catalog needs no database work (at most the session lookup)."""
    doc = {"conformsTo": V11, "dataset": [dataset(str(i)) for i in range(1000)]}
    with django_assert_max_num_queries(2):
        response = client.post("/api/catalog/validate", json.dumps(doc), content_type="application/json")
    assert response.json()["report"]["summary"]["datasets"] == 1000
    with django_assert_max_num_queries(2):
        response = client.post("/catalog/validate/", {"text": json.dumps(doc)})
    assert response.status_code == 200


@pytest.mark.django_db
def test_validator_page_download_full_report(client: Client):
    """The second button returns the complete report as a JSON file."""
    doc = {"conformsTo": V11, "dataset": [dataset("a", title="")]}
    response = client.post("/catalog/validate/", {"text": json.dumps(doc), "action": "download"})
    assert response["Content-Disposition"] == 'attachment; filename="validation-report.json"'
    assert json.loads(response.content)["report"]["summary"]["invalid_datasets"] == 1


@pytest.mark.django_db
def test_size_limit_setting_applies_to_every_entry_point(client: Client, settings, tmp_path):
    """CATALOG_MAX_BYTES is enforced for pasted text, API bodies and CLI files."""
    settings.CATALOG_MAX_BYTES = 50
    big = json.dumps({"conformsTo": V11, "dataset": [dataset("a")]})
    assert "input.too_large" in client.post("/catalog/validate/", {"text": big}).content.decode()
    body = client.post("/api/catalog/validate", big, content_type="application/json").json()
    assert body["read"]["errors"][0]["code"] == "input.too_large"
    path = tmp_path / "big.json"
    path.write_text(big)
    code, out, _ = run("catalog_validate", str(path))
    assert code == 2
    assert "input.too_large" in out


def test_cli_validate_reads_stdin(monkeypatch):
    """`-` reads the catalog from standard input."""
    doc = json.dumps({"conformsTo": V11, "dataset": [dataset("a")]}).encode()
    fake_stdin = io.TextIOWrapper(io.BytesIO(doc))
    monkeypatch.setattr("sys.stdin", fake_stdin)
    code, out, _ = run("catalog_validate", "-", "--profile", "non-federal-v1.1")
    assert code == 0
    assert "Result: VALID" in out


@pytest.mark.django_db
def test_validator_results_come_first_and_keep_what_was_given(client: Client):
    """After sending, the result is first on the page and takes focus; the form follows with the pasted text
    kept, and an uploaded file is named (a browser cannot refill a file input)."""
    doc = {"conformsTo": V11, "dataset": [dataset("a"), dataset("b", title="")]}
    pasted = json.dumps(doc)
    html = client.post("/catalog/validate/", {"text": pasted}).content.decode()
    result, form = html.index('id="result-heading"'), html.index('name="text"')
    assert result < form, "the result is below the form"
    heading = html[html.rindex("<h2", 0, result) : html.index(">", result)]
    assert "autofocus" in heading
    assert 'tabindex="-1"' in heading
    assert escape(pasted) in html[form:]

    upload = io.BytesIO(json.dumps(doc).encode())
    upload.name = "offices.json"
    html = client.post("/catalog/validate/", {"upload": upload}).content.decode()
    assert html.index('id="result-heading"') < html.index('name="upload"')
    assert "You checked the file offices.json" in html


def test_cli_validate_json_is_the_standard_librarys_json():
    """--format json (written with orjson) is the very text json.dumps(indent=2, ensure_ascii=False) gives,
    accented and non-Latin text included as UTF-8, on a real catalog with errors and warnings."""
    from civicdata.catalog.tools.validate_cli import dumps_json

    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    code, out, _ = run("catalog_validate", str(path), "--format", "json")
    payload = json.loads(out)
    assert code == 1
    assert payload["report"]["summary"]["errors"] > 0
    assert out == json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    odd = {"título": "Café “quoted” \u4e2d\u6587", "empty": [], "nested": {}, "n": [1, None, True], "tab": "a\tb\x01"}
    assert dumps_json(odd) == json.dumps(odd, indent=2, ensure_ascii=False)
    surrogate = {"text": "\ud800"}  # orjson refuses a lone surrogate; the standard library writes it
    assert dumps_json(surrogate) == json.dumps(surrogate, indent=2, ensure_ascii=False)


def test_cli_validate_uses_idle_cores_only(monkeypatch):
    """A large catalog is split over the cores the rest of the machine leaves idle, at least one process."""
    from civicdata.catalog.tools import validate_cli

    monkeypatch.setattr(validate_cli.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(validate_cli.os, "getloadavg", lambda: (0.1, 0.0, 0.0))
    assert validate_cli.processes_for_this_machine() == 2
    monkeypatch.setattr(validate_cli.os, "getloadavg", lambda: (1.2, 0.0, 0.0))
    assert validate_cli.processes_for_this_machine() == 1
    monkeypatch.setattr(validate_cli.os, "getloadavg", lambda: (7.5, 0.0, 0.0))
    assert validate_cli.processes_for_this_machine() == 1


def test_cli_validate_finds_a_redaction_written_with_escapes(tmp_path):
    """The CLI looks for the redaction mark in the bytes; one spelled with \\u escapes is still found."""
    ds = dataset("a", spatial="[[REDACTED-EX B6]]", bureauCode=["015:11"], programCode=["015:001"])
    text = json.dumps({"conformsTo": V11, "dataset": [ds]}).replace("[[REDACTED", "\\u005b[\\u0052EDACTED")
    path = tmp_path / "edi.json"
    path.write_text(text)
    _, out, _ = run("catalog_validate", str(path), "--profile", "federal-v1.1-edi")
    assert "redacted.no_rights" in out
    path.write_text(text.replace("\\u005b[\\u0052EDACTED-EX B6]]", "Ohio"))
    _, out, _ = run("catalog_validate", str(path), "--profile", "federal-v1.1-edi")
    assert "redacted.no_rights" not in out


def test_cli_validate_counts_idle_cores_while_reading(monkeypatch):
    """The idle time of the machine while the catalog was read decides, when it was long enough to say."""
    from civicdata.catalog.tools import validate_cli

    monkeypatch.setattr(validate_cli.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(validate_cli.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(validate_cli.os, "getloadavg", lambda: (1.9, 0.0, 0.0))  # a program that just ended
    monkeypatch.setattr(validate_cli, "cpu_ticks", lambda: (1000 + 48, 5000 + 100))
    assert validate_cli.processes_for_this_machine(since=(1000, 5000)) == 2  # the other core sat idle
    monkeypatch.setattr(validate_cli, "cpu_ticks", lambda: (1000 + 3, 5000 + 100))
    assert validate_cli.processes_for_this_machine(since=(1000, 5000)) == 1  # both busy
    monkeypatch.setattr(validate_cli, "cpu_ticks", lambda: (1000 + 5, 5000 + 10))
    assert validate_cli.processes_for_this_machine(since=(1000, 5000)) == 1  # too short: the load average


def test_console_json_report_is_the_standard_librarys_json():
    """The console command writes the JSON report as bytes straight from the findings: the very text the
    management command (and json.dumps) gives."""
    import subprocess
    import sys

    path = realdata_path("datajson/federal_agencies_2025-02/fcc.data.json")
    done = subprocess.run(
        [sys.executable, "-m", "civicdata.cli", "catalog", "validate", str(path), "--format", "json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    payload = json.loads(done.stdout)
    assert payload["report"]["findings"]
    assert done.stdout.decode() == json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    _, managed, _ = run("catalog_validate", str(path), "--format", "json")
    assert json.loads(managed) == payload


@pytest.mark.django_db
def test_api_and_page_find_a_redaction_written_with_escapes(client: Client):
    """The API and the validator page look for the redaction mark in the bytes too, escapes included."""
    ds = dataset("a", spatial="[[REDACTED-EX B6]]", bureauCode=["015:11"], programCode=["015:001"])
    text = json.dumps({"conformsTo": V11, "dataset": [ds]}).replace("[[REDACTED", "\\u005b[REDACTED")
    response = client.post("/api/catalog/validate?profile=federal-v1.1-edi", text, content_type="application/json")
    assert response.status_code == 200
    assert "redacted.no_rights" in [f["code"] for f in response.json()["report"]["findings"]]
    page = client.post("/catalog/validate/", {"text": text, "profile": "federal-v1.1-edi"})
    assert page.status_code == 200
    assert "redacted.no_rights" in page.content.decode()
