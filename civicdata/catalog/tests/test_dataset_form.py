"""Tests of the dataset form: fields in the profile's order, plain-word choices that store the standard's
values, date pickers, the inline field check, and editing real data.json records without losing values."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog.forms import MAIN_FIELDS, MORE_FIELDS, DatasetForm
from civicdata.catalog.models import CatalogSettings, Dataset, Profile
from civicdata.catalog.tests.factories import make_dataset
from civicdata.core.testing import realdata_path

pytestmark = pytest.mark.django_db

# Fields whose widgets this form owns (choices, dates, the license pair); the distribution rows are not here.
CHOICE_AND_DATE_FIELDS = {
    "license", "license_other", "accrual_periodicity", "language", "temporal_start", "temporal_end", "modified",
    "issued", "access_level",
}  # fmt: skip
REAL_CATALOGS = [
    "datajson/federal_agencies_2025-02/consumerfinance.data.json",
    "datajson/federal_agencies_2025-02/fcc.data.json",
    "datajson/federal_agencies_2025-02/fda.data.json",
    "datajson/ckanext-datajson_samples/ny.data.json",
    "datajson/datagov-harvester_fixtures/dcatus.json",
    "datajson/catalog.data.gov_test_harvest_source/data.json",
]


@pytest.fixture
def parks():
    return make_organization("Parks", slug="parks")


@pytest.fixture
def editor(parks):
    return make_member(parks)


def _as_post(form: DatasetForm) -> dict[str, Any]:
    """What a browser sends back for an untouched form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, ""):
            data[name] = value
    return data


def _base_post(parks, **changes: Any) -> dict[str, Any]:
    return {
        "publisher": parks.pk, "title": "Park benches", "description": "Every bench in the city's parks, with its "
        "material and the year it was installed.", "keyword": "benches, parks", "contact_name": "Parks desk",
        "contact_email": "parks@example.org", "access_level": "public", "modified": "2026-01-31", **changes,
    }  # fmt: skip


def test_profile_fields_come_first_and_federal_fields_only_when_asked(parks):
    """The non-federal form has no bureau or program codes; a federal profile requires them up front."""
    plain = DatasetForm(publishers=[parks], profile=Profile.NON_FEDERAL)
    assert "bureau_code" not in plain.fields
    assert "primary_it_investment_uii" not in plain.fields
    federal = DatasetForm(publishers=[parks], profile=Profile.FEDERAL)
    assert federal.fields["bureau_code"].required
    assert federal.fields["program_code"].required
    assert list(MAIN_FIELDS).index("title") < list(MAIN_FIELDS).index("license")
    assert "accrual_periodicity" in MORE_FIELDS
    kept = DatasetForm(publishers=[parks], profile=Profile.NON_FEDERAL, initial={"bureau_code": "015:11"})
    assert "bureau_code" in kept.fields, "a record that already has bureau codes keeps showing them"


def test_choices_store_the_standards_values(parks):
    """Frequency, license and language are chosen in words and stored as ISO 8601, URI and BCP 47 values."""
    form = DatasetForm(
        _base_post(
            parks, identifier="benches", accrual_periodicity="R/P1M",
            license="https://creativecommons.org/licenses/by/4.0/", language=["en", "es"],
            temporal_start="2020-01-01", temporal_end="2025-12-31", issued="2019-05-01",
        ),
        publishers=[parks],
    )  # fmt: skip
    assert form.is_valid(), form.errors
    data = form.to_pod(None, parks)
    assert data["accrualPeriodicity"] == "R/P1M"
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["language"] == ["en", "es"]
    assert data["temporal"] == "2020-01-01/2025-12-31"
    assert data["issued"] == "2019-05-01"
    labels = dict(form.fields["accrual_periodicity"].choices)
    assert labels["R/P1M"] == "Every month"


def test_other_license_needs_a_link(parks):
    """“Other” asks for the license's link; a value that is not a link is refused at the field."""
    form = DatasetForm(
        _base_post(parks, identifier="b2", license="other", license_other="free to use"), publishers=[parks]
    )
    assert not form.is_valid()
    assert "https://" in form.errors["license_other"][0]
    form = DatasetForm(
        _base_post(parks, identifier="b2", license="other", license_other="https://example.org/licence"),
        publishers=[parks],
    )
    assert form.is_valid(), form.errors
    assert form.to_pod(None, parks)["license"] == "https://example.org/licence"


