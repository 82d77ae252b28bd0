"""PDF Filler: reading a fillable PDF's fields, filling and flattening it, the bounds on uploads, the pages
(editors only to manage, everyone to fill a published form) and the API. The test PDFs are built here."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from civicdata.accounts.tests.factories import make_member, make_organization, make_user
from civicdata.catalog import services
from civicdata.catalog.models import PdfForm, PdfFormSubmission
from civicdata.catalog.tests.pdf_form_maker import make_pdf_form
from civicdata.core.errors import InvalidInput

HOSTILE = '"><script>alert(1)</script>'
FIELDS = [("applicant_name", "text"), ("ward", "choice:North|South"), ("agree", "checkbox"), (HOSTILE, "text")]


def _pdf(**kwargs) -> bytes:
    return make_pdf_form(FIELDS, **kwargs)


def _form(publisher, **changes) -> PdfForm:
    form = services.create_pdf_form(
        publisher=publisher, title="Tree planting request", filename="trees.pdf", data=_pdf(), by=None
    )
    labels = {0: ("Your name", "Su nombre", True)}
    options = {"is_published": True, "keep_submissions": False} | changes
    return services.update_pdf_form(form, by=None, title=form.title, labels=labels, **options)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_fields_are_listed_in_order_with_their_kind_and_choices():
    fields = services.read_form_fields(_pdf())
    assert [(f["name"], f["kind"]) for f in fields] == [
        ("applicant_name", "text"),
        ("ward", "choice"),
        ("agree", "checkbox"),
        (HOSTILE, "text"),
    ]
    assert fields[1]["options"] == ["North", "South"]
    assert fields[2]["options"] == ["/Yes"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"hello, not a pdf", "not_pdf"),
        (b"%PDF-1.7\n garbage", "unreadable_pdf"),
        (make_pdf_form([], title="No fields"), "no_fields"),
        (make_pdf_form([("a", "text")], pages=31), "too_many_pages"),
    ],
    ids=["not-pdf", "damaged", "no-fields", "too-many-pages"],
)
def test_bad_uploads_get_a_clear_refusal(data, code):
    with pytest.raises(InvalidInput) as caught:
        services.read_form_fields(data)
    assert caught.value.code == code


def test_uploads_over_the_size_limit_are_refused(settings):
    settings.CATALOG_PDF_FORM_MAX_MB = 0
    with pytest.raises(InvalidInput) as caught:
        services.read_form_fields(_pdf())
    assert caught.value.code == "too_large"


@pytest.mark.django_db
def test_filling_gives_a_flattened_pdf_with_the_answers_and_stores_nothing():
    form = _form(make_organization())
    pdf = services.fill_pdf_form(form, {"applicant_name": "María Pérez", "ward": "South", "agree": True})
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.get_fields()  # flattened: nothing left to edit
    text = _text(pdf)
    assert "María Pérez" in text
    assert "South" in text
    assert PdfFormSubmission.objects.count() == 0


@pytest.mark.django_db
def test_answers_are_kept_only_when_the_form_says_so():
    form = _form(make_organization(), keep_submissions=True)
    services.fill_pdf_form(form, {"applicant_name": "Ana"})
    assert PdfFormSubmission.objects.get().values == {"applicant_name": "Ana"}


@pytest.mark.django_db
def test_missing_required_answers_wrong_choices_and_unknown_fields_are_named():
    form = _form(make_organization())
    with pytest.raises(InvalidInput) as caught:
        services.fill_pdf_form(form, {"ward": "East", "nope": "x"})
    fields = {problem["field"] for problem in caught.value.details}
    assert fields == {"applicant_name", "ward", "nope"}


@pytest.mark.django_db
def test_editor_uploads_words_and_publishes_and_a_resident_fills_it(client):
    publisher = make_organization()
    client.force_login(make_member(publisher))
    upload = SimpleUploadedFile("trees.pdf", _pdf(), content_type="application/pdf")
    created = client.post("/catalog/tools/forms/", {"publisher": publisher.pk, "title": "Tree request", "pdf": upload})
    form = PdfForm.objects.get()
    assert created["Location"] == f"/catalog/tools/forms/{form.pk}/"
    page = client.get(created["Location"]).content.decode()
    # The hostile field name is shown as text, never as markup.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    saved = client.post(
        created["Location"],
        {
            "title": "Tree request",
            "title_es": "Solicitud de árbol",
            **{f"label_{i}": f"Question {i}" for i in range(4)},
            "label_es_0": "Su nombre",
            "required_0": "on",
            "is_published": "on",
        },
    )
    assert saved.status_code == 302
    form.refresh_from_db()
    assert form.is_published
    assert form.fields[0]["required"]

    client.logout()
    fill_url = f"/catalog/tools/forms/{form.pk}/fill/"
    page = client.get(fill_url).content.decode()
    assert "Question 0" in page
    assert "<script>alert(1)</script>" not in page
    with translation.override("es"):
        page = client.get(fill_url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Su nombre" in page
    assert "Solicitud de árbol" in page
    refused = client.post(fill_url, {"f0": ""})
    assert refused.status_code == 200
    assert "usa-error-message" in refused.content.decode()
    filled = client.post(fill_url, {"f0": "Lee Ortiz", "f1": "North", "f3": "note"})
    assert filled["Content-Type"] == "application/pdf"
    assert "Lee Ortiz" in _text(filled.content)


@pytest.mark.django_db
def test_unpublished_forms_and_staff_pages_are_for_editors_only(client):
    publisher = make_organization()
    form = _form(publisher, is_published=False)
    assert client.get(f"/catalog/tools/forms/{form.pk}/fill/").status_code == 404
    client.force_login(make_member(make_organization()))
    assert client.get(f"/catalog/tools/forms/{form.pk}/").status_code == 404
    assert client.get(f"/catalog/tools/forms/{form.pk}/fill/").status_code == 404
    client.force_login(make_user())
    assert client.get("/catalog/tools/forms/").status_code == 403
    client.force_login(make_member(publisher))
    assert client.get(f"/catalog/tools/forms/{form.pk}/fill/").status_code == 200


@pytest.mark.django_db
def test_api_reads_fields_and_fills_a_published_form(client):
    publisher = make_organization()
    form = _form(publisher)
    body = client.get(f"/api/tools/forms/{form.pk}").json()
    assert [f["name"] for f in body["fields"]][:2] == ["applicant_name", "ward"]
    assert body["fields"][0]["label_es"] == "Su nombre"
    filled = client.post(
        f"/api/tools/forms/{form.pk}/fill",
        {"values": {"applicant_name": "Kim Nguyen", "agree": True}},
        content_type="application/json",
    )
    assert filled.status_code == 200
    assert filled["Content-Type"] == "application/pdf"
    assert "Kim Nguyen" in _text(filled.content)
    refused = client.post(f"/api/tools/forms/{form.pk}/fill", {"values": {}}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0]["field"] == "applicant_name"
    services.update_pdf_form(form, by=None, title=form.title, is_published=False, keep_submissions=False)
    assert client.get(f"/api/tools/forms/{form.pk}").status_code == 404


@pytest.mark.django_db
def test_api_upload_is_for_the_publishers_editors(client):
    publisher = make_organization()
    client.force_login(make_member(make_organization()))
    upload = SimpleUploadedFile("f.pdf", _pdf(), content_type="application/pdf")
    refused = client.post("/api/tools/forms", {"publisher": publisher.slug, "title": "T", "pdf": upload})
    assert refused.status_code in (403, 404)
    client.force_login(make_member(publisher))
    upload = SimpleUploadedFile("f.pdf", _pdf(), content_type="application/pdf")
    created = client.post("/api/tools/forms", {"publisher": publisher.slug, "title": "T", "pdf": upload})
    assert created.status_code == 201, created.content
    assert not created.json()["is_published"]
    assert len(created.json()["fields"]) == 4
