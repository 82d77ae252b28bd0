"""In a real browser: a publisher's editor, clicking from the home page, uploads a fillable PDF form, words
its first question in both languages, marks it required and publishes it; a resident opens the published
form's address (the link the office puts on its web pages), fills it in and downloads the PDF, which holds
the answer. At 1280 px in English and 375 px in Spanish, with axe-core on every page."""

from __future__ import annotations

import io
import random
from io import StringIO

import pytest
from pypdf import PdfReader

from civicdata.accounts import demo as accounts_demo
from civicdata.catalog.models import PdfForm
from civicdata.catalog.tests.pdf_form_maker import make_pdf_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {
        "sign_in": "Sign in",
        "manage": "Manage",
        "tool": "PDF forms residents can fill in online",
        "upload": "Upload the form",
        "save": "Save the form",
        "question": "Your full name",
        "download": "Download the filled-in PDF",
    },
    "es": {
        "sign_in": "Iniciar sesión",
        "manage": "Gestionar",
        "tool": "Formularios PDF que los residentes pueden llenar en línea",
        "upload": "Subir el formulario",
        "save": "Guardar el formulario",
        "question": "Su nombre completo",
        "download": "Descargar el PDF completado",
    },
}


def open_menu(page) -> None:
    button = page.locator(".usa-menu-btn")
    if button.is_visible():
        button.click()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("width", "language"), [(1280, "en"), (375, "es")])
def test_an_editor_publishes_a_pdf_form_and_a_resident_fills_it(
    browser, live_server, assert_no_axe_violations, width, language
):
    accounts_demo.load(random.Random(1), StringIO())
    words = WORDS[language]
    pdf = make_pdf_form([("applicant_name", "text"), ("ward", "choice:North|South"), ("agree", "checkbox")])
    viewport = {"width": width, "height": 900}
    staff = browser.new_context(base_url=live_server.url, viewport=viewport, locale=language)
    page = staff.new_page()
    try:
        page.goto("/")
        page.get_by_role("link", name=words["sign_in"]).first.click()
        page.locator("#id_login").fill("editor@example.org")
        page.locator("#id_password").fill(accounts_demo.DEMO_PASSWORD)
        page.locator("form.usa-form button[type=submit]").click()
        page.wait_for_load_state()

        open_menu(page)
        nav = page.get_by_role("navigation").first
        nav.get_by_text(words["manage"], exact=True).click()
        nav.get_by_role("link", name=words["tool"]).click()
        page.wait_for_load_state()
        assert page.url.endswith("/catalog/tools/forms/")
        assert_no_axe_violations(page)
        assert fits(page)

        page.locator("#id_title").fill("Street tree request")
        page.locator("#id_pdf").set_input_files(
            {"name": "tree-request.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        page.get_by_role("button", name=words["upload"]).click()
        page.wait_for_load_state()
        form = PdfForm.objects.get()
        assert page.url.endswith(f"/catalog/tools/forms/{form.pk}/")
        assert page.get_by_text("applicant_name").is_visible()
        assert_no_axe_violations(page)
        assert fits(page)

        page.locator("#id_label_0").fill("Your full name")
        page.locator("#id_label_es_0").fill("Su nombre completo")
        page.locator("label[for=id_required_0]").click()
        page.locator("label[for=id_is_published]").click()
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_load_state()
        form.refresh_from_db()
        assert form.is_published
        assert form.fields[0]["required"]
        fill_path = f"/catalog/tools/forms/{form.pk}/fill/"
        assert page.locator(f"a[href='{fill_path}']").first.is_visible()
        assert_no_axe_violations(page)
    finally:
        staff.close()

    resident = browser.new_context(base_url=live_server.url, viewport=viewport, locale=language, accept_downloads=True)
    page = resident.new_page()
    try:
        page.goto(fill_path)
        assert page.get_by_label(words["question"]).is_visible()
        assert_no_axe_violations(page)
        assert fits(page)
        # Sending without the required answer is stopped (the field is marked required) and loses nothing.
        page.locator("#id_f1").select_option("South")
        page.get_by_role("button", name=words["download"]).click()
        assert page.evaluate("document.querySelector('#id_f0').validity.valueMissing")
        assert page.locator("#id_f1").input_value() == "South"

        page.get_by_label(words["question"]).fill("Rosa Martínez")
        with page.expect_download() as caught:
            page.get_by_role("button", name=words["download"]).click()
        download = caught.value
        assert download.suggested_filename == "tree-request-filled.pdf"
        with open(download.path(), "rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = reader.pages[0].extract_text()
        assert "Rosa Martínez" in text
        assert "South" in text
        assert not reader.get_fields()
    finally:
        resident.close()