def test_dates_use_the_date_picker_and_keep_other_iso_forms(parks):
    """A plain date gets a date picker; a stored date-time is shown as text and saved back unchanged."""
    form = DatasetForm(publishers=[parks], initial={"modified": "2026-01-31"})
    assert 'type="date"' in str(form["modified"])
    form = DatasetForm(publishers=[parks], initial={"modified": "2024-03-01T10:00:00Z"})
    assert 'type="text"' in str(form["modified"])
    bad = DatasetForm(_base_post(parks, identifier="b3", modified="last tuesday"), publishers=[parks])
    assert not bad.is_valid()
    assert "date" in bad.errors["modified"][0]


def test_a_stored_value_outside_the_lists_stays_selectable(parks):
    """A frequency written in words by a harvested catalog appears as “Other: …” and is saved back as is."""
    initial = {"accrual_periodicity": "Weekly", "language": ["en-US"]}
    form = DatasetForm(publishers=[parks], initial=initial)
    assert ("Weekly", "Other: Weekly") in form.fields["accrual_periodicity"].choices
    assert ("en-US", "en-US") in form.fields["language"].choices


def test_identifier_is_suggested_from_the_title(client, parks, editor):
    """An editor who leaves the identifier blank gets one made from the title, unique in the catalog."""
    make_dataset(parks, identifier="park-benches")
    client.force_login(editor)
    response = client.post("/datasets/new/", _base_post(parks))
    assert response.status_code == 302
    created = Dataset.objects.get(title="Park benches", identifier__startswith="park-benches-")
    assert created.identifier == "park-benches-2"


def test_new_dataset_page_groups_fields_and_hides_the_rest(client, parks, editor):
    """The page shows what every dataset needs first, the rest inside a “More details” disclosure."""
    client.force_login(editor)
    html = client.get("/datasets/new/").content.decode()
    needs, more = html.split('<details class="civic-details"', 1)
    assert 'name="title"' in needs
    assert 'name="license"' in needs
    assert 'type="date"' in needs
    assert 'name="accrual_periodicity"' in more
    assert "Every month" in more
    assert 'name="bureau_code"' not in html
    assert 'hx-post="/catalog/datasets/check-field/"' in needs


def test_field_check_reports_one_fields_message(client, parks, editor):
    """The inline check answers with the field and its message only, without saving anything."""
    make_dataset(parks, identifier="taken")
    client.force_login(editor)
    response = client.post(
        "/catalog/datasets/check-field/", {"_field": "identifier", "identifier": "taken", "title": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="field-identifier"' in html
    assert "Another dataset already uses this identifier." in html
    assert "This field is required" not in html, "only the field the person left is checked"
    good = client.post("/catalog/datasets/check-field/", {"_field": "contact_email", "contact_email": "a@b.org"})
    assert "usa-error-message" not in good.content.decode()
    assert Dataset.objects.filter(identifier="taken").count() == 1
    assert client.post("/catalog/datasets/check-field/", {"_field": "secret"}).status_code == 400


def test_field_check_needs_an_editor(client, parks):
    """A resident without a publisher cannot use the check (it reads the form of staff)."""
    client.force_login(make_user())
    response = client.post("/catalog/datasets/check-field/", {"_field": "title", "title": "x"})
    assert response.status_code in (403, 404)


def _stripped(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_stripped(v) for v in value]
    return value


@pytest.mark.parametrize("relative", REAL_CATALOGS)
def test_editing_real_records_keeps_every_value(relative, parks):
    """Every record of real data.json files, opened in the form and saved untouched, comes back with the
    same dataset-level values; the choice and date fields never refuse a stored value."""
    CatalogSettings.objects.update_or_create(id=1, defaults={"profile": Profile.NON_FEDERAL})
    records = json.loads(realdata_path(relative).read_text(encoding="utf-8"))
    records = records["dataset"] if isinstance(records, dict) else records
    checked = 0
    for record in records[:60]:
        if not isinstance(record, dict):
            continue
        initial = DatasetForm.initial_from_pod(record, parks)
        form = DatasetForm(publishers=[parks], dataset=SimpleNamespace(pk=0, name="x"), initial=initial)
        bound = DatasetForm(
            _as_post(form), publishers=[parks], dataset=SimpleNamespace(pk=0, name="x"), initial=initial
        )
        if not bound.is_valid():
            refused = set(bound.errors) & CHOICE_AND_DATE_FIELDS
            assert not refused, (record.get("identifier"), {k: bound.errors[k] for k in refused})
            continue
        saved = bound.to_pod(record, parks)
        for key, value in record.items():
            if key in {"publisher", "contactPoint", "distribution"} or value in (None, "", []):
                continue
            assert saved.get(key) == _stripped(value), (record.get("identifier"), key)
        checked += 1
    assert checked, f"no record of {relative} could be opened and saved"
