"""A refused form on the request page comes back with its error summary, the message at the field and
every value typed; it does not redirect and lose them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from civicdata.demand.models import DataRequest
from civicdata.demand.tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db


def _staff_client():
    client = Client()
    client.force_login(make_user(staff=True))
    return client


def test_an_invalid_triage_change_keeps_the_message_and_names_the_field():
    req = make_request(by=make_user())
    typed = "We will publish the tree inventory this spring."
    response = _staff_client().post(
        reverse("demand:triage_status", args=[req.pk]), {"to_status": "planned", "message": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html, "the message typed to residents was thrown away"
    summary = re.search(
        r'<div class="usa-alert usa-alert--error civic-error-summary"[^>]*>.*?</div>\s*</div>', html, re.S
    )
    assert summary, "no error summary"
    assert 'role="alert"' in summary.group(0)
    assert 'tabindex="-1"' in summary.group(0)
    assert 'href="#id_status_target_date"' in summary.group(0)
    assert 'id="id_status_target_date"' in html
    assert re.search(
        r'id="id_status_target_date"[^>]*aria-describedby="[^"]*id_status_target_date_error', html
    ) or re.search(r'aria-describedby="[^"]*id_status_target_date_error[^"]*"[^>]*id="id_status_target_date"', html)
    assert 'id="id_status_target_date_error"' in html
    assert "A planned request needs a target date." in html
    assert DataRequest.objects.get(pk=req.pk).status == "new"


def test_a_refused_comment_keeps_what_was_typed():
    req = make_request(by=make_user())
    client = Client()
    client.force_login(make_user())
    long_text = "x" * 5001
    response = client.post(reverse("demand:comment", args=[req.pk]), {"body": long_text})
    assert response.status_code == 400
    assert long_text in response.content.decode()
    assert 'href="#id_comment_body"' in response.content.decode()


def test_an_empty_internal_note_is_an_error_at_the_field():
    req = make_request(by=make_user())
    response = _staff_client().post(reverse("demand:triage_note", args=[req.pk]), {"body": ""})
    assert response.status_code == 400
    assert 'href="#id_note_body"' in response.content.decode()


def test_the_api_names_the_field_of_a_refused_status_change():
    from civicdata.core.errors import InvalidInput
    from civicdata.demand import services

    req = make_request(by=make_user())
    with pytest.raises(InvalidInput) as refused:
        services.change_status(req, by=make_user(staff=True), to_status="planned")
    assert refused.value.details == [{"field": "target_date", "message": "A planned request needs a target date."}]
