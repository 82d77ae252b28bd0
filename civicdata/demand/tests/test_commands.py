"""The `civicdata demand …` commands: import-log preview, send-digests, topics."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from civicdata.demand import services
from civicdata.demand.models import DemandItem, LogImport
from civicdata.demand.tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db

LOG = b"Request ID,Requester Name,Date Received,Subject\nA-1,Jane Roe,2020-01-02,Budget data\n"


def test_import_log_preview_stores_nothing(tmp_path):
    """--preview prints the mapping and counts, and stores nothing."""
    path = tmp_path / "foia-clerk.csv"
    path.write_bytes(LOG)
    out = io.StringIO()
    call_command("demand_import_log", str(path), "--preview", stdout=out)
    assert "requester_name" in out.getvalue()
    assert "1 importable" in out.getvalue()
    assert not LogImport.objects.exists()
    assert not DemandItem.objects.exists()


def test_import_log_needs_a_kind(tmp_path):
    """Without --kind and without a kind prefix in the file name the command refuses."""
    path = tmp_path / "export.csv"
    path.write_bytes(LOG)
    with pytest.raises(CommandError, match="--kind"):
        call_command("demand_import_log", str(path))


def test_send_digests_and_topics_commands():
    """send-digests e-mails pending updates once; topics prints the computed topics."""
    requester = make_user()
    req = services.create_request(by=requester, title="Street trees", description="Species")
    services.change_status(req, by=make_user(staff=True), to_status="under_review")
    mail.outbox.clear()
    out = io.StringIO()
    call_command("demand_send_digests", stdout=out)
    assert "Sent 1 digests" in out.getvalue()
    assert len(mail.outbox) == 1
    make_request(title="Bike lanes")
    out = io.StringIO()
    call_command("demand_topics", stdout=out)
    assert "topics over" in out.getvalue()
