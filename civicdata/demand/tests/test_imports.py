"""Log import services and pages: preview stores nothing, confirm is all-or-nothing, re-import adds nothing."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from civicdata.core.errors import InvalidInput
from civicdata.demand import services
from civicdata.demand.models import DemandItem, LogImport, LogImportStatus
from civicdata.demand.tests.factories import make_user
from civicdata.demand.tests.realdata import realdata_file

pytestmark = pytest.mark.django_db

LOG = (
    b"Request ID,Requester Name,Organization,Received Date,Request Description,Closed Date\n"
    b"A-1,Jane Roe,The Daily Bee,2020-01-02,Budget data by program,2020-01-20\n"
    b"A-2,John Doe,-,02/03/2020,Police overtime records,\n"
    b"A-3,Ann Poe,,not a date,Parks maintenance logs,\n"
    b"A-4,Bob Moe,State University,2020-03-01,,\n"
)


def test_preview_stores_nothing_and_confirm_imports_without_names():
    """Until confirmation there is no demand item; after it, importable rows are stored without names."""
    staff = make_user(staff=True)
    pending = services.start_log_import(by=staff, kind="foia", source="City clerk", filename="log.csv", data=LOG)
    assert DemandItem.objects.count() == 0
    done = services.confirm_log_import(pending, by=staff)
    assert (done.imported_rows, done.skipped_rows, done.duplicate_rows) == (2, 2, 0)
    assert done.content is None
    items = DemandItem.objects.order_by("source_line")
    assert [i.source_line for i in items] == [2, 3]
    assert {i.source for i in items} == {"City clerk"}
    assert [i.requester_type for i in items] == ["journalist", "resident"]
    stored = " ".join(f"{i.text} {i.department} {i.requester_type}" for i in items)
    assert "Jane" not in stored
    assert "Roe" not in stored


def test_reimporting_the_same_file_adds_nothing():
    """A second import of the same log from the same source finds every row already there."""
    staff = make_user(staff=True)
    services.import_log_file(by=staff, kind="foia", source="City clerk", filename="log.csv", data=LOG)
    again = services.import_log_file(by=staff, kind="foia", source="City clerk", filename="log-copy.csv", data=LOG)
    assert (again.imported_rows, again.duplicate_rows) == (0, 2)
    assert DemandItem.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"Subject\n", "no data rows")],
)
def test_bad_logs_are_refused_with_nothing_stored(data, message):
    """Empty, binary and header-only files give a clear error and no pending import."""
    with pytest.raises(InvalidInput, match=message):
        services.start_log_import(by=make_user(staff=True), kind="foia", source="x", filename="x.csv", data=data)
    assert not LogImport.objects.exists()


def test_oversize_log_is_refused(settings):
    """A log over DEMAND_LOG_MAX_MB is refused before parsing."""
    settings.DEMAND_LOG_MAX_MB = 1
    data = b"Subject\n" + b"x" * (2 * 1024 * 1024)
    with pytest.raises(InvalidInput, match="limit"):
        services.start_log_import(by=make_user(staff=True), kind="foia", source="x", filename="x.csv", data=data)


def test_import_pages_upload_map_preview_confirm():
    """Upload → preview with problems → remap → confirm, all through the staff pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(make_user(staff=True))
    upload = SimpleUploadedFile("log.csv", LOG, content_type="text/csv")
    response = client.post(reverse("demand:imports"), {"kind": "foia", "source": "Clerk", "file": upload})
    assert response.status_code == 302
    log_import = LogImport.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"The received date" in page.content
    assert b"Requester Name" in page.content  # listed as dropped personal data
    assert DemandItem.objects.count() == 0
    mapping = {f"col_{i}": role for i, role in log_import.mapping.items()}
    response = client.post(response["Location"], {**mapping, "action": "confirm"})
    log_import.refresh_from_db()
    assert log_import.status == LogImportStatus.IMPORTED
    assert DemandItem.objects.count() == 2


def test_mapping_without_description_cannot_be_confirmed():
    """Staff cannot map away the description column."""
    staff = make_user(staff=True)
    pending = services.start_log_import(by=staff, kind="foia", source="Clerk", filename="log.csv", data=LOG)
    mapping = {int(i): role for i, role in pending.mapping.items()}
    mapping[4] = "ignore"
    with pytest.raises(InvalidInput, match="describes"):
        services.update_log_mapping(pending, by=staff, mapping=mapping)


def test_command_imports_real_la311_log_by_file_name_convention(tmp_path):
    """`civicdata demand import-log 311-….csv` imports the real LA 311 export, once."""
    source = realdata_file("requests/la311/MyLA311_2020_requests_seed.csv")
    target = tmp_path / "311-la-2020.csv"
    target.write_bytes(source.read_bytes())
    call_command("demand_import_log", str(target), "--source", "LA 311")
    assert DemandItem.objects.count() == 10_000
    call_command("demand_import_log", str(target), "--source", "LA 311")
    assert DemandItem.objects.count() == 10_000
    assert DemandItem.objects.filter(department="BOS").exists()


def test_the_same_requests_under_another_source_label_are_not_counted_twice():
    """Re-importing the same rows under another source label adds nothing, and the preview says they are
    already imported instead of importable."""
    staff = make_user(staff=True)
    services.import_log_file(by=staff, kind="foia", source="City clerk", filename="log.csv", data=LOG)
    pending = services.start_log_import(by=staff, kind="foia", source="Clerk's office", filename="b.csv", data=LOG)
    from civicdata.demand.services import log_imports

    _table, preview = log_imports.preview(pending)
    assert (preview.importable_rows, preview.already_imported_rows) == (0, 2)
    again = services.confirm_log_import(pending, by=staff)
    assert (again.imported_rows, again.duplicate_rows) == (0, 2)
    assert DemandItem.objects.count() == 2


def test_real_311_extract_reimported_under_another_label_adds_nothing():
    """The LA 311 extract imported as "LA 311" and again as "MyLA311" counts every request once."""
    data = realdata_file("requests/la311/MyLA311_2020_requests_seed.csv").read_bytes()[:200_000]
    data = data[: data.rfind(b"\n") + 1]
    staff = make_user(staff=True)
    first = services.import_log_file(by=staff, kind="311", source="LA 311", filename="la.csv", data=data)
    assert first.imported_rows > 100
    pending = services.start_log_import(by=staff, kind="311", source="MyLA311", filename="la2.csv", data=data)
    from civicdata.demand.services import log_imports

    _table, preview = log_imports.preview(pending)
    assert preview.importable_rows == 0
    assert preview.already_imported_rows == first.imported_rows
    again = services.confirm_log_import(pending, by=staff)
    assert again.imported_rows == 0
    assert DemandItem.objects.count() == first.imported_rows
